"""Each article's number of passage fingerprints (`find` ranks its candidates by the share of them they hold):
written with the articles in ``passage_counts``, read through a per-store cache that sees what other
connections add, and counted from the fingerprints when a version 7 file is upgraded (its stories kept)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from copydesk.errors import StoreError
from copydesk.model import IndexedArticle
from copydesk.store import SCHEMA_VERSION, SqliteStore, open_store, schema
from copydesk.store.lookup import PassageCounts
from tests.store.test_sqlite import SMALL, item


def _items(n: int, seed: int, prefix: str = "d") -> list[IndexedArticle]:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 2**63, 400, dtype=np.uint64)
    return [
        item(f"{prefix}{i}", passages=rng.choice(keys, int(rng.integers(0, 12)), replace=False).tolist())
        for i in range(n)
    ]


def _stored(path: Path) -> dict[int, int]:
    """doc -> its passage fingerprints, counted from the fingerprints table (the reference)."""
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT doc, length(passages) / 8 FROM fingerprints").fetchall())
    finally:
        con.close()


def _read(store: SqliteStore, docs: list[int]) -> list[int]:
    with store._read() as con:
        return store._passage_counts.of(con, np.asarray(docs, dtype=np.int64)).tolist()


def test_counts_are_written_with_the_articles_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with SqliteStore(path, config=SMALL) as store:
        store.add_batch(_items(30, seed=1))
        want = _stored(path)
        docs = sorted(want)
        assert _read(store, docs) == [want[d] for d in docs]
        assert _read(store, [0, max(docs) + 5, -1]) == [0, 0, 0]  # no such doc


def test_the_cache_sees_what_another_connection_adds(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with SqliteStore(path, config=SMALL) as writer:
        writer.add_batch(_items(10, seed=2))
    with open_store(path, readonly=True) as reader:
        assert isinstance(reader, SqliteStore)
        first = _stored(path)
        assert _read(reader, sorted(first)) == [first[d] for d in sorted(first)]
        with SqliteStore(path, config=SMALL) as writer:
            writer.add_batch(_items(7, seed=3, prefix="e"))
            writer.add_batch(_items(5, seed=4, prefix="f"))
        now = _stored(path)
        assert len(now) == 22
        assert _read(reader, sorted(now)) == [now[d] for d in sorted(now)]


def test_long_runs_are_cut_into_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(schema, "COUNTS_RUN", 4)
    path = tmp_path / "x.db"
    with SqliteStore(path, config=SMALL) as store:
        store.add_batch(_items(11, seed=5))
        con = sqlite3.connect(path)
        rows = con.execute("SELECT first, length(counts) / 4 FROM passage_counts ORDER BY first").fetchall()
        con.close()
        assert [n for _, n in rows] == [4, 4, 3] and rows[1][0] == rows[0][0] + 4
        want = _stored(path)
        assert _read(store, sorted(want)) == [want[d] for d in sorted(want)]


def test_a_bad_row_is_named() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE passage_counts (first INTEGER PRIMARY KEY, counts BLOB NOT NULL)")
    con.execute("INSERT INTO passage_counts VALUES (1, ?)", (b"\x01\x02\x03",))
    with pytest.raises(StoreError, match="passage_counts"):
        PassageCounts().of(con, np.asarray([1], dtype=np.int64))


def test_a_version_7_file_is_counted_and_keeps_its_stories(tmp_path: Path) -> None:
    from copydesk.engine.index import Index
    from tests.engine.test_credits import pair

    path = tmp_path / "old.db"
    with Index(path) as ix:
        ix.add(pair())
        (want,) = ix.stories()
        found = ix.find({"text": pair()[0]["text"]})
    con = sqlite3.connect(path)
    con.execute("DROP TABLE passage_counts")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 7; this copydesk upgrades it"):
        open_store(path, readonly=True)
    with Index(path) as ix:
        assert ix.stats().schema_version == SCHEMA_VERSION == 8
        assert ix.store.stories_pending()[2] == []  # the stories were kept, not restarted
        assert ix.stories(update=False) == [want]
    counts = _stored(path)
    with SqliteStore(path) as store:
        assert _read(store, sorted(counts)) == [counts[d] for d in sorted(counts)]
    with Index(path, readonly=True) as ix:
        assert ix.find({"text": pair()[0]["text"]}) == found
