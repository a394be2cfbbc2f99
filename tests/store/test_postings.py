"""Postings in blocks: the same candidates as one row per posting (a brute-force reference), through many
blocks per segment, merges in several slices of the key space, compaction, and the upgrade of a version 2
file that kept one row per posting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from copydesk.errors import StoreError
from copydesk.model import IndexedArticle
from copydesk.store import SCHEMA_VERSION, SqliteStore, open_store, postings
from tests.store.test_sqlite import EDGES, SMALL, item

FIELDS = {"bands": "band_keys", "passages": "passages"}


def _items(n: int, seed: int) -> list[IndexedArticle]:
    rng = np.random.default_rng(seed)
    # Keys over the whole uint64 range (both signs once stored), some shared by many articles.
    keys = np.array([*EDGES, *rng.integers(0, 2**64 - 1, 300, dtype=np.uint64).tolist()], dtype=np.uint64)
    return [
        item(f"d{i}", bands=rng.choice(keys, 4).tolist(), passages=rng.choice(keys[:60], 9).tolist())
        for i in range(n)
    ]


def _reference(
    items: list[IndexedArticle], query: IndexedArticle, field: str, cap: int | None
) -> dict[str, int]:
    q = set(getattr(query.fingerprints, field).tolist())
    owners = {
        k: {str(i.article.id) for i in items if k in set(getattr(i.fingerprints, field).tolist())} for k in q
    }
    out: dict[str, int] = {}
    for k in q:
        if cap is None or len(owners[k]) <= cap:
            for id_ in owners[k]:
                out[id_] = out.get(id_, 0) + 1
    return out


def _check(store: SqliteStore, items: list[IndexedArticle]) -> None:
    for query in items[::7]:
        fp = query.fingerprints
        assert store.band_candidates(fp.band_keys) == _reference(items, query, "band_keys", None)
        assert store.passage_candidates(fp.passages, max_postings=8) == _reference(
            items, query, "passages", 8
        )


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of about 2 postings and merges in slices of 16, so that every path runs on a few articles."""
    monkeypatch.setattr(postings, "BLOCK", 2)
    monkeypatch.setattr(postings, "_SLICE", 16)


@pytest.mark.usefixtures("small_blocks")
def test_many_blocks_and_sliced_merges_give_the_reference_candidates(tmp_path: Path) -> None:
    items = _items(90, seed=5)
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=3) as store:
        for start in range(0, len(items), 8):
            store.add_batch(items[start : start + 8])
        con = store._connection()
        (blocks,) = con.execute("SELECT count(*) FROM passage_blocks").fetchone()
        assert blocks > 3 * store.stats().segments  # several blocks per segment
        assert store.stats().segments > 1
        _check(store, items)
        store.compact()
        assert store.stats().segments == 1
        _check(store, items)


def test_key_docs_lists_every_posting_of_the_keys(tmp_path: Path) -> None:
    items = _items(40, seed=6)
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=2) as store:
        for start in range(0, len(items), 6):
            store.add_batch(items[start : start + 6])
        keys = items[0].fingerprints.passages
        want = sorted(
            (int(k), n + 1)
            for n, i in enumerate(items)
            for k in i.fingerprints.passages.view(np.int64).tolist()
            if k in set(keys.view(np.int64).tolist())
        )
        with store._read() as con:
            got_k, got_d = postings.key_docs(con, "passages", keys.view(np.int64), max_postings=None)
        assert sorted(zip(got_k.tolist(), got_d.tolist(), strict=True)) == want


def _as_version_2(path: Path) -> None:
    """Rewrite a version 4 file as version 2 wrote it: one row per posting, segments without shifts."""
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE bands (seg INTEGER NOT NULL, band_key INTEGER NOT NULL, doc INTEGER NOT NULL, "
        "PRIMARY KEY (seg, band_key, doc)) WITHOUT ROWID"
    )
    con.execute(
        "CREATE TABLE passages (seg INTEGER NOT NULL, fp INTEGER NOT NULL, doc INTEGER NOT NULL, "
        "PRIMARY KEY (seg, fp, doc)) WITHOUT ROWID"
    )
    for kind, (table, _, _) in postings.TABLES.items():
        for seg, blob in con.execute(f"SELECT seg, postings FROM {table}").fetchall():
            records = np.frombuffer(blob, dtype=postings.RECORD)
            con.executemany(
                f"INSERT INTO {kind} VALUES (?, ?, ?)",
                ((seg, int(k), int(d)) for k, d in zip(records["key"], records["doc"], strict=True)),
            )
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE segments DROP COLUMN band_shift")
    con.execute("ALTER TABLE segments DROP COLUMN passage_shift")
    con.execute("DROP INDEX articles_doc_id")
    con.execute("DROP TABLE aliases")  # version 5
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()


