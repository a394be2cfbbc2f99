"""All pairs of a batch of documents that share enough rare shingles: exact candidate generation in memory.

The index's fingerprints (MinHash bands, winnowed 5-gram passages) find near-duplicates and shared runs of
a dozen words or more. Rewritten copies often share only shorter runs; within one batch of documents the
exact shingle sets are at hand, so the pairs sharing at least ``min_shared`` shingles are counted directly.
Shingles held by more than ``max_df`` documents are skipped: they are stock phrases, and documents that
share text through them share rarer shingles too (or are near-duplicates the index's bands find).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


# Shingles sorted at once by `shared_shingle_pairs`: more are cut into parts by the hashes' top bits, so
# that the sort's copies of the keys never hold more than this many (about 0.5 GB of them at a time).
PART = 1 << 24


def shared_shingle_pairs(
    shingles: Sequence[U64], *, min_shared: int, max_df: int, part: int = PART
) -> tuple[I64, I64, I64, I64]:
    """(i, j, n, distinct): document indexes ``i < j`` sharing ``n >= min_shared`` shingles held by at most
    ``max_df`` documents, and each document's number of distinct shingles. ``shingles``: each document's
    shingle hashes, in any order (a repeated one counts once).

    The shingles are taken in parts of about ``part`` by the top bits of their hashes (a hash, so all its
    holders, falls in one part); each part's pairs are counted on their own and the counts added up.
    """
    empty = np.zeros(0, dtype=np.int64)
    n = len(shingles)
    sizes = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=n)
    total = int(sizes.sum())
    keys = (
        np.concatenate([np.asarray(s, dtype=np.uint64) for s in shingles])
        if total
        else np.zeros(0, np.uint64)
    )
    owner = np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), sizes)
    bits = max(0, int(np.ceil(np.log2(total / part)))) if total > part else 0
    distinct = np.zeros(n, dtype=np.int64)
    found: list[tuple[I64, I64]] = []
    for p in range(1 << bits):
        if bits:
            at = np.flatnonzero((keys >> np.uint64(64 - bits)) == np.uint64(p))
            k, o = keys[at], owner[at]
            del at
        else:
            k, o = keys, owner
        codes, held = _part_pairs(k, o.astype(np.int64), n, max_df)
        distinct += held
        if len(codes):
            pair, count = np.unique(codes, return_counts=True)
            found.append((pair, count.astype(np.int64)))
    del keys, owner
    if n < 2 or max_df < 2 or not found:
        return empty, empty, empty, distinct
    if len(found) == 1:
        pair, count = found[0]
    else:
        pairs = np.concatenate([f[0] for f in found])
        counts = np.concatenate([f[1] for f in found])
        order = np.argsort(pairs, kind="stable")  # one sorted run per part: a merge
        pairs, counts = pairs[order], counts[order]
        first = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
        pair, count = pairs[first], np.add.reduceat(counts, first)
    keep = count >= min_shared
    pair = pair[keep]
    return pair // n, pair % n, count[keep].astype(np.int64), distinct


def _part_pairs(keys: U64, owner: I64, n: int, max_df: int) -> tuple[I64, I64]:
    """The pair codes ``i * n + j`` (one per shingle two documents share, held by at most ``max_df``) of the
    shingles ``keys`` held by ``owner``, and each document's number of distinct shingles among them."""
    order = np.argsort(keys, kind="stable")  # owners ascending within a key
    keys, owner = keys[order], owner[order]
    del order
    if len(keys):
        first = np.concatenate(([True], (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])))
        keys, owner = keys[first], owner[first]
    distinct = np.bincount(owner, minlength=n).astype(np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2 or max_df < 2 or not len(keys):
        return empty, distinct
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    df = np.diff(np.append(starts, len(keys)))
    codes: list[I64] = []
    for g in range(2, max_df + 1):
        first_of = starts[df == g]
        if not len(first_of):
            continue
        members = owner[first_of[:, None] + np.arange(g)]  # (groups, g), owners ascending within a group
        ii, jj = np.triu_indices(g, k=1)
        codes.append((members[:, ii] * n + members[:, jj]).ravel())
    return (np.concatenate(codes) if codes else empty), distinct


def grouped_pairs(
    keys: U64, owners: I64, *, clique: int, window: int, anchors: int, max_group: int
) -> tuple[I64, I64, I64]:
    """Candidate pairs from shared keys (LSH band keys, passage fingerprints): (i, j, n) with ``i < j`` and
    n the number of keys through which the pair was proposed.

    ``keys[k]`` is held by document ``owners[k]`` (each (key, owner) once). Documents sharing a key form a
    group: a group of at most ``clique`` documents proposes all its pairs; a bigger one (near-duplicates of a
    popular story) proposes each document with the ``window`` documents before it and with the group's
    first ``anchors`` documents (lowest owner numbers), so the work grows linearly with the group; a group of
    more than ``max_group`` proposes nothing (a stock phrase, boilerplate).
    """
    empty = np.zeros(0, dtype=np.int64)
    if not len(keys):
        return empty, empty, empty
    order = np.lexsort((owners, keys))
    k, o = keys[order], owners[order].astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    sizes = np.diff(np.append(starts, len(k)))
    span = int(o.max()) + 1
    codes: list[I64] = []
    for g in range(2, min(clique, max_group) + 1):
        first = starts[sizes == g]
        if not len(first):
            continue
        members = o[first[:, None] + np.arange(g)]
        ii, jj = np.triu_indices(g, k=1)
        codes.append((members[:, ii] * span + members[:, jj]).ravel())
    big = (sizes > clique) & (sizes <= max_group)
    if big.any():
        group_of = np.repeat(np.arange(len(starts)), sizes)
        in_big = big[group_of]
        pos = np.arange(len(k)) - starts[group_of]  # position inside its group
        for d in range(1, window + 1):
            p = np.flatnonzero(in_big[:-d] & (group_of[:-d] == group_of[d:]))
            codes.append(o[p] * span + o[p + d])
        for a in range(anchors):
            p = np.flatnonzero(in_big & (pos > a + window))  # the window already paired the first ones
            codes.append(o[starts[group_of[p]] + a] * span + o[p])
    if not codes:
        return empty, empty, empty
    pair, count = np.unique(np.concatenate(codes), return_counts=True)
    return pair // span, pair % span, count.astype(np.int64)
