"""Shared-word counts for many pairs of articles, in a few numpy passes.

`SharedCounter.shared_words` gives, for many pairs, the two figures `coverage` gives pair by pair (how many
of each side's words lie in a shingle the other side also has), without a binary search per shingle. The
pairs come as "centres" (articles) and, for each pair, its centre and its other article. Every centre's
shingles are written into a direct-mapped table (the bucket mixes the shingle hash and the centre's
number; each bucket holds the shingle, the centre and a place of the shingle in the centre), and every
shingle of the other articles is looked up there in one gather. The table is reused without clearing: each
centre is stamped with a number never used before. Shingles that lose their bucket to another (centre,
shingle) go to a smaller table of the next level, and their buckets are marked so that the lookups landing
in a marked bucket try the next level too; the few that lose at the last level are kept in a dictionary. So
the counts are exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def covered_words(hits: npt.NDArray[np.bool_], lengths: I64, words: I64, n: int | I64) -> I64:
    """Per text, how many of its words lie in at least one hit shingle.

    ``hits`` holds the shingle positions of several texts end to end (text ``q`` has ``lengths[q]``
    shingles and ``words[q]`` words); a hit at position ``s`` covers words ``s .. s + n - 1`` that exist.
    Each text is laid out with ``n - 1`` spare places after it, the hits are widened by ``n - 1`` places
    (three shifts and ORs for n = 4, ...), and each text's first ``words`` places are counted.
    ``n``: one width for all texts, or one per text (texts read in characters have wider shingles).
    """
    k = len(lengths)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if not isinstance(n, int):
        return _covered_words_each(hits, lengths, words, np.asarray(n, dtype=np.int64))
    width = lengths + (n - 1)
    size = int(width.sum())
    starts = np.cumsum(width) - width
    spread = np.zeros(size, dtype=bool)
    if len(hits):
        owner = np.repeat(np.arange(k, dtype=np.int64), lengths)
        spread[np.arange(len(hits), dtype=np.int64) + owner * (n - 1)] = hits
    covered = spread.copy()
    for d in range(1, n):
        covered[d:] |= spread[:-d]
    total = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(covered, out=total[1:])
    ends = starts + np.minimum(words, width)
    return np.asarray(total[ends] - total[starts], dtype=np.int64)


def _covered_words_each(hits: npt.NDArray[np.bool_], lengths: I64, words: I64, n: I64) -> I64:
    """`covered_words` with a width ``n[q]`` per text: laid out with the widest's spare places, a hit
    widened by ``d`` places only where its own text's width exceeds ``d``."""
    k = len(lengths)
    most = int(n.max())
    width = lengths + (most - 1)
    size = int(width.sum())
    starts = np.cumsum(width) - width
    spread = np.zeros(size, dtype=bool)
    if len(hits):
        owner = np.repeat(np.arange(k, dtype=np.int64), lengths)
        spread[np.arange(len(hits), dtype=np.int64) + owner * (most - 1)] = hits
    own_n = np.repeat(n, width)
    covered = spread.copy()
    for d in range(1, most):
        covered[d:] |= spread[:-d] & (own_n[:-d] > d)
    total = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(covered, out=total[1:])
    ends = starts + np.minimum(words, width)
    return np.asarray(total[ends] - total[starts], dtype=np.int64)


class _Level:
    """One direct-mapped table: per bucket the shingle, the centre's stamp, a place of the shingle in the
    centre and the last batch in which two entries wanted the bucket (int64 each, in one row)."""

    def __init__(self, bits: int, salt: int) -> None:
        self.mask = np.int64((1 << bits) - 1)
        self.rows = np.full((1 << bits, 4), -1, dtype=np.int64)
        self.salt = np.int64(salt)

    def buckets(self, values: I64, stamps: I64) -> I64:
        return np.asarray((values ^ (stamps * self.salt)) & self.mask)

    def insert(self, values: I64, stamps: I64, places: I64, batch: int) -> I64:
        """Write the entries; the positions of those that lost their bucket to another entry."""
        at = self.buckets(values, stamps)
        self.rows[at, 0] = values
        self.rows[at, 1] = stamps
        self.rows[at, 2] = places
        kept = np.take(self.rows, at, axis=0)
        lost = np.flatnonzero((kept[:, 0] != values) | (kept[:, 1] != stamps))
        self.rows[at[lost], 3] = batch
        return lost

    def place_of(self, values: I64, stamps: I64, batch: int) -> tuple[I64, I64]:
        """Per entry: its place (-1 when not in the table); and the entries not found in a bucket that two
        entries wanted (they may be at the next level)."""
        found = np.take(self.rows, self.buckets(values, stamps), axis=0)
        hit = (found[:, 0] == values) & (found[:, 1] == stamps)
        place = np.where(hit, found[:, 2], -1)
        return place, np.flatnonzero((found[:, 3] == batch) & ~hit)


