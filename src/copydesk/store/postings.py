"""Postings (LSH band key -> doc, passage fingerprint -> doc), written in segments of blocks, merged by level.

Why segments: keys are uniform 64-bit hashes, so a single index over all postings takes every new batch as
random inserts over the whole of it, and each commit rewrites about one page per posting. Here each batch
appends one segment, which costs the same at any index size. When ``factor`` segments share a level they
are merged into one segment of the next level, so a posting is rewritten about log_factor(batches) times and
a query looks in at most ``(factor - 1)`` segments per level. Every write here runs inside the caller's
transaction, so a kill leaves the segments as they were.

Why blocks: one SQLite row per posting (about 80 per article) cost more than everything else an ingest does
but the text analysis. A segment's postings, sorted by (key, doc), are cut into blocks by the key's top bits:
block ``b`` holds the postings whose signed key ``k`` has ``k >> shift == b`` (an arithmetic shift), with
``shift`` chosen per segment so that a block holds about `BLOCK` postings. A row of ``band_blocks`` or
``passage_blocks`` is ``(seg, block, postings)``: the block's postings as `RECORD` (int64 key, uint32 doc,
little-endian, 12 bytes each), sorted. A query reads, in each segment, the blocks of its keys and keeps the
postings of its keys: the same postings as one row each would give.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from copydesk.errors import StoreError
from copydesk.store.codec import I64, malformed

# The tables of blocks and the segments' columns of their row counts and shifts, by kind of postings.
TABLES = {
    "bands": ("band_blocks", "band_rows", "band_shift"),
    "passages": ("passage_blocks", "passage_rows", "passage_shift"),
}
RECORD = np.dtype([("key", "<i8"), ("doc", "<u4")])
BLOCK = 32  # postings per block, on average: fewer rows to write against more bytes to read per key
_SLICE = 1 << 20  # postings per slice of the key space when segments are merged: bounds the memory used
_MAX_DOC = (1 << 32) - 1
Pairs = tuple[I64, I64]
# A (segment, block) pair packed in one integer for a look-up: seg * 2**40 + block + 2**39, for blocks of a
# shift of at least 25 (|block| < 2**38) and segments below 2**22, which covers any index of this world.
_SEG_BITS = 40
_SEG_UNIT = 1 << _SEG_BITS
_BLOCK_BIAS = 1 << (_SEG_BITS - 1)
_MIN_PACKED_SHIFT = 25
# Size of the bitmap that sets aside the postings of other keys in the blocks read, per key looked up (a
# power of two, within the bounds): about one posting of another key in 16 passes it.
_FILTER_PER_KEY = 16
_FILTER_BITS = (1 << 12, 1 << 24)
_SEG_LIMIT = 1 << 22


def shift_for(postings: int) -> int:
    """The block shift of a segment of ``postings`` postings: about `BLOCK` postings per block, in [1, 63]."""
    bits = int(np.ceil(np.log2(postings / BLOCK))) if postings > BLOCK else 0
    return min(max(64 - bits, 1), 63)


def _sorted_pairs(keys: Sequence[I64], docs: Sequence[int]) -> Pairs:
    """The (key, doc) pairs of all articles, sorted and without repeats, as two int64 arrays; ``docs``
    ascending."""
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    flat = np.concatenate(keys).astype(np.int64, copy=False)
    owner = np.repeat(np.asarray(docs, dtype=np.int64), [len(k) for k in keys])
    # The owners ascend, so one stable sort by key orders by (key, doc), faster than a two-key lexsort.
    order = np.argsort(flat, kind="stable")
    return _unique_pairs(flat[order], owner[order])


def _dedup(keys: I64, docs: I64) -> Pairs:
    """The pairs sorted by (key, doc), without repeats. Fast when they come as runs sorted by (key, doc)
    whose docs ascend from run to run (segments read in the order they were made): a stable sort by key
    then merges the runs; any other order is caught and sorted by both."""
    order = np.argsort(keys, kind="stable")
    keys, docs = keys[order], docs[order]
    if len(keys) > 1:
        up = keys[1:] == keys[:-1]
        if (docs[1:][up] < docs[:-1][up]).any():
            order = np.lexsort((docs, keys))
            keys, docs = keys[order], docs[order]
    return _unique_pairs(keys, docs)


def _unique_pairs(keys: I64, docs: I64) -> Pairs:
    """Sorted pairs without their repeats."""
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    return keys[keep], docs[keep]


def _write_blocks(con: sqlite3.Connection, table: str, seg: int, keys: I64, docs: I64, shift: int) -> None:
    """Write sorted (key, doc) pairs of segment ``seg`` as blocks of ``shift``."""
    if not len(keys):
        return
    if int(docs.max()) > _MAX_DOC or int(docs.min()) < 0:
        raise StoreError(f"doc numbers must be in [0, {_MAX_DOC}] to be stored in postings blocks")
    records = np.empty(len(keys), dtype=RECORD)
    records["key"] = keys
    records["doc"] = docs
    raw = records.tobytes()
    blocks = keys >> np.int64(shift)
    firsts = np.flatnonzero(np.concatenate(([True], blocks[1:] != blocks[:-1])))
    bounds = (np.append(firsts, len(keys)) * RECORD.itemsize).tolist()
    names = blocks[firsts].tolist()
    con.executemany(
        f"INSERT INTO {table} (seg, block, postings) VALUES (?, ?, ?)",
        ((seg, b, raw[bounds[i] : bounds[i + 1]]) for i, b in enumerate(names)),
    )


def _decode(blobs: list[bytes]) -> Pairs:
    records = np.frombuffer(b"".join(blobs), dtype=RECORD)
    return records["key"].astype(np.int64), records["doc"].astype(np.int64)


def _checked(table: str, seg: int, block: int, blob: Any) -> bytes:
    """A block's postings BLOB, or StoreError naming the row when it is not whole `RECORD` values."""
    if not isinstance(blob, bytes) or len(blob) % RECORD.itemsize:
        got = f"{len(blob):,} bytes" if isinstance(blob, bytes) else type(blob).__name__
        raise malformed(
            table,
            f"(seg {seg}, block {block})",
            f"postings must be {RECORD.itemsize}-byte records, got {got}",
        )
    return blob