@pytest.mark.usefixtures("small_blocks")
def test_a_version_2_file_is_upgraded_in_place_with_the_same_candidates(tmp_path: Path) -> None:
    items = _items(60, seed=7)
    path = tmp_path / "old.db"
    with SqliteStore(path, config=SMALL, merge_factor=3) as store:
        for start in range(0, 48, 8):
            store.add_batch(items[start : start + 8])
    _as_version_2(path)
    with pytest.raises(StoreError, match="schema version 2; this copydesk upgrades it"):
        open_store(path, readonly=True)
    with SqliteStore(path, merge_factor=3) as store:
        assert store.stats().schema_version == SCHEMA_VERSION == 8
        _check(store, items[:48])
        store.add_batch(items[48:])  # and it goes on as any version 5 file
        _check(store, items)
    con = sqlite3.connect(path)
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert {"band_blocks", "passage_blocks"} <= tables and not {"bands", "passages"} & tables
    indexes = {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}
    assert "articles_doc_id" in indexes
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_pairs_are_sorted_and_unique_whatever_order_the_runs_come_in() -> None:
    rng = np.random.default_rng(8)
    keys = rng.integers(-5, 5, 400).astype(np.int64)
    docs = rng.integers(0, 30, 400).astype(np.int64)
    want = sorted(set(zip(keys.tolist(), docs.tolist(), strict=True)))
    runs = [np.lexsort((docs[i : i + 100], keys[i : i + 100])) + i for i in range(0, 400, 100)]
    for order in (np.arange(400), np.concatenate(runs)):  # unsorted; sorted runs with docs out of order
        got_k, got_d = postings._dedup(keys[order], docs[order])
        assert list(zip(got_k.tolist(), got_d.tolist(), strict=True)) == want


@pytest.mark.usefixtures("small_blocks")
def test_look_ups_as_json_pairs_give_the_same_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "_MIN_PACKED_SHIFT", 64)  # no segment packs: every look-up takes pairs
    items = _items(40, seed=9)
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=3) as store:
        for start in range(0, len(items), 8):
            store.add_batch(items[start : start + 8])
        _check(store, items)


@pytest.mark.usefixtures("small_blocks")
def test_key_docs_come_sorted_by_key_and_doc_even_when_every_key_shares_the_filter_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "_FILTER_BITS", (1, 1))  # one bit: the filter lets every posting through
    items = _items(70, seed=10)
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=3) as store:
        for start in range(0, len(items), 5):  # 14 batches: segments of three levels
            store.add_batch(items[start : start + 5])
        assert store.stats().segments > 2
        for query in items[::9]:
            keys = set(query.fingerprints.passages.view(np.int64).tolist())
            want = sorted(
                (k, n + 1)
                for n, i in enumerate(items)
                for k in set(i.fingerprints.passages.view(np.int64).tolist())
                if k in keys
            )
            with store._read() as con:
                got_k, got_d = postings.key_docs(
                    con, "passages", query.fingerprints.passages.view(np.int64), max_postings=None
                )
            assert list(zip(got_k.tolist(), got_d.tolist(), strict=True)) == want  # in this order


def test_postings_are_sorted_by_key_and_doc_whatever_order_the_segments_come_in() -> None:
    rng = np.random.default_rng(11)
    keys = rng.integers(-6, 6, 300).astype(np.int64)
    docs = np.arange(300, dtype=np.int64)  # distinct docs, as a doc is in one segment
    want = sorted(zip(keys.tolist(), docs.tolist(), strict=True))
    runs = [np.lexsort((docs[i : i + 100], keys[i : i + 100])) + i for i in range(0, 300, 100)]
    for order in (np.concatenate(runs), np.concatenate(runs[::-1])):  # docs ascending run to run, or not
        got_k, got_d = postings._by_key(keys[order], docs[order])
        assert list(zip(got_k.tolist(), got_d.tolist(), strict=True)) == want
