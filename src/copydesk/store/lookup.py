"""The postings look-ups of `SqliteStore`: the stored articles sharing fingerprints with a query, one query at
a time or in bulk.

Each function taking a connection runs inside the caller's read transaction; `shared_counts` is plain numpy
counting, run outside it so that other threads can use the store meanwhile. ``doc`` is the internal key of
an article (see `copydesk.store.schema`); what the functions give back is named by external ids.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence

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
) -> dict[str, tuple[int, int]]:
    """id -> (shared, own), as `copydesk.store.Store.passage_shares` says."""
    query = len(np.unique(fps))
    _, found = postings.key_docs(con, "passages", signed_array(fps), max_postings=max_postings)
    docs, shared = np.unique(found, return_counts=True)
    some = shared >= min_shared
    docs, shared = docs[some], shared[some]
    own = fingerprint_counts(con, docs)
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


def candidate_postings(
    con: sqlite3.Connection, ids: Sequence[str], table: Table, *, max_postings: int
) -> tuple[I64, postings.Pairs, postings.Pairs]:
    """(docs of ``ids``, -1 for an id not stored; the postings of the table's band keys; those of its
    passage fingerprints, leaving out fingerprints of more than ``max_postings`` articles)."""
    b_keys, _, p_keys, _ = table
    docs = dict(
        con.execute(
            "SELECT id, doc FROM articles WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        ).fetchall()
    )
    bands = postings.key_docs(con, "bands", signed_array(b_keys), max_postings=None)
    passages = postings.key_docs(con, "passages", signed_array(p_keys), max_postings=max_postings)
    return np.asarray([docs.get(i, -1) for i in ids], dtype=np.int64), bands, passages


def shared_counts(
    table: Table,
    own_doc: I64,
    bands: postings.Pairs,
    passages: postings.Pairs,
    *,
    min_shared: int,
    min_share: float,
    counts: Callable[[I64], I64],
) -> tuple[I64, I64, I64]:
    """(owner, doc, n), sorted by (owner, doc): for each owner of ``table`` (0 to ``len(own_doc) - 1``),
    the docs its fingerprints propose (the postings ``bands`` and ``passages`` of `candidate_postings`) but
    its own, with the number of keys shared: every doc sharing a band key, and those sharing at least
    ``max(min_shared, min_share * the passage fingerprints of the smaller of the two)`` passage
    fingerprints. ``counts``: the number of stored passage fingerprints of each of some docs (ascending),
    as `fingerprint_counts` reads them."""
    b_keys, b_own, p_keys, p_own = table
    bi, bd, bn = _owner_doc_counts(signed_array(b_keys), b_own, *bands)
    qi, qd, qn = _owner_doc_counts(signed_array(p_keys), p_own, *passages)
    fps = np.bincount(p_own, minlength=len(own_doc))
    # ``min_share`` of the SMALLER article's fingerprints, as among the articles of one update: a rule on
    # the pair alone, so a digest added after the short articles it quotes finds them, as the other order
    # does (issue 18)
    some = qn >= min_shared
    qi, qd, qn = qi[some], qd[some], qn[some]
    docs_q, back = np.unique(qd, return_inverse=True)
    own = counts(docs_q)[back.reshape(-1)]
    keep = qn >= np.maximum(min_shared, min_share * np.minimum(fps[qi], own))
    owner = np.concatenate((bi, qi[keep]))
    doc = np.concatenate((bd, qd[keep]))
    n = np.concatenate((bn, qn[keep]))
    mine = doc != own_doc[owner]
    owner, doc, n = owner[mine], doc[mine], n[mine]
    span = int(doc.max()) + 1 if len(doc) else 1
    # both parts come sorted by (owner, doc): a stable sort merges the two runs
    code = owner * span + doc
    order = np.argsort(code, kind="stable")
    return _run_counts(code[order], n[order], span)


def _owner_doc_counts(keys: I64, owners: I64, p_keys: I64, p_docs: I64) -> tuple[I64, I64, I64]:
    """(owner, doc, n): for each owner of ``keys`` and each doc of the postings (``p_keys`` sorted, as
    `postings.key_docs` gives them), how many distinct keys they share; sorted by (owner, doc)."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(keys) or not len(p_keys):
        return empty, empty, empty
    by_owner = np.lexsort((keys, owners))
    q_key, q_own = keys[by_owner], owners[by_owner]
    once = np.concatenate(([True], (q_key[1:] != q_key[:-1]) | (q_own[1:] != q_own[:-1])))
    q_key, q_own = q_key[once], q_own[once]  # each (owner, key) once
    lo = np.searchsorted(p_keys, q_key, side="left")
    hi = np.searchsorted(p_keys, q_key, side="right")
    reps = hi - lo
    total = int(reps.sum())
    if not total:
        return empty, empty, empty
    at = np.repeat(lo - (np.cumsum(reps) - reps), reps) + np.arange(total, dtype=np.int64)
    span = int(p_docs.max()) + 1
    # Each owner's docs come as one ascending run per key (the postings of a key are sorted by doc): a stable
    # sort (timsort) merges those runs, several times faster than sorting them as if they were in any order.
    code = np.repeat(q_own * span, reps) + p_docs[at]
    code.sort(kind="stable")
    return _run_counts(code, np.ones(len(code), dtype=np.int64), span)


def _run_counts(code: I64, n: I64, span: int) -> tuple[I64, I64, I64]:
    """(owner, doc, total of ``n``) of the runs of equal ``code = owner * span + doc`` (``code`` sorted)."""
    if not len(code):
        return code, code, n.astype(np.int64)
    first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    totals = np.add.reduceat(n, first)
    code = code[first]
    return code // span, code % span, totals.astype(np.int64)


def fingerprint_counts(con: sqlite3.Connection, docs: I64) -> I64:
    """The number of stored passage fingerprints of each of ``docs`` (ascending), 0 for a doc without any:
    the blobs' lengths (8 bytes a fingerprint), which SQLite reads without their bytes; ascending docs make
    the row look-ups nearly sequential."""
    counts = np.zeros(len(docs), dtype=np.int64)
    for start in range(0, len(docs), _PAGE):
        rows = con.execute(
            "SELECT doc, length(passages) / 8 FROM fingerprints WHERE doc IN (SELECT value FROM json_each(?))",
            (json.dumps(docs[start : start + _PAGE].tolist()),),
        ).fetchall()
        if rows:
            got = np.asarray(rows, dtype=np.int64)
            counts[np.searchsorted(docs, got[:, 0])] = got[:, 1]
    return counts


def _by_id(con: sqlite3.Connection, counts: Counter[int], exclude: str | None) -> dict[str, int]:
    names = postings.doc_ids(con, list(counts))
    return {names[doc]: n for doc, n in counts.items() if names[doc] != exclude}