def _segments(con: sqlite3.Connection, shift_column: str) -> list[tuple[int, int]]:
    """(seg, shift) of every segment, or StoreError naming a segment whose shift is out of [1, 63]."""
    rows = con.execute(f"SELECT seg, {shift_column} FROM segments").fetchall()
    for seg, shift in rows:
        if type(seg) is not int or type(shift) is not int or not 1 <= shift <= 63:
            raise malformed(
                "segments", f"seg {seg!r}", f"{shift_column} must be an integer in [1, 63], got {shift!r}"
            )
    return rows


def write_segment(
    con: sqlite3.Connection, docs: Sequence[int], band_keys: Sequence[I64], passages: Sequence[I64]
) -> int:
    """Append one level-0 segment holding the postings of ``docs``; returns its id."""
    (seg,) = con.execute("SELECT coalesce(max(seg), 0) + 1 FROM segments").fetchone()
    counts: list[int] = []
    shifts: list[int] = []
    for kind, arrays in (("bands", band_keys), ("passages", passages)):
        keys, owners = _sorted_pairs(arrays, docs)
        shift = shift_for(len(keys))
        _write_blocks(con, TABLES[kind][0], seg, keys, owners, shift)
        counts.append(len(keys))
        shifts.append(shift)
    con.execute(
        "INSERT INTO segments (seg, level, docs, band_rows, passage_rows, band_shift, passage_shift) "
        "VALUES (?, 0, ?, ?, ?, ?, ?)",
        (seg, len(docs), *counts, *shifts),
    )
    return int(seg)


