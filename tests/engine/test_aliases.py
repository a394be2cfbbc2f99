"""Aliases in the engine: the same text run under other ids is found by those ids and listed in its story."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from copydesk.config import StoryConfig
from copydesk.engine.export import export_dedup, export_stories
from copydesk.engine.index import Index
from copydesk.engine.stages.keys import story_id
from copydesk.io.write import Row, RowWriter

from .test_stories import OTHER, WIRE, art, corpus, membership


class Rows(RowWriter):
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def write(self, rows: Sequence[Row]) -> None:
        self.rows += [dict(r) for r in rows]

    def close(self) -> None:
        pass

    def discard(self) -> None:
        self.rows.clear()


def outlets() -> list[dict[str, object]]:
    """The wire story run unchanged by two more outlets, later."""
    return [art("times", WIRE, 2, "Times"), art("post", WIRE, 3, "Post")]


def test_an_alias_is_found_and_compared_by_its_own_id(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        summary = ix.add(corpus() + outlets())
        assert (summary.added, summary.duplicate_text) == (5, 2)
        assert summary.duplicate_of == {"times": "wire", "post": "wire"}
        times = ix.get("times")
        assert (times.outlet, times.text) == ("Times", ix.get("wire").text)
        hits = {h.id: h for h in ix.find("times")}
        assert {"wire", "copy1", "copy2"} <= set(hits) and hits["wire"].containment_hit == 1.0 == hits[
            "wire"
        ].containment_query
        assert ix.explain("times", "wire").to_dict()["b"]["id"] == "wire"
        assert ix.explain("copy1", "post").to_dict()["b"]["outlet"] == "Post"


def test_the_story_lists_every_outlet_that_ran_the_text(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(corpus() + outlets())
        big = ix.stories()[0]
        assert big.size == 5 and big.root == "wire"
        assert set(big.outlets) == {"CPA", "Ledger", "Weekly", "Times", "Post"}
        roles = {m.id: (m.role, m.parent, m.confidence, m.containment) for m in big.members}
        assert roles["times"] == roles["post"] == ("alias", "wire", 1.0, 1.0)
        assert roles["copy1"][:2] == ("copy", "wire")
        assert not any(e.copy in ("times", "post") for e in big.edges)  # no provenance edge of their own
        assert ix.story_of("times") == big == ix.story_of("post")
        as_json = big.to_dict()
        assert {"times", "post"} <= set(as_json["members"])
        assert [a["date"] for a in as_json["articles"] if a["id"] == "post"] == ["2024-01-03"]
        assert ix.store.story_counts()["members"] == 7


def test_an_alias_added_later_joins_the_story_as_a_build_from_scratch_places_it(tmp_path: Path) -> None:
    config = StoryConfig()
    with Index(tmp_path / "scratch.db", story_config=config) as ix:
        ix.add(corpus() + outlets() + [art("ledger2", WIRE[:9], 4, "Ledger2")])
        want = [s.to_dict() for s in ix.stories()]
    with Index(tmp_path / "steps.db", story_config=config) as ix:
        ix.add(corpus())
        sid = membership(ix)["wire"]
        ix.add([outlets()[0]])  # an alias alone: no new article
        done = ix.update_stories()
        assert done.articles == 0 and ix.story(sid).size == 4
        ix.add([outlets()[1], art("ledger2", WIRE[:9], 4, "Ledger2")])
        ix.update_stories()
        assert [s.to_dict() for s in ix.stories()] == want
        assert ix.update_stories().articles == 0 and ix.story(sid).size == 6
        ix.add(outlets())  # again: nothing twice
        assert ix.story(sid).size == 6


def test_aliases_follow_their_article_into_a_merged_story(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([art("wire", WIRE, 1), art("wcopy", WIRE[:10], 2)])
        ix.update_stories()
        ix.add([art("other", OTHER, 3), art("ocopy", OTHER[2:], 4), art("oalias", OTHER, 5, "Echo")])
        ix.update_stories()
        older, newer = membership(ix)["wire"], membership(ix)["other"]
        assert membership(ix)["oalias"] == newer
        ix.add([art("bridge", WIRE[:6] + OTHER[:6], 5)])
        ix.update_stories()
        story = ix.story(older)
        assert {m.id for m in story.members} == {"wire", "wcopy", "other", "ocopy", "oalias", "bridge"}
        assert story.size == 6 and ix.store.story_of(["oalias"]) == {"oalias": older}
        assert len(ix.stories()) == 1


def test_alias_rows_depend_on_no_input_order_but_which_id_holds_the_text(tmp_path: Path) -> None:
    rnd = random.Random(3)
    views = []
    for n in range(3):
        rest = corpus()[1:] + outlets()
        rnd.shuffle(rest)
        with Index(tmp_path / f"{n}.db") as ix:
            ix.add([corpus()[0], *rest])  # the wire id first: it holds the text
            views.append([s.to_dict() for s in ix.stories()])
    assert views[0] == views[1] == views[2]
    assert {"times", "post"} <= set(views[0][0]["members"])


def test_exports_list_aliases_and_dedup_writes_one_text_whichever_id_came_first(tmp_path: Path) -> None:
    dedup: list[list[tuple[Any, ...]]] = []
    # the same day: the id holding the text is the smaller, "cpa-mirror", whichever came first (issue 18)
    for n, first in enumerate(("wire", "cpa-mirror")):
        items = [*corpus(), *outlets(), art("cpa-mirror", WIRE, 1, "Mirror")]
        items.sort(key=lambda a: a["id"] != first)
        with Index(tmp_path / f"{n}.db") as ix:
            ix.add(items)
            ix.update_stories()
            rows = Rows()
            export_stories(ix, rows)
            by_id = {r["id"]: r for r in rows.rows}
            assert len(rows.rows) == 8 and by_id["times"]["story_size"] == 6
            assert (by_id["times"]["role"], by_id["times"]["parent"]) == ("alias", "cpa-mirror")
            assert (by_id["wire"]["role"], by_id["wire"]["parent"]) == ("alias", "cpa-mirror")
            assert by_id["times"]["outlet"] == "Times" and by_id["times"]["date"] == dt.date(2024, 1, 2)
            out = Rows()
            assert export_dedup(ix, out).rows == 3  # one row per story: aliases are not written again
            dedup.append(sorted((r["id"], r["story"], r["outlet"], r["text"]) for r in out.rows))
    assert dedup[0] == dedup[1]
    # the earliest id of the text (then the smallest) stands for it
    assert "cpa-mirror" in {row[0] for row in dedup[0]}


def test_an_alias_of_an_article_of_the_same_update_counts_once(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(corpus()[:2])
        ix.update_stories()
        ix.add([corpus()[2], {**corpus()[2], "id": "copy2-again", "outlet": "Mirror"}])
        ix.update_stories()
        story = ix.story_of("copy2-again")
        assert story.size == 4 and ix.store.story_counts()["members"] == 4
        assert {m.id: m.parent for m in story.members}["copy2-again"] == "copy2"


def test_a_single_article_run_again_later_becomes_the_source_of_its_alias(tmp_path: Path) -> None:
    alone, again = art("alone", OTHER, 1, "CPA"), art("alone-times", OTHER, 2, "Times")
    with Index(tmp_path / "scratch.db") as ix:
        ix.add([alone, again])
        want = [s.to_dict() for s in ix.stories()]
    with Index(tmp_path / "steps.db") as ix:
        ix.add([alone])
        assert [m.role for m in ix.story_of("alone").members] == ["single"]
        ix.add([again])
        assert ix.update_stories().aliases == 1
        assert [s.to_dict() for s in ix.stories()] == want
        assert [(m.id, m.role) for m in ix.story_of("alone-times").members] == [
            ("alone", "source"),
            ("alone-times", "alias"),
        ]


def test_an_alias_reads_the_credits_of_its_text_with_its_own_names_and_is_judged_as_its_article(
    tmp_path: Path,
) -> None:
    text, part = [*WIRE[:10], "Photo: AFP"], [*WIRE[:8], "Photo: AFP"]
    with Index(tmp_path / "i.db") as ix:
        ix.add(
            [
                art("afp", text, 1, "AFP"),
                art("afp-site", text, 1, "afp.com"),  # the source's text under another id
                art("ledger", part, 2, "Ledger"),  # a copy crediting its source
                art("times", part, 3, "Times"),  # the copy's text, run again
                art("afp-mirror", part, 3, "AFP"),  # the same, by the agency itself
            ]
        )
        (story,) = ix.stories()
        got = {m.id: (m.role, m.parent, m.credits, m.credits_source, m.uncredited) for m in story.members}
        assert got == {
            "afp": ("source", None, (), False, False),
            "afp-site": ("alias", "afp", ("AFP",), False, False),
            "ledger": ("copy", "afp", ("AFP",), True, False),
            "times": ("alias", "ledger", ("AFP",), True, False),
            "afp-mirror": ("alias", "ledger", (), True, False),  # AFP does not credit itself
        }
        assert story.uncredited_share == 0.0 and story.outlets == ("AFP", "Ledger", "Times", "afp.com")


def test_an_alias_follows_its_article_when_the_article_gets_a_new_parent(tmp_path: Path) -> None:
    items = corpus()
    rerun = {**items[1], "id": "copy1-times", "outlet": "Times"}
    with Index(tmp_path / "i.db") as ix:
        ix.add([items[1], items[2], rerun])  # the copies without their source
        ix.update_stories()
        ix.add([items[0]])
        ix.update_stories()
        story = ix.story_of("copy1-times")
        by_id = {m.id: m for m in story.members}
        assert story.root == "wire" and story.size == 4
        alias, holder = by_id["copy1-times"], by_id["copy1"]
        assert (alias.role, alias.parent) == ("alias", "copy1")
        assert (alias.credits_source, alias.uncredited) == (holder.credits_source, holder.uncredited)
        assert holder.uncredited  # a copy of wire now, crediting nothing: so is the alias


def test_aliases_read_a_few_at_a_time_give_the_same_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.engine import aliases

    with Index(tmp_path / "a.db") as ix:
        ix.add(corpus() + outlets())
        want = [s.to_dict() for s in ix.stories()]
    monkeypatch.setattr(aliases, "_CHUNK", 1)
    with Index(tmp_path / "b.db") as ix:
        ix.add(corpus() + outlets())
        assert [s.to_dict() for s in ix.stories()] == want


def test_an_earlier_id_of_a_stored_text_takes_it_over_and_the_stories_follow(tmp_path: Path) -> None:
    # "times" stores the wire's text on day 2 and its stories are built; then "early" brings the very same
    # text dated day 1: it holds the text from then on, "times" becomes its alias, the links of "times" are
    # retracted and verified again under "early", and the stories equal those of both added at once
    first = [art("times", WIRE, 2, "Times"), art("copy1", WIRE[:10], 3, "Post")]
    early = art("early", WIRE, 1, "Early")
    with Index(tmp_path / "a.db") as ix:
        ix.add(first)
        ix.update_stories()
        assert ix.story_of("copy1").root == "times"
        added = ix.add([early])
        assert added.duplicate_text == 1
        done = ix.update_stories()
        assert done.retracted == 1 and done.links == 1
        assert ix.store.aliases_of(["early"]) == {"early": ["times"]}
        story = ix.story_of("copy1")
        roles = {m.id: (m.role, m.parent) for m in story.members}
        assert roles == {"early": ("source", None), "times": ("alias", "early"), "copy1": ("copy", "early")}
        assert ix.get("times").text == ix.get("early").text and ix.get("times").outlet == "Times"
        after = [{**s.to_dict(), "merged": []} for s in ix.stories(update=False)]
        assert ix.story(story_id("times")) == story  # the story's old id leads to it
    with Index(tmp_path / "b.db") as ix:
        ix.add([*first, early])
        assert [s.to_dict() for s in ix.stories()] == after
