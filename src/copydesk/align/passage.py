"""Shared passages: maximal runs of identical shingles, as word ranges on both sides."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
_MAX_STARTS = 8  # a shingle repeated more often than this in one text is not a useful anchor


def members(values: U64, sorted_set: U64) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in ``sorted_set`` (sorted, unique): a binary search each, no sort of ``values``."""
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    idx = np.searchsorted(sorted_set, values)
    idx[idx == len(sorted_set)] = 0
    return np.asarray(sorted_set[idx] == values)


def coverage(shingles: U64, other: U64, n: int, words: int) -> npt.NDArray[np.bool_]:
    """Which of ``words`` words lie inside at least one shingle that ``other`` (sorted, unique) also has."""
    if words == 0:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(members(shingles, other))
    covered = np.zeros(words, dtype=bool)
    for k in range(min(n, words)):
        at = starts + k
        covered[at[at < words]] = True
    return covered


def shared_runs(
    a: U64, b: U64, n: int, *, a_words: int, b_words: int, min_words: int
) -> list[tuple[int, int, int, int]]:
    """Runs of text shared by two shingle sequences, as word ranges ``(a0, a1, b0, b1)``, half-open.

    Greedy from the start of ``a``: at each shingle found in ``b`` the longest diagonal run is taken and
    the scan jumps past it. Runs shorter than ``min_words`` words are left out.
    """
    where: dict[int, list[int]] = defaultdict(list)
    for j, h in enumerate(b.tolist()):
        if len(where[h]) < _MAX_STARTS:
            where[h].append(j)
    al, bl = a.tolist(), b.tolist()
    out: list[tuple[int, int, int, int]] = []
    i = 0
    width = min(n, a_words, b_words)
    while i < len(al):
        best_k, best_j = 0, -1
        for j in where.get(al[i], ()):
            k = 0
            while i + k < len(al) and j + k < len(bl) and al[i + k] == bl[j + k]:
                k += 1
            if k > best_k:
                best_k, best_j = k, j
        if best_k == 0:
            i += 1
            continue
        a1 = min(i + best_k - 1 + width, a_words)
        b1 = min(best_j + best_k - 1 + width, b_words)
        if a1 - i >= min_words:
            out.append((i, a1, best_j, b1))
        i += best_k
    return out