def rebuild(
    con: sqlite3.Connection, table: str, seg: int, total: int, read: Callable[[int, int], Pairs]
) -> int:
    """Write segment ``seg``'s blocks of ``table`` from ``read(lo, hi)``, which gives the sorted postings with
    keys in ``[lo, hi]``, taken slice by slice of the key space so that a merge of large segments does not
    hold them all in memory; ``total`` postings in all. Returns the shift used."""
    shift = shift_for(total)
    # 2 ** bits slices of the key space, each made of whole blocks (a block is written once).
    bits = min(int(np.ceil(np.log2(total / _SLICE))) if total > _SLICE else 0, 64 - shift)
    width = 1 << (64 - bits)
    for s in range(1 << bits):
        lo = -(1 << 63) + s * width
        keys, docs = read(lo, lo + width - 1)
        _write_blocks(con, table, seg, keys, docs, shift)
    return shift


def _block_reader(
    con: sqlite3.Connection, table: str, segs: Sequence[tuple[int, int]]
) -> Callable[[int, int], Pairs]:
    """``read(lo, hi)`` over the blocks of the segments ``(seg, shift)`` of ``table``."""

    def read(lo: int, hi: int) -> Pairs:
        blobs: list[bytes] = []
        for seg, shift in segs:
            rows = con.execute(
                f"SELECT block, postings FROM {table} WHERE seg = ? AND block BETWEEN ? AND ? ORDER BY block",
                (seg, lo >> shift, hi >> shift),
            )
            blobs.extend(_checked(table, seg, block, b) for block, b in rows)
        keys, docs = _decode(blobs)
        inside = (keys >= lo) & (keys <= hi)
        return _dedup(keys[inside], docs[inside])

    return read


def _merge(con: sqlite3.Connection, segs: Sequence[int], level: int) -> int:
    (new,) = con.execute("SELECT coalesce(max(seg), 0) + 1 FROM segments").fetchone()
    marks = ",".join("?" * len(segs))
    rows = con.execute(
        f"SELECT seg, docs, band_rows, passage_rows, band_shift, passage_shift FROM segments WHERE seg IN ({marks})",
        tuple(segs),
    ).fetchall()
    docs = sum(r[1] for r in rows)
    counts: list[int] = []
    shifts: list[int] = []
    for k, kind in enumerate(("bands", "passages")):
        table = TABLES[kind][0]
        total = sum(r[2 + k] for r in rows)
        read = _block_reader(con, table, sorted((r[0], r[4 + k]) for r in rows))
        shifts.append(rebuild(con, table, new, total, read))
        counts.append(total)
        con.execute(f"DELETE FROM {table} WHERE seg IN ({marks})", tuple(segs))
    con.execute(f"DELETE FROM segments WHERE seg IN ({marks})", tuple(segs))
    con.execute(
        "INSERT INTO segments (seg, level, docs, band_rows, passage_rows, band_shift, passage_shift) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new, level, docs, *counts, *shifts),
    )
    return int(new)


def _full_level(con: sqlite3.Connection, factor: int) -> tuple[int, list[int]] | None:
    rows = con.execute("SELECT level, seg FROM segments ORDER BY level, seg").fetchall()
    for level, group in itertools.groupby(rows, key=lambda r: r[0]):
        segs = [seg for _, seg in group]
        if len(segs) >= factor:
            return level, segs
    return None


def needs_merge(con: sqlite3.Connection, factor: int) -> bool:
    return _full_level(con, factor) is not None


def merge_levels(con: sqlite3.Connection, factor: int) -> int:
    """Merge every level holding ``factor`` or more segments into one segment of the next level, cascading;
    returns the number of merges."""
    merges = 0
    while (full := _full_level(con, factor)) is not None:
        level, segs = full
        _merge(con, segs, level + 1)
        merges += 1
    return merges


