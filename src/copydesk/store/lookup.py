"""The postings look-ups of `SqliteStore`: the stored articles sharing fingerprints with a query, and the
fingerprint table of many articles (the stories' candidate stage counts pairs from it, outside the store:
see `copydesk.engine.stages.candidates`).

Each function runs inside the caller's read transaction. ``doc`` is the internal key of an article (see
`copydesk.store.schema`); what the functions give back is named by external ids.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Sequence

import numpy as np

from copydesk.store import postings
from copydesk.store.codec import malformed, signed_array
from copydesk.store.records import I64, U64

# ids per statement when reading the fingerprints of many articles
_PAGE = 10_000
# (band keys, their owners, passage fingerprints, their owners): see `fingerprint_table`
Table = tuple[U64, I64, U64, I64]


def band_candidates(con: sqlite3.Connection, band_keys: U64, *, exclude: str | None) -> dict[str, int]:
    """id -> number of the distinct ``band_keys`` it holds, for the articles holding any, but ``exclude``."""
    counts = postings.band_docs(con, signed_array(band_keys))
    return _by_id(con, counts, exclude)


def passage_candidates(
    con: sqlite3.Connection, fps: U64, *, max_postings: int, min_shared: float, exclude: str | None
) -> dict[str, int]:
    """id -> number of the distinct ``fps`` it holds (at least ``min_shared``), fingerprints of more than
    ``max_postings`` articles ignored, but ``exclude``."""
    counts = postings.passage_docs(con, signed_array(fps), max_postings, min_shared)
    return _by_id(con, counts, exclude)


def passage_shares(
    con: sqlite3.Connection,
    fps: U64,
    *,
    max_postings: int,
    min_shared: int,
    min_share: float,
    min_own_share: float,
    exclude: str | None,
    counts: PassageCounts,
) -> dict[str, tuple[int, int]]:
    """id -> (shared, own), as `copydesk.store.Store.passage_shares` says (``counts``: the store's)."""
    query = len(np.unique(fps))
    _, found = postings.key_docs(con, "passages", signed_array(fps), max_postings=max_postings)
    docs, shared = np.unique(found, return_counts=True)
    some = shared >= min_shared
    docs, shared = docs[some], shared[some]
    own = counts.of(con, docs)
    keep = (shared >= min_share * query) | ((own > 0) & (shared >= min_own_share * own))
    docs, shared, own = docs[keep], shared[keep], own[keep]
    names = postings.doc_ids(con, docs.tolist())
    return {
        names[d]: (n, o)
        for d, n, o in zip(docs.tolist(), shared.tolist(), own.tolist(), strict=True)
        if names[d] != exclude
    }


def fingerprint_table(con: sqlite3.Connection, ids: Sequence[str]) -> Table:
    """The band keys and passage fingerprints of ``ids``, flat, owners numbering ``ids`` from 0."""
    where = {id_: n for n, id_ in enumerate(ids)}
    bands: list[bytes] = []
    band_owner: list[int] = []
    fps: list[bytes] = []
    fp_owner: list[int] = []
    fp_count: list[int] = []
    for start in range(0, len(ids), _PAGE):
        rows = con.execute(
            "SELECT a.id, f.band_keys, f.passages FROM articles AS a JOIN fingerprints AS f USING (doc) "
            "WHERE a.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids[start : start + _PAGE])),),
        )
        for id_, b, p in rows:
            if not isinstance(b, bytes) or not isinstance(p, bytes) or len(b) % 8 or len(p) % 8:
                raise malformed(
                    "fingerprints",
                    f"of id {id_!r}",
                    "band_keys and passages must be BLOBs of 8-byte values",
                )
            n = where[id_]
            bands.append(b)
            band_owner.append(n)
            fps.append(p)
            fp_owner.append(n)
            fp_count.append(len(p) // 8)
    b_keys = np.frombuffer(b"".join(bands), dtype="<u8").astype(np.uint64)
    p_keys = np.frombuffer(b"".join(fps), dtype="<u8").astype(np.uint64)
    b_own = np.repeat(np.asarray(band_owner, dtype=np.int64), [len(b) // 8 for b in bands])
    p_own = np.repeat(np.asarray(fp_owner, dtype=np.int64), fp_count)
    return b_keys, b_own, p_keys, p_own


class PassageCounts:
    """How many passage fingerprints each doc has, read from ``passage_counts`` (see `copydesk.store.schema`)
    and kept: that table only grows (a doc is never removed, nor its fingerprints changed), so a look-up
    reads only the rows added since the last one (none, most of the time: one index seek). 4 bytes per doc
    of the index (2 MB for a million)."""

    def __init__(self) -> None:
        self._counts = np.zeros(0, dtype=np.uint32)
        self._end = 0  # the docs below are read
        self._lock = threading.Lock()

    def of(self, con: sqlite3.Connection, docs: I64) -> I64:
        """The count of each of ``docs``, 0 for a doc without a row (call inside a read transaction)."""
        with self._lock:
            rows = con.execute(
                "SELECT first, counts FROM passage_counts WHERE first >= ? ORDER BY first", (self._end,)
            ).fetchall()
            if rows:
                for first, blob in rows:
                    if (
                        not isinstance(first, int)
                        or first < 0
                        or not isinstance(blob, bytes)
                        or len(blob) % 4
                    ):
                        raise malformed(
                            "passage_counts",
                            f"of first doc {first!r}",
                            "counts must be a BLOB of uint32 values",
                        )
                end = max(first + len(blob) // 4 for first, blob in rows)
                counts = np.zeros(max(end, len(self._counts)), dtype=np.uint32)
                counts[: len(self._counts)] = self._counts
                for first, blob in rows:
                    values = np.frombuffer(blob, dtype="<u4")
                    counts[first : first + len(values)] = values
                self._counts, self._end = counts, end
            counts = self._counts
        out = np.zeros(len(docs), dtype=np.int64)
        inside = (docs >= 0) & (docs < len(counts))
        out[inside] = counts[docs[inside]]
        return out


def _by_id(con: sqlite3.Connection, counts: Counter[int], exclude: str | None) -> dict[str, int]:
    names = postings.doc_ids(con, list(counts))
    return {names[doc]: n for doc, n in counts.items() if names[doc] != exclude}
