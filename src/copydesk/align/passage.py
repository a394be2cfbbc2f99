"""Shared passages: maximal runs of identical shingles, as word ranges on both sides."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from copydesk import core

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


# Most equal (a position, b position) pairs `shared_runs` lists, per shingle of the two sequences, before it
# leaves a text full of repeated shingles (tables, lists) to the reference.
_MAX_PAIRS_PER_SHINGLE = 8


def shared_runs(
    a: U64, b: U64, n: int, *, a_words: int, b_words: int, min_words: int
) -> list[tuple[int, int, int, int]]:
    """Runs of text shared by two shingle sequences, as word ranges ``(a0, a1, b0, b1)``, half-open.

    Greedy from the start of ``a``: at each shingle found in ``b`` the longest diagonal run is taken and
    the scan jumps past it. Runs shorter than ``min_words`` words are left out. The same runs as
    `shared_runs_reference`, with the run lengths computed for all equal pairs at once in numpy: every
    pair ``(i, j)`` with ``a[i] == b[j]``, grouped by diagonal ``j - i``, so that the run from a pair is
    the rest of its group's consecutive stretch. On the native core, the reference's loop in Rust.
    """
    la, lb = len(a), len(b)
    if not la or not lb:
        return []
    native = core.native()
    if native is not None:
        runs: list[tuple[int, int, int, int]] = native.shared_runs(
            np.ascontiguousarray(a, dtype=np.uint64).tobytes(),
            np.ascontiguousarray(b, dtype=np.uint64).tobytes(),
            n,
            a_words,
            b_words,
            min_words,
        )
        return runs
    return shared_runs_numpy(a, b, n, a_words=a_words, b_words=b_words, min_words=min_words)


def shared_runs_numpy(
    a: U64, b: U64, n: int, *, a_words: int, b_words: int, min_words: int
) -> list[tuple[int, int, int, int]]:
    """`shared_runs` on the Python core: the reference's runs, their lengths computed in numpy (see
    `shared_runs`)."""
    la, lb = len(a), len(b)
    if not la or not lb:
        return []
    b_order = np.argsort(b, kind="stable")
    b_sorted = b[b_order]
    lo = np.searchsorted(b_sorted, a, side="left")
    # The right ends only for the shingles b has at all (a hit's passages are looked up against the query,
    # most of whose shingles an excerpt's host does not have).
    found = np.flatnonzero(b_sorted[np.minimum(lo, lb - 1)] == a)
    cnt = np.zeros(la, dtype=np.int64)
    cnt[found] = np.searchsorted(b_sorted, a[found], side="right") - lo[found]
    total = int(cnt.sum())
    if total > _MAX_PAIRS_PER_SHINGLE * (la + lb):
        return shared_runs_reference(a, b, n, a_words=a_words, b_words=b_words, min_words=min_words)
    if total == 0:
        return []
    first = np.cumsum(cnt) - cnt
    rank = np.arange(total, dtype=np.int64) - np.repeat(first, cnt)  # j's rank among b's places of a[i]
    ii = np.repeat(np.arange(la, dtype=np.int64), cnt)
    jj = b_order[np.repeat(lo, cnt) + rank].astype(np.int64)  # increasing j within each i (stable sort)
    diag = jj - ii
    order = np.lexsort((ii, diag))
    d_s, i_s = diag[order], ii[order]
    starts = np.ones(total, dtype=bool)
    starts[1:] = (d_s[1:] != d_s[:-1]) | (i_s[1:] != i_s[:-1] + 1)
    run = np.cumsum(starts) - 1
    last = np.zeros(int(run[-1]) + 1, dtype=np.int64)
    last[run] = i_s  # i_s increases within a run, so the last write is the run's last i
    length = np.empty(total, dtype=np.int64)
    length[order] = last[run] - i_s + 1
    # The reference tries only the first _MAX_STARTS places of each shingle in b, and keeps the first longest.
    tried = rank < _MAX_STARTS
    ti, tj, tl = ii[tried], jj[tried], length[tried]
    pick = np.lexsort((tj, -tl, ti))
    ti, tj, tl = ti[pick], tj[pick], tl[pick]
    head = np.ones(len(ti), dtype=bool)
    head[1:] = ti[1:] != ti[:-1]
    out: list[tuple[int, int, int, int]] = []
    width = min(n, a_words, b_words)
    i = 0
    for p, j, k in zip(ti[head].tolist(), tj[head].tolist(), tl[head].tolist(), strict=True):
        if p < i:
            continue
        a1 = min(p + k - 1 + width, a_words)
        b1 = min(j + k - 1 + width, b_words)
        if a1 - p >= min_words:
            out.append((p, a1, j, b1))
        i = p + k
    return out


def shared_runs_reference(
    a: U64, b: U64, n: int, *, a_words: int, b_words: int, min_words: int
) -> list[tuple[int, int, int, int]]:
    """`shared_runs` one shingle at a time in Python: the reference."""
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