def merge_all(con: sqlite3.Connection) -> bool:
    """Merge all segments into one (above every level); False when there was at most one."""
    rows = con.execute("SELECT seg, level FROM segments ORDER BY seg").fetchall()
    if len(rows) < 2:
        return False
    _merge(con, [seg for seg, _ in rows], max(level for _, level in rows) + 1)
    return True


def segments(con: sqlite3.Connection) -> list[int]:
    return [seg for (seg,) in con.execute("SELECT seg FROM segments ORDER BY seg")]


def lookup(con: sqlite3.Connection, kind: str, keys: npt.ArrayLike) -> Pairs:
    """All postings (key, doc) of the distinct ``keys`` (int64) in the postings ``kind`` (``bands`` or
    ``passages``), as two arrays sorted by key (call inside a read transaction)."""
    table, _, shift_column = TABLES[kind]
    wanted = np.unique(np.asarray(keys, dtype=np.int64))
    empty = np.zeros(0, dtype=np.int64)
    if not len(wanted):
        return empty, empty
    # One statement for every segment: the (segment, block) pairs to read, each as one integer of a JSON
    # array (SQLite splits an integer faster than it reads a JSON pair); pairs out of that range as pairs.
    segs = _segments(con, shift_column)
    blocks = [(seg, np.unique(wanted >> np.int64(shift)).tolist()) for seg, shift in segs]
    if all(seg < _SEG_LIMIT and shift >= _MIN_PACKED_SHIFT for seg, shift in segs):
        codes = [seg * _SEG_UNIT + block + _BLOCK_BIAS for seg, found in blocks for block in found]
        sql = (
            f"SELECT b.seg, b.block, b.postings FROM json_each(?) AS j CROSS JOIN {table} AS b "
            f"ON b.seg = j.value >> {_SEG_BITS} AND b.block = (j.value & {_SEG_UNIT - 1}) - {_BLOCK_BIAS}"
        )
        rows = con.execute(sql, (json.dumps(codes),))
    else:
        pairs = [[seg, block] for seg, found in blocks for block in found]
        sql = (
            f"SELECT b.seg, b.block, b.postings FROM json_each(?) AS j CROSS JOIN {table} AS b "
            "ON b.seg = j.value ->> 0 AND b.block = j.value ->> 1"
        )
        rows = con.execute(sql, (json.dumps(pairs),))
    blobs = [_checked(table, seg, block, blob) for seg, block, blob in rows]
    if not blobs:
        return empty, empty
    records = np.frombuffer(b"".join(blobs), dtype=RECORD)
    # The postings of the wanted keys: a bitmap of the keys' low bits sets most others aside with one
    # gather, and a binary search settles the rest.
    raw = records["key"]
    low, high = _FILTER_BITS
    mask = min(max(1 << int(len(wanted) * _FILTER_PER_KEY - 1).bit_length(), low), high) - 1
    seen = np.zeros(mask + 1, dtype=bool)
    seen[wanted & mask] = True
    maybe = np.flatnonzero(seen[raw & mask])
    at = np.searchsorted(wanted, raw[maybe])
    hit = at < len(wanted)
    hit[hit] = wanted[at[hit]] == raw[maybe][hit]
    chosen = records[maybe[hit]]
    return _by_key(chosen["key"].astype(np.int64), chosen["doc"].astype(np.int64))


def _by_key(keys: I64, docs: I64) -> Pairs:
    """The pairs sorted by (key, doc). They come as one run sorted by (key, doc) per segment, segments in
    the order they were made, so docs ascend from run to run: a stable sort by key merges the runs (timsort,
    a few times faster than sorting by both); any other order is caught and sorted by both."""
    order = np.argsort(keys, kind="stable")
    keys, docs = keys[order], docs[order]
    same = keys[1:] == keys[:-1]
    if (docs[1:][same] < docs[:-1][same]).any():
        order = np.lexsort((docs, keys))
        keys, docs = keys[order], docs[order]
    return keys, docs


