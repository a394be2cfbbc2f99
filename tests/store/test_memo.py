"""A read-only connection keeps the story listings' counts while the file does not change: a kept answer
is never stale (whatever another connection commits, the next read answers as a fresh connection would),
and an unchanged file is not counted again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copydesk.engine.index import Index
from copydesk.io import read
from copydesk.store import StoryQuery, story_search
from tests.conftest import EXAMPLES

QUERIES = [StoryQuery(), StoryQuery(min_size=1), StoryQuery(outlet="Gazette 1"), StoryQuery(q="gazette")]


def answers(index: Index) -> list[Any]:
    out: list[Any] = [index.store.search_stories(q) for q in QUERIES]
    return [*out, index.store.outlet_table(), index.store.story_counts()]


def copy_of_wire(n: int) -> dict[str, str]:
    text = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    return {
        "id": f"gazette-{n}",
        "text": f"{text}\nGazette {n} adds a line of its own here.",
        "outlet": f"Gazette {n}",
        "title": f"Gazette {n} runs the wire story",
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "memo.db"
    with Index(path) as index:
        index.add(read([str(EXAMPLES)]), workers=0)
        index.update_stories()
    return path


def test_kept_answers_follow_every_commit(db: Path) -> None:
    with Index(db) as writer, Index(db, readonly=True) as reader:
        before = answers(reader)
        for n in range(1, 4):
            assert answers(reader) == before  # kept: nothing changed
            writer.add([copy_of_wire(n)], workers=0)  # articles committed, stories not yet
            with Index(db, readonly=True) as fresh:
                assert answers(reader) == answers(fresh)
            writer.update_stories()
            with Index(db, readonly=True) as fresh:
                now = answers(fresh)
            assert answers(reader) == now and now != before
            before = now
        page = reader.store.search_stories(StoryQuery(outlet="Gazette 3"))
        assert page.total == 1 and ("Gazette 3", 1) in page.outlets


def test_an_unchanged_file_is_counted_once(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[StoryQuery] = []
    counted = story_search.facets

    def counting(con: Any, q: StoryQuery) -> Any:
        calls.append(q)
        return counted(con, q)

    monkeypatch.setattr(story_search, "facets", counting)
    with Index(db, readonly=True) as reader:
        first = reader.store.search_stories(StoryQuery())
        second = reader.store.search_stories(StoryQuery(offset=20, order="newest"))  # same filters
        assert len(calls) == 1 and (first.total, first.outlets) == (second.total, second.outlets)
        reader.store.search_stories(StoryQuery(min_size=1))
        assert len(calls) == 2
    with Index(db) as writer:  # a writable connection counts every time (its own commits keep data_version)
        writer.store.search_stories(StoryQuery())
        writer.store.search_stories(StoryQuery())
        assert len(calls) == 4