class SharedCounter:
    """Counts the words two texts share in shingles, for many pairs at once.

    ``bits``: the first table has ``2**bits`` buckets (32 bytes each: 4 MB at the default 2**17, so that
    the lookups stay in the processor's cache). A batch should hold at most `capacity` centre shingles, so
    that few lose their bucket.
    """

    def __init__(self, n: int, *, bits: int = 17) -> None:
        self.n = n
        self.capacity = (1 << bits) // 8
        self.levels = [
            _Level(bits, 0x5851F42D4C957F2D),
            _Level(max(bits - 4, 1), 0x14057B7EF767814F),
            _Level(max(bits - 6, 1), 0x2545F4914F6CDD1D),
        ]
        self.stamps = 0  # centre stamps used so far
        self.batches = 0

    def _place(self, values: I64, stamps: I64, aside: dict[tuple[int, int], int]) -> I64:
        """The place in its centre of each (centre stamp, shingle), or -1."""
        place, todo = self.levels[0].place_of(values, stamps, self.batches)
        for level in self.levels[1:]:
            if not len(todo):
                return place
            got, doubt = level.place_of(values[todo], stamps[todo], self.batches)
            place[todo] = got
            todo = todo[doubt]
        for at in todo.tolist():
            place[at] = aside.get((int(stamps[at]), int(values[at])), -1)
        return place

    def shared_words(
        self,
        centres: Sequence[U64],
        centre_words: Sequence[int],
        centre_of: Sequence[int],
        others: Sequence[U64],
        other_words: Sequence[int],
        *,
        centre_sizes: Sequence[int] | None = None,
        other_sizes: Sequence[int] | None = None,
    ) -> tuple[I64, I64]:
        """For each pair ``p`` (``centres[centre_of[p]]``, ``others[p]``): the words of the centre lying in
        a shingle the other has, and the words of the other lying in a shingle the centre has: exactly
        ``coverage(...).sum()`` of each side.

        centre_sizes, other_sizes: each text's shingle width when they are not all ``n`` (texts read in
        characters: `copydesk.sketch.shingle.shingle_width`)."""
        count = len(others)
        if count == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        m = len(centres)
        n = self.n
        base = self.stamps
        self.stamps += m
        self.batches += 1
        # the centres' shingles into the tables, level by level
        c_len = np.fromiter((len(c) for c in centres), dtype=np.int64, count=m)
        c_start = np.cumsum(c_len) - c_len
        c_all = (np.concatenate(centres) if m > 1 else np.asarray(centres[0])).view(np.int64)
        c_id = np.repeat(np.arange(base, base + m, dtype=np.int64), c_len)
        todo = np.arange(len(c_all), dtype=np.int64)
        for level in self.levels:
            if not len(todo):
                break
            todo = todo[level.insert(c_all[todo], c_id[todo], todo, self.batches)]
        aside: dict[tuple[int, int], int] = {}
        for at in todo.tolist():
            aside.setdefault((int(c_id[at]), int(c_all[at])), at)
        # a place in its centre standing for each (centre, shingle) (repeats: the one the tables hold)
        c_slot = self._place(c_all, c_id, aside)
        # the other side of each pair looked up in its centre's shingles
        which = np.asarray(centre_of, dtype=np.int64)
        o_len = np.fromiter((len(o) for o in others), dtype=np.int64, count=count)
        o_all = (np.concatenate(others) if count > 1 else np.asarray(others[0])).view(np.int64)
        o_slot = self._place(o_all, np.repeat(which + base, o_len), aside)
        hit = o_slot >= 0
        o_n: int | I64 = n if other_sizes is None else np.asarray(other_sizes, dtype=np.int64)
        shared_other = covered_words(hit, o_len, np.asarray(other_words, dtype=np.int64), o_n)
        # the centre's side: mark, per pair, the centre places the other has; read them in centre order
        p_len = c_len[which]
        p_start = np.cumsum(p_len) - p_len
        total = int(p_len.sum())
        mark = np.zeros(total, dtype=bool)
        got = np.flatnonzero(hit)
        got_pair = np.repeat(np.arange(count, dtype=np.int64), o_len)[got]
        mark[p_start[got_pair] + o_slot[got] - c_start[which[got_pair]]] = True
        # place k of the pair's centre is c_slot[c_first + k], found in mark at p_start + c_slot[...] - c_first
        shift = np.repeat(p_start - c_start[which], p_len)
        own = np.arange(total, dtype=np.int64) - shift  # c_first + k
        centre_hits = mark[c_slot[own] + shift]
        c_words = np.asarray(centre_words, dtype=np.int64)[which]
        c_n: int | I64 = n if centre_sizes is None else np.asarray(centre_sizes, dtype=np.int64)[which]
        shared_centre = covered_words(centre_hits, p_len, c_words, c_n)
        return shared_centre, shared_other
