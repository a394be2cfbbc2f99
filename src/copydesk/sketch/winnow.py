"""Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003): passage fingerprints from shingle hashes.

In each window of ``window`` consecutive shingle hashes the minimum is selected (the rightmost one on ties,
each selected position recorded once). Guarantee: two sequences that share a run of at least ``window``
consecutive hashes share at least one selected hash, because that run is a whole window in both.
A sequence shorter than ``window`` (but not empty) is one window, so that short texts still have a
fingerprint; an empty sequence has none.

The fingerprints kept by the index are the selected hash VALUES, unique and sorted. Which of several equal
minima is selected changes positions, never values, so the fast path computes the window minima by
doubling (``log2(window)`` vectorized passes) and keeps their distinct values;
`copydesk.sketch.reference.winnow_positions` is the plain positional algorithm the tests compare with.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def _check_window(window: int) -> None:
    if not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")


def window_minima(hashes: U64, window: int) -> U64:
    """``min(hashes[i : i + window])`` for every ``i`` in ``[0, len(hashes) - window]`` (uint64).

    Doubling: minima over windows of 1, 2, 4, ... then two overlapping power-of-two windows cover any width.
    Empty when ``len(hashes) < window``.
    """
    _check_window(window)
    x = np.asarray(hashes, dtype=np.uint64)
    count = len(x) - window + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    span = 1
    while span * 2 <= window:
        x = np.minimum(x[:-span], x[span:])
        span *= 2
    # x[i] = min of hashes[i : i + span]; cover [i, i + window) with two windows of span.
    return np.minimum(x[:count], x[window - span : window - span + count])


def winnow(hashes: U64, *, window: int) -> U64:
    """Winnowed fingerprints of one shingle-hash sequence: the distinct selected hashes, sorted (uint64)."""
    x = np.asarray(hashes, dtype=np.uint64)
    values, _ = winnow_batch(x, np.array([0, len(x)], dtype=np.int64), window=window)
    return values


def winnow_batch(hashes: U64, offsets: I64, *, window: int) -> tuple[U64, I64]:
    """Winnowing of each article of a batch given in CSR layout; windows never cross articles.

    hashes: shingle hashes of all articles, concatenated (uint64); offsets: int64, ``n + 1`` entries, article
    ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``.
    Returns ``(values, value_offsets)`` in the same layout: article ``i``'s fingerprints, distinct and sorted,
    are ``values[value_offsets[i]:value_offsets[i + 1]]``.
    """
    _check_window(window)
    x = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    total = len(x)
    if total == 0:
        return np.empty(0, dtype=np.uint64), np.zeros(n + 1, dtype=np.int64)
    # Window minima over the whole concatenation; a window starting at p belongs to the article holding p
    # and is kept when it ends inside that article. A short article (0 < length < window) is one window,
    # read from the minima over its own length.
    article = np.repeat(np.arange(n, dtype=np.int64), lengths)
    local = np.arange(total, dtype=np.int64) - offsets[article]
    w = min(window, total)
    mins = window_minima(x, w)
    if len(mins) < total:
        mins = np.concatenate((mins, np.full(total - len(mins), np.iinfo(np.uint64).max, dtype=np.uint64)))
    keep = local <= lengths[article] - window
    short = (lengths > 0) & (lengths < window)
    if short.any():
        nonempty = np.flatnonzero(lengths > 0)
        # Segments between consecutive non-empty starts are exactly the non-empty articles.
        seg_min = np.minimum.reduceat(x, offsets[nonempty])
        first = offsets[:-1][short]
        mins[first] = seg_min[short[nonempty]]
        keep[first] = True
    sel_article = article[keep]
    sel = mins[keep]
    # Consecutive windows mostly share their minimum: drop those repeats first (about (window + 1) / 2
    # fewer values), then sort by (article, value) with one argsort of the values and one integer sort of
    # article * len + rank (several times faster than a two-key lexsort), and drop the remaining repeats.
    run = np.ones(len(sel), dtype=bool)
    run[1:] = (sel[1:] != sel[:-1]) | (sel_article[1:] != sel_article[:-1])
    sel = sel[run]
    sel_article = sel_article[run]
    m = len(sel)
    order = np.argsort(sel)
    rank = np.empty(m, dtype=np.int64)
    rank[order] = np.arange(m, dtype=np.int64)
    key = np.sort(sel_article * m + rank)
    sel_article = key // m
    sel = sel[order[key % m]]
    fresh = np.ones(m, dtype=bool)
    fresh[1:] = (sel[1:] != sel[:-1]) | (sel_article[1:] != sel_article[:-1])
    counts = np.bincount(sel_article[fresh], minlength=n)
    value_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=value_offsets[1:])
    return sel[fresh], value_offsets