def _capped(keys: I64, docs: I64, max_postings: int | None) -> Pairs:
    """The postings of the keys held by at most ``max_postings`` docs (``keys`` sorted)."""
    if max_postings is None or not len(keys):
        return keys, docs
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    count = np.diff(np.append(first, len(keys)))
    keep = np.repeat(count <= max_postings, count)
    return keys[keep], docs[keep]


def _doc_counts(docs: I64) -> Counter[int]:
    values, counts = np.unique(docs, return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist(), strict=True)))


def band_docs(con: sqlite3.Connection, keys: I64) -> Counter[int]:
    """doc -> number of the distinct ``keys`` it has, over all segments (call inside a read transaction)."""
    _, docs = lookup(con, "bands", keys)
    return _doc_counts(docs)


def passage_docs(con: sqlite3.Connection, fps: I64, max_postings: int, min_shared: float = 1) -> Counter[int]:
    """doc -> number of the distinct ``fps`` it has, leaving out fingerprints of more than ``max_postings``
    docs and docs with fewer than ``min_shared`` (call inside a read transaction)."""
    _, docs = _capped(*lookup(con, "passages", fps), max_postings)
    return Counter({d: n for d, n in _doc_counts(docs).items() if n >= min_shared})


def doc_ids(con: sqlite3.Connection, docs: Sequence[int]) -> dict[int, str]:
    """doc -> external id for the given internal keys."""
    if not docs:
        return {}
    rows = con.execute(
        # The covering index, not the rows: a posting list names thousands of docs in a large index.
        "SELECT doc, id FROM articles INDEXED BY articles_doc_id WHERE doc IN (SELECT value FROM json_each(?))",
        (json.dumps(list(docs)),),
    )
    found = dict(rows.fetchall())
    if len(found) < len(set(docs)):
        lost = next(d for d in docs if d not in found)
        raise malformed("band_blocks or passage_blocks", f"holding doc {lost}", "no article has that doc")
    return found


def key_docs(con: sqlite3.Connection, table: str, keys: I64, *, max_postings: int | None) -> Pairs:
    """All postings (key, doc) of the distinct ``keys`` in ``table`` (``bands`` or ``passages``), leaving out
    keys held by more than ``max_postings`` docs, as two arrays (call inside a read transaction)."""
    return _capped(*lookup(con, table, keys), max_postings)


# -- the row tables of schema version 2 --------------------------------------------------------------------

_ROW_TABLES = {"bands": "band_key", "passages": "fp"}


def upgrade_rows(con: sqlite3.Connection) -> None:
    """Move the postings of a version 2 file (one row per posting in ``bands(seg, band_key, doc)`` and
    ``passages(seg, fp, doc)``) into blocks, segment by segment, and drop the row tables (inside the
    caller's transaction). Does nothing to a file without them."""
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    columns = {row[1] for row in con.execute("PRAGMA table_info(segments)")}
    for column in ("band_shift", "passage_shift"):
        if column not in columns:
            con.execute(f"ALTER TABLE segments ADD COLUMN {column} INTEGER NOT NULL DEFAULT 63")
    for kind, key in _ROW_TABLES.items():
        if kind not in tables:
            continue
        table, rows_column, shift_column = TABLES[kind]
        for seg, total in con.execute(f"SELECT seg, {rows_column} FROM segments ORDER BY seg").fetchall():

            def read(lo: int, hi: int, seg: int = seg, kind: str = kind, key: str = key) -> Pairs:
                rows = con.execute(
                    f"SELECT {key}, doc FROM {kind} WHERE seg = ? AND {key} BETWEEN ? AND ? ORDER BY {key}, doc",
                    (seg, lo, hi),
                ).fetchall()
                pairs = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
                return pairs[:, 0].copy(), pairs[:, 1].copy()

            shift = rebuild(con, table, seg, total, read)
            con.execute(f"UPDATE segments SET {shift_column} = ? WHERE seg = ?", (shift, seg))
        con.execute(f"DROP TABLE {kind}")
