"""SqliteStore: round trip, idempotency, duplicates, all-or-nothing batches, settings and file checks."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from copydesk.config import IndexConfig
from copydesk.errors import ArticleNotFound, StoreError
from copydesk.model import Article, BodyLayout, Fingerprints, IndexedArticle
from copydesk.store import SCHEMA_VERSION, SqliteStore, Store, open_store, postings
from copydesk.store.codec import pack_text, unpack_text

SMALL = IndexConfig(num_perm=8, bands=4)
EDGES = [0, 1, 2**63 - 1, 2**63, 2**64 - 1]


def item(
    id: str,
    text: str | None = None,
    *,
    content_hash: int | None = None,
    bands: list[int] | None = None,
    passages: list[int] | None = None,
    **fields: object,
) -> IndexedArticle:
    text = f"The text of {id}." if text is None else text
    fp = Fingerprints(
        content_hash=hash(text) % 2**64 if content_hash is None else content_hash,
        words=len(text.split()),
        signature=np.arange(SMALL.num_perm, dtype=np.uint64) * 2**60,
        band_keys=np.array(
            bands if bands is not None else [hash((id, b)) % 2**64 for b in range(4)], np.uint64
        ),
        passages=np.unique(np.array(passages or [], dtype=np.uint64)),
    )
    return IndexedArticle(Article(text=text, id=id, **fields), fp)  # type: ignore[arg-type]


def _laid(id: str, layout: BodyLayout | None) -> IndexedArticle:
    base = item(id, f"By A. Writer\n\nThe text of the story {id}, with a credit. Photo: AFP")
    return IndexedArticle(base.article, base.fingerprints, layout)


def test_layouts_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    layouts = {
        "plain": BodyLayout(),
        "laid": BodyLayout(
            skip=((0, 3), (10, 12)), credits=(("photo", "AFP", 40, 50), ("agency", None, 1, 2))
        ),
        "none": None,
    }
    with open_store(path, config=SMALL) as s:
        s.add_batch([_laid(id_, lay) for id_, lay in layouts.items()])
    with open_store(path, readonly=True) as s:
        got = s.get_layouts(["none", "laid", "plain"])
        assert [a.id for a, _ in got] == ["none", "laid", "plain"]
        assert [lay for _, lay in got] == [layouts["none"], layouts["laid"], layouts["plain"]]
        assert got[1][0] == s.get("laid")
        with pytest.raises(ArticleNotFound, match="'nope'"):
            s.get_layouts(["plain", "nope"])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "index.db", config=SMALL) as s:
        yield s


def test_round_trip_through_close_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    a = item(
        "a",
        "Header line\nBody — “quoted” ünïcödé 東京 text.",
        title="Título",
        date=dt.date(2024, 11, 8),
        url="https://example.org/a",
        outlet="Le Monde",
        body_start=12,
        meta={"section": "world", "n": 3, "tags": ["x", None], "ratio": 0.25},
        bands=EDGES[:4],
        passages=EDGES,
    )
    b = item("b", "")
    with open_store(path, config=SMALL) as store:
        assert store.add_batch([a, b]).added == 2
    with open_store(path) as store:
        assert store.config == SMALL
        assert store.get("a") == a.article
        assert store.get("b") == b.article
        assert store.get_many(["b", "a", "b"]) == [b.article, a.article, b.article]
        got = store.fingerprints("a")
        assert got.content_hash == a.fingerprints.content_hash and got.words == a.fingerprints.words
        for name in ("band_keys", "passages"):
            assert getattr(got, name).dtype == np.uint64
            assert np.array_equal(getattr(got, name), getattr(a.fingerprints, name))
        assert got.signature.dtype == np.uint64 and len(got.signature) == 0  # not kept: see codec
        assert store.band_candidates(np.array(EDGES[:4], np.uint64)) == {"a": 4}
        assert store.passage_candidates(np.array([2**64 - 1, 2**63], np.uint64), max_postings=5) == {"a": 2}
        assert list(store.ids()) == ["a", "b"]


def test_same_input_twice_adds_nothing_the_second_time(store: Store) -> None:
    batch = [item(f"n{i}") for i in range(5)]
    first = store.add_batch(batch)
    second = store.add_batch(batch)
    assert (first.added, second.added, second.duplicate_id) == (5, 0, 5)
    assert [o.status for o in second.outcomes] == ["duplicate_id"] * 5
    assert store.count() == 5
    stats = store.stats()
    assert (stats.articles, stats.batches, stats.segments) == (5, 2, 1)


def test_same_text_under_another_id_is_reported_with_the_stored_id(store: Store) -> None:
    store.add_batch([item("wire", "Same story.")])
    result = store.add_batch(
        [
            item("copy", "Same story."),  # duplicate of a stored article
            item("x1", "New story."),
            item("x2", "New story."),  # duplicate of an earlier item of the same batch
            item("x1", "Other text."),  # same id earlier in the batch
            item("clash", "Another text.", content_hash=hash("Same story.") % 2**64),  # same hash, other text
        ]
    )
    assert [(o.id, o.status, o.duplicate_of) for o in result.outcomes] == [
        ("copy", "duplicate_text", "wire"),
        ("x1", "added", None),
        ("x2", "duplicate_text", "x1"),
        ("x1", "duplicate_id", None),
        ("clash", "added", None),
    ]
    assert (result.added, result.duplicate_id, result.duplicate_text) == (2, 1, 2)
    assert store.count() == 3 and store.get("x1").text == "New story."


def test_a_failing_batch_stores_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_batch([item("kept")])

    def boom(*args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(postings, "write_segment", boom)
    with pytest.raises(StoreError, match="nothing of it was stored") as info:
        store.add_batch([item("lost1"), item("lost2")])
    assert isinstance(info.value.__cause__, RuntimeError)
    monkeypatch.undo()
    assert store.count() == 1 and store.known(["kept", "lost1", "lost2"]) == {"kept"}
    assert store.stats().batches == 1
    assert store.add_batch([item("lost1")]).added == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (item("x", bands=[1, 2]), "band_keys has 2 values"),
        (IndexedArticle(Article(text="t"), item("y").fingerprints), "has no id"),
        (item("z", meta={"when": dt.date(2024, 1, 1)}), "meta must hold JSON values"),
        (_laid("w", BodyLayout(skip=((2, 1),))), "layout.skip must hold"),
        (_laid("v", BodyLayout(skip=((0, 99),))), "layout.skip must hold"),
    ],
)
def test_bad_items_are_refused_before_anything_is_written(
    store: Store, bad: IndexedArticle, message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.add_batch([item("fine"), bad])
    assert store.count() == 0


def test_missing_articles_name_the_id(store: Store) -> None:
    store.add_batch([item("a")])
    with pytest.raises(ArticleNotFound, match="'nope'"):
        store.get("nope")
    with pytest.raises(ArticleNotFound, match="'nope'"):
        store.get_many(["a", "nope"])
    with pytest.raises(ArticleNotFound, match="'nope'"):
        store.fingerprints("nope")
    with pytest.raises(KeyError):  # ArticleNotFound refines KeyError
        store.get("nope")


def test_candidates_count_shared_keys_and_cut_common_passages(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=2) as store:
        store.add_batch([item("a", bands=[1, 2, 3, 4], passages=[10, 11, 12, 99])])
        store.add_batch([item("b", bands=[1, 2, 3, 5], passages=[10, 11, 99])])
        store.add_batch([item("c", bands=[6, 7, 8, 9], passages=[12, 99])])
        assert store.band_candidates(np.array([1, 2, 3, 4, 4], np.uint64)) == {"a": 4, "b": 3}
        assert store.band_candidates(np.array([1, 2, 3, 4], np.uint64), exclude="a") == {"b": 3}
        assert store.band_candidates(np.array([], np.uint64)) == {}
        fps = np.array([10, 11, 12, 99], np.uint64)
        assert store.passage_candidates(fps, max_postings=3) == {"a": 4, "b": 3, "c": 2}
        assert store.passage_candidates(fps, max_postings=2) == {"a": 3, "b": 2, "c": 1}  # 99 is too common
        assert store.passage_candidates(fps, max_postings=1, exclude="a") == {}
        with pytest.raises(StoreError, match="max_postings"):
            store.passage_candidates(fps, max_postings=0)


def test_candidates_match_a_brute_force_reference_across_merges_and_compaction(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    keys = np.array([*EDGES, *range(2, 40)], dtype=np.uint64)
    items = [
        item(f"d{i}", bands=rng.choice(keys, 4).tolist(), passages=rng.choice(keys, 6).tolist())
        for i in range(60)
    ]

    def reference(query: IndexedArticle, field: str, max_postings: int | None = None) -> dict[str, int]:
        q = set(getattr(query.fingerprints, field).tolist())
        postings_of = {
            k: {str(i.article.id) for i in items if k in set(getattr(i.fingerprints, field).tolist())}
            for k in q
        }
        if max_postings is not None:
            q = {k for k in q if len(postings_of[k]) <= max_postings}
        out: dict[str, int] = {}
        for k in q:
            for id_ in postings_of[k]:
                out[id_] = out.get(id_, 0) + 1
        return out

    with SqliteStore(tmp_path / "index.db", config=SMALL, merge_factor=2) as store:
        for start in range(0, 60, 7):
            store.add_batch(items[start : start + 7])
        assert 1 < store.stats().segments < 9
        for phase in ("merged", "compacted"):
            for query in items[::5]:
                assert store.band_candidates(query.fingerprints.band_keys) == reference(query, "band_keys"), (
                    phase
                )
                got = store.passage_candidates(query.fingerprints.passages, max_postings=6)
                assert got == reference(query, "passages", 6), phase
            store.compact()
            assert store.stats().segments == 1


def test_stats_describe_the_index(store: Store) -> None:
    store.add_batch(
        [
            item("a", outlet="AFP", date=dt.date(2024, 3, 1)),
            item("b", outlet="AFP", date=dt.date(2023, 1, 9)),
            item("c", outlet="Reuters"),
            item("d"),
        ]
    )
    stats = store.stats()
    assert (stats.articles, stats.outlets, stats.batches) == (4, 2, 1)
    assert (stats.earliest, stats.latest) == (dt.date(2023, 1, 9), dt.date(2024, 3, 1))
    assert stats.bytes_on_disk > 0 and stats.schema_version == SCHEMA_VERSION
    assert stats.to_dict()["earliest"] == "2023-01-09"


def test_readonly_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    with pytest.raises(StoreError, match="no index at"):
        open_store(path, readonly=True)
    assert not path.exists()
    with open_store(path, config=SMALL) as store:
        store.add_batch([item("a")])
    with open_store(path, readonly=True) as store:
        assert store.readonly and store.get("a").id == "a"
        with pytest.raises(StoreError, match="read-only"):
            store.add_batch([item("b")])
        with pytest.raises(StoreError, match="read-only"):
            store.compact()


def test_readonly_opens_map_the_file_and_writers_do_not(tmp_path: Path) -> None:
    path = tmp_path / "index.db"

    def mapped(s: SqliteStore) -> int:
        return int(s._connection().execute("PRAGMA mmap_size").fetchone()[0])

    with SqliteStore(path, config=SMALL) as writer:
        writer.add_batch([item("a")])
        assert mapped(writer) == 0  # a writer's memory figure stays its own
        with SqliteStore(path, readonly=True) as reader:
            assert mapped(reader) > 0 and reader.get("a").id == "a"
            writer.add_batch([item("b")])  # the file grows under the mapping
            assert reader.get("b").id == "b" and reader.count() == 2
    with SqliteStore(path, readonly=True, mmap_mb=0) as reader:
        assert mapped(reader) == 0 and reader.get("b").id == "b"
    with SqliteStore(path, mmap_mb=16) as writer:
        assert mapped(writer) == 16 * 2**20
    for bad in (-1, 1.5, True):
        with pytest.raises(StoreError, match="mmap_mb must be an integer >= 0"):
            SqliteStore(path, mmap_mb=bad)  # type: ignore[arg-type]


def test_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(tmp_path / "index.db")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count()


def test_other_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    open_store(path).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match=rf"schema version 99, this copydesk reads version {SCHEMA_VERSION}"):
        open_store(path)


def test_other_settings_are_refused_and_query_settings_may_differ(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    open_store(path, config=SMALL).close()
    with pytest.raises(StoreError, match=r"num_perm=8 \(asked 128\), bands=4 \(asked 32\)") as info:
        open_store(path, config=IndexConfig())
    assert str(path) in str(info.value) and "open it without a config" in str(info.value)
    with open_store(path, config=IndexConfig(num_perm=8, bands=4, max_postings=7)) as store:
        assert store.config.max_postings == 7
    with open_store(path) as store:
        assert store.config == SMALL


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,text\n1,hello\n" * 50, "not a copydesk index (not an SQLite database file)"),
        (b"SQLite format 3\x00" + bytes(range(256)) * 20, "cannot be opened as a copydesk index"),
    ],
    ids=["csv", "damaged-sqlite"],
)
def test_a_file_that_is_not_an_index_gives_a_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "corpus.csv"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=re.escape(message)) as info:
        open_store(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content


def test_other_sqlite_files_and_paths_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (x)")
    con.close()
    with pytest.raises(StoreError, match=r"not a copydesk index \(no meta table, tables: \['notes'\]\)"):
        open_store(path)
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match=r"the folder .*missing does not exist"):
        open_store(tmp_path / "missing" / "index.db")


def test_texts_are_zstd_frames_and_zlib_blobs_still_read() -> None:
    text = "Wire copy — «quoted», with a lone surrogate \ud800 kept. " * 20
    blob = pack_text(text)
    assert blob[:4] == b"\x28\xb5\x2f\xfd" and len(blob) < len(text.encode("utf-8", "surrogatepass"))
    assert unpack_text(blob) == text
    assert unpack_text(zlib.compress(text.encode("utf-8", "surrogatepass"), 1)) == text


def test_a_version_3_file_with_zlib_texts_and_signatures_is_upgraded_and_reads_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    texts = {f"a{i}": f"Story number {i}, as version 3 wrote it with zlib. " * (i + 1) for i in range(5)}
    with open_store(path, config=SMALL) as s:
        s.add_batch([item(id_, text) for id_, text in texts.items()])
    con = sqlite3.connect(path)
    for id_, text in texts.items():
        con.execute("UPDATE articles SET text = ? WHERE id = ?", (zlib.compress(text.encode(), 1), id_))
    signature = np.arange(SMALL.num_perm, dtype="<u8")  # version 3 kept the signatures
    con.execute("UPDATE fingerprints SET signature = ?", (signature.tobytes(),))
    con.execute("DROP TABLE aliases")  # version 5
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 3; this copydesk upgrades it"):
        open_store(path, readonly=True)
    with open_store(path) as s:
        assert s.stats().schema_version == SCHEMA_VERSION == 8
        assert {a.id: a.text for a in s.get_many(texts)} == texts
        assert np.array_equal(s.fingerprints("a1").signature, signature)
        # the same text again is a duplicate of the zlib one; a new text is stored as zstd
        again = s.add_batch([item("b0", texts["a0"]), item("b1", "A new story.")])
        assert [o.status for o in again.outcomes] == ["duplicate_text", "added"]
    con = sqlite3.connect(path)
    blobs = dict(con.execute("SELECT id, text FROM articles").fetchall())
    con.close()
    assert blobs["a0"][:1] == b"\x78" and blobs["b1"][:4] == b"\x28\xb5\x2f\xfd"
    with open_store(path, readonly=True) as s:
        assert s.get("b1").text == "A new story." and s.get("a4").text == texts["a4"]


def test_an_id_met_again_is_a_duplicate_whatever_its_characters(tmp_path: Path) -> None:
    """Issue 17 B4: ids were looked up through json_each, which ends a string at an escaped NUL; such an id
    was never found stored, was inserted again, and the UNIQUE constraint failed the whole batch. (Index.add
    refuses such ids now; the store must not depend on it.)"""
    odd = ["b\x00c", "\x00", "é\x00😀", "[/]\x1b"]
    with SqliteStore(tmp_path / "x.db", config=SMALL) as store:
        assert store.add_batch([item(i) for i in odd]).added == len(odd)
        again = store.add_batch([*(item(i, "Another text.") for i in odd), item("good", "Good text.")])
        assert [o.status for o in again.outcomes] == ["duplicate_id"] * len(odd) + ["added"]
        assert [o.conflict for o in again.outcomes] == ["stored"] * len(odd) + [None]
        assert store.known([*odd, "good", "b"]) == {*odd, "good"}
        same = store.add_batch([item("good", "Good text."), item("n", "N."), item("n", "Other.")])
        assert [(o.status, o.conflict) for o in same.outcomes] == [
            ("duplicate_id", None),
            ("added", None),
            ("duplicate_id", "batch"),
        ]
