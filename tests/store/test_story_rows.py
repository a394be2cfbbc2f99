"""`Store.story_rows`, counted in SQL, says of every story what its loaded `Story` says (`StoryRow.of`):
titles in member order, outlets, dates, uncredited members and copies (aliases counted as `Story.copies`
counts them), the hidden source's agency and the copies crediting it."""

from __future__ import annotations

from pathlib import Path

from copydesk.engine.index import Index
from copydesk.io import read
from copydesk.store import StoryQuery, StoryRow
from tests.conftest import EXAMPLES


def _every_row_agrees(index: Index) -> int:
    ids = index.store.story_listing()
    rows = index.store.story_rows(ids)
    assert [r.id for r in rows] == ids
    assert rows == [StoryRow.of(s) for s in index.store.load_stories(ids)]
    assert index.store.story_rows([*reversed(ids), "no such story"]) == rows[::-1]
    return len(rows)


def test_rows_agree_with_loaded_stories(tmp_path: Path) -> None:
    path = tmp_path / "rows.db"
    wire = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    with Index(path) as index:
        index.add(read([str(EXAMPLES)]), workers=0)
        index.update_stories()
        assert _every_row_agrees(index) >= 2
        # an untitled root, an alias, copies with and without credits, members without dates
        index.add(
            [
                {"id": "plain-copy", "text": wire, "outlet": "Echo"},
                {
                    "id": "late",
                    "text": wire + "\nA line the Echo did not run.",
                    "title": "Late",
                    "date": "2031-02-03",
                },
                {"id": "credited", "text": "(AP) - " + wire, "outlet": "Post", "title": ""},
            ],
            workers=0,
        )
        index.update_stories()
        assert _every_row_agrees(index) >= 2
        found, page = index.list_stories(StoryQuery(min_size=1))
        assert [r.id for r in found] == list(page.ids)
    with Index(path, readonly=True) as reader:  # kept by a reader, the same rows
        assert _every_row_agrees(reader) >= 2
        assert _every_row_agrees(reader) >= 2
