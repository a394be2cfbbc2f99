"""Postings (LSH band key -> doc, passage fingerprint -> doc), written in segments and merged by level.

Why segments: keys are uniform 64-bit hashes, so a single ``(band_key, doc)`` B-tree takes every new batch
as random inserts over the whole tree, and each commit rewrites about one page per posting: at 1M articles
(72M postings) that is several seconds per 10,000-article batch, growing with the index. Here each batch
appends one sorted segment (primary key ``(seg, key, doc)`` with ``seg`` above all others), which costs the
same at any index size. When ``factor`` segments share a level they are merged (one sorted INSERT ... SELECT)
into one segment of the next level, so a posting is rewritten about log_factor(batches) times and a query
seeks ``segments x keys`` times, with at most ``(factor - 1)`` segments per level. Every write here runs
inside the caller's transaction, so a kill leaves the segments as they were.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence

import numpy as np

from copydesk.store.codec import I64

_TABLES = (("bands", "band_key"), ("passages", "fp"))
_CHUNK = 500  # keys per query: far below SQLite's limit on bound parameters


def _sorted_pairs(keys: Sequence[I64], docs: Sequence[int]) -> tuple[list[int], list[int]]:
    """The (key, doc) pairs of all articles, sorted and without repeats, as two lists."""
    if not keys:
        return [], []
    flat = np.concatenate(keys)
    owner = np.repeat(np.asarray(docs, dtype=np.int64), [len(k) for k in keys])
    order = np.lexsort((owner, flat))
    flat, owner = flat[order], owner[order]
    keep = np.ones(len(flat), dtype=bool)
    keep[1:] = (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])
    return flat[keep].tolist(), owner[keep].tolist()


def write_segment(
    con: sqlite3.Connection, docs: Sequence[int], band_keys: Sequence[I64], passages: Sequence[I64]
) -> int:
    """Append one level-0 segment holding the postings of ``docs``; returns its id."""
    (seg,) = con.execute("SELECT coalesce(max(seg), 0) + 1 FROM segments").fetchone()
    rows = []
    for (table, column), arrays in zip(_TABLES, (band_keys, passages), strict=True):
        keys, owners = _sorted_pairs(arrays, docs)
        con.executemany(
            f"INSERT INTO {table} (seg, {column}, doc) VALUES (?, ?, ?)",
            zip(itertools.repeat(seg), keys, owners),
        )
        rows.append(len(keys))
    con.execute("INSERT INTO segments VALUES (?, 0, ?, ?, ?)", (seg, len(docs), *rows))
    return int(seg)


def _merge(con: sqlite3.Connection, segs: Sequence[int], level: int) -> int:
    (new,) = con.execute("SELECT coalesce(max(seg), 0) + 1 FROM segments").fetchone()
    marks = ",".join("?" * len(segs))
    for table, column in _TABLES:
        con.execute(
            f"INSERT INTO {table} (seg, {column}, doc) SELECT ?, {column}, doc FROM {table} "
            f"WHERE seg IN ({marks}) ORDER BY {column}, doc",
            (new, *segs),
        )
        con.execute(f"DELETE FROM {table} WHERE seg IN ({marks})", tuple(segs))
    con.execute(
        "INSERT INTO segments SELECT ?, ?, sum(docs), sum(band_rows), sum(passage_rows) FROM segments "
        f"WHERE seg IN ({marks})",
        (new, level, *segs),
    )
    con.execute(f"DELETE FROM segments WHERE seg IN ({marks})", tuple(segs))
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


def band_docs(con: sqlite3.Connection, keys: I64) -> Counter[int]:
    """doc -> number of the distinct ``keys`` it has, over all segments (call inside a read transaction)."""
    segs = segments(con)
    counts: Counter[int] = Counter()
    if not segs or not len(keys):
        return counts
    unique = np.unique(keys).tolist()
    seg_marks = ",".join("?" * len(segs))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        sql = (
            f"SELECT doc FROM bands WHERE seg IN ({seg_marks}) AND band_key IN ({','.join('?' * len(chunk))})"
        )
        counts.update(doc for (doc,) in con.execute(sql, (*segs, *chunk)))
    return counts


def passage_docs(con: sqlite3.Connection, fps: I64, max_postings: int, min_shared: float = 1) -> Counter[int]:
    """doc -> number of the distinct ``fps`` it has, leaving out fingerprints of more than ``max_postings``
    docs (read at most ``max_postings + 1`` postings per fingerprint) and docs with fewer than
    ``min_shared`` (call inside a read transaction)."""
    segs = segments(con)
    counts: Counter[int] = Counter()
    if not segs or not len(fps):
        return counts
    # One statement for all fingerprints: the subquery counts at most max_postings + 1 postings of each
    # before its postings are read, so a stock phrase in half the corpus costs no more than a rare one.
    marks = ",".join("?" * len(segs))
    sql = (
        "SELECT p.doc, count(*) FROM json_each(?) AS j CROSS JOIN passages AS p "
        f"ON p.seg IN ({marks}) AND p.fp = j.value "
        f"WHERE (SELECT count(*) FROM (SELECT 1 FROM passages AS q WHERE q.seg IN ({marks}) AND q.fp = j.value "
        "LIMIT ?)) <= ? GROUP BY p.doc HAVING count(*) >= ?"
    )
    params = (json.dumps(np.unique(fps).tolist()), *segs, *segs, max_postings + 1, max_postings, min_shared)
    counts.update(dict(con.execute(sql, params).fetchall()))
    return counts


def doc_ids(con: sqlite3.Connection, docs: Sequence[int]) -> dict[int, str]:
    """doc -> external id for the given internal keys."""
    if not docs:
        return {}
    rows = con.execute(
        "SELECT doc, id FROM articles WHERE doc IN (SELECT value FROM json_each(?))",
        (json.dumps(list(docs)),),
    )
    return dict(rows.fetchall())


def key_docs(con: sqlite3.Connection, table: str, keys: I64, *, max_postings: int | None) -> tuple[I64, I64]:
    """All postings (key, doc) of the distinct ``keys`` in ``table`` (``bands`` or ``passages``), leaving out
    keys held by more than ``max_postings`` docs (read at most ``max_postings + 1`` postings of each to
    tell), as two arrays (call inside a read transaction)."""
    column = dict(_TABLES)[table]
    segs = segments(con)
    empty = np.zeros(0, dtype=np.int64)
    if not segs or not len(keys):
        return empty, empty
    marks = ",".join("?" * len(segs))
    cap = ""
    if max_postings is not None:
        cap = (
            f"WHERE (SELECT count(*) FROM (SELECT 1 FROM {table} AS q WHERE q.seg IN ({marks}) "
            f"AND q.{column} = j.value LIMIT ?)) <= ?"
        )
    sql = (
        f"SELECT p.{column}, p.doc FROM json_each(?) AS j CROSS JOIN {table} AS p "
        f"ON p.seg IN ({marks}) AND p.{column} = j.value {cap}"
    )
    unique = np.unique(keys).tolist()
    parts_k: list[I64] = []
    parts_d: list[I64] = []
    for start in range(0, len(unique), 5_000):
        params: tuple[object, ...] = (json.dumps(unique[start : start + 5_000]), *segs)
        if max_postings is not None:
            params += (*segs, max_postings + 1, max_postings)
        rows = np.asarray(con.execute(sql, params).fetchall(), dtype=np.int64).reshape(-1, 2)
        parts_k.append(rows[:, 0])
        parts_d.append(rows[:, 1])
    return np.concatenate(parts_k), np.concatenate(parts_d)
