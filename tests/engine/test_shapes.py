"""The JSON shapes of `copydesk.engine.shapes`, pinned key by key; the command line's ``--format json``
gives the same objects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine import shapes
from copydesk.engine.index import Index
from copydesk.engine.view import find_story, story_view
from copydesk.store import StoryQuery

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
HIT_KEYS = {
    "id", "title", "date", "outlet", "url", "jaccard", "containment_query_in_hit", "containment_hit_in_query",
    "direction", "confidence", "passage_count", "passages",
}  # fmt: skip
STORY_KEYS = {
    "id", "size", "root", "hidden_source", "hidden_agency", "hidden_agency_credited", "members", "outlets",
    "earliest", "latest", "edges", "uncredited", "uncredited_share", "merged", "articles",
}  # fmt: skip
ROW_KEYS = {
    "id", "size", "root", "hidden_source", "hidden_agency", "hidden_agency_credited", "title", "outlets",
    "earliest", "latest", "uncredited", "uncredited_share",
}  # fmt: skip
SUMMARY_KEYS = {
    "added", "already_present_same_id", "already_present_same_text", "skipped", "skipped_reasons", "notes",
    "seconds", "articles_per_second", "index_articles",
}  # fmt: skip
ARTICLE_KEYS = {
    "id",
    "title",
    "date",
    "outlet",
    "url",
    "text",
    "story",
    "role",
    "parent",
    "uncredited",
    "credits",
}
OUTLET_KEYS = {"outlet", "articles", "stories", "copies", "uncredited", "uncredited_share", "sources"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shapes") / "ex.db"
    with Index(path) as index:
        index.add(
            [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(EXAMPLES.glob("*.txt"))],
            workers=0,
        )
        index.update_stories()
    return path


def run(*args: str) -> object:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_hit_shape_is_the_cli_s(db: Path) -> None:
    with Index(db, readonly=True) as index:
        hits = [shapes.hit(h) for h in index.find("wire.txt")]
    assert hits and all(set(h) == HIT_KEYS for h in hits)
    assert set(hits[0]["passages"][0]) == {"a_start", "a_end", "b_start", "b_end", "words"}
    out = run("find", "wire.txt", "--db", str(db), "--format", "json")
    assert isinstance(out, dict) and out["hits"] == hits


def test_compare_shape_is_the_cli_s(db: Path) -> None:
    with Index(db, readonly=True) as index:
        c = shapes.comparison(index.explain("wire.txt", "ledger.txt"))
    assert {"schema_version", "verdict", "confidence", "jaccard", "a", "b", "passages", "sentences"} <= set(c)
    assert run("find", "wire.txt", "--db", str(db), "--explain", "ledger.txt", "--format", "json") == c


def test_story_shapes(db: Path) -> None:
    with Index(db, readonly=True) as index:
        story, focus = find_story(index, "wire.txt")
        found, page = index.search_stories(StoryQuery())
    assert focus == "wire.txt" and set(shapes.story(story)) == STORY_KEYS
    shown = run("story", "wire.txt", "--db", str(db), "--format", "json")
    assert shown == shapes.story_shown(story, None) == {**shapes.story(story), "reconstructed": None}
    assert page.total == 1 and set(shapes.story_row(found[0])) == ROW_KEYS
    assert [shapes.story(s) for s in found] == run("stories", "--db", str(db), "--format", "json")


def test_summary_article_outlet_error_shapes(db: Path, tmp_path: Path) -> None:
    with Index(tmp_path / "one.db") as index:
        done = index.add([{"id": "a", "text": "one two three four five six seven eight nine ten"}], workers=0)
        out = shapes.summary(done, index_articles=1)
        assert set(out) == SUMMARY_KEYS
        assert set(shapes.summary(done, index_articles=1, stories=index.update_stories())) == SUMMARY_KEYS | {
            "stories"
        }
    cli_out = run("add", str(EXAMPLES / "wire.txt"), "--db", str(tmp_path / "two.db"), "--format", "json")
    assert isinstance(cli_out, dict) and set(cli_out) == SUMMARY_KEYS | {"db"}
    with Index(db, readonly=True) as index:
        story, _ = find_story(index, "ledger.txt")
        member = next(m for m in story.members if m.id == "ledger.txt")
        art = shapes.article(index.get("ledger.txt"), member, story.id)
        rows = [shapes.outlet(r) for r in index.outlets()]
    assert set(art) == ARTICLE_KEYS and art["role"] == "copy" and art["parent"] == "wire.txt"
    assert rows and all(set(r) == OUTLET_KEYS for r in rows)
    assert shapes.error("no such story", 404) == {"ok": False, "error": "no such story", "status": 404}


def test_story_view_prunes_and_reads_only(db: Path) -> None:
    with Index(db, readonly=True) as index:
        whole = story_view(index, "wire.txt", max_members=None)
        cut = story_view(index, "wire.txt", max_members=2, scripts=False)
    assert not whole.cut and whole.comparisons
    assert cut.cut and cut.shown.size == 2 and cut.focus == "wire.txt" and not cut.comparisons


def test_story_search_filters_and_facets(db: Path) -> None:
    with Index(db, readonly=True) as index:
        _, everything = index.search_stories(StoryQuery(min_size=1))
        _, none = index.search_stories(StoryQuery(q="no such words anywhere"))
        _, by_title = index.search_stories(StoryQuery(q="LEDGER"))
        _, late = index.search_stories(StoryQuery(since=dt.date(2100, 1, 1)))
        _, like = index.search_stories(StoryQuery(q="%_"))
    assert everything.total >= 1 and none.total == 0 and by_title.total == 1 and late.total == 0
    assert like.total == 0  # LIKE wildcards are taken literally
    assert dict(by_title.roles)["source"] == 1
