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


def shared_shingle_pairs(sets: Sequence[U64], *, min_shared: int, max_df: int) -> tuple[I64, I64, I64]:
    """(i, j, n) arrays: document indexes ``i < j`` sharing ``n >= min_shared`` shingles held by at most
    ``max_df`` documents. ``sets``: each document's unique shingle hashes."""
    empty = np.zeros(0, dtype=np.int64)
    if len(sets) < 2 or max_df < 2:
        return empty, empty, empty
    sizes = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    keys = (
        np.concatenate([np.asarray(s, dtype=np.uint64) for s in sets])
        if sizes.sum()
        else np.zeros(0, np.uint64)
    )
    owner = np.repeat(np.arange(len(sets), dtype=np.int64), sizes)
    order = np.argsort(keys, kind="stable")
    keys, owner = keys[order], owner[order]
    if not len(keys):
        return empty, empty, empty
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    df = np.diff(np.append(starts, len(keys)))
    n = len(sets)
    codes: list[I64] = []
    for g in range(2, max_df + 1):
        first = starts[df == g]
        if not len(first):
            continue
        members = owner[first[:, None] + np.arange(g)]  # (groups, g), owners ascending within a group
        members.sort(axis=1)
        ii, jj = np.triu_indices(g, k=1)
        codes.append((members[:, ii] * n + members[:, jj]).ravel())
    if not codes:
        return empty, empty, empty
    pair, count = np.unique(np.concatenate(codes), return_counts=True)
    keep = count >= min_shared
    pair = pair[keep]
    return pair // n, pair % n, count[keep].astype(np.int64)
