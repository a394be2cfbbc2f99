"""Verifying many candidates against one query at once, from what the index keeps of each candidate.

`overlap` (the reference) needs both articles analysed. Here a candidate is rebuilt from its text and its
`BodyLayout`: its words are hashed for the whole batch at once (`word_hashes_batch`, the index's fast
path), its non-body words dropped by the layout, and its shingles taken over the rest: exactly the shingles
`prepare` computes. `figures` then computes, for all candidates in a handful of numpy passes, the same
Jaccard, containments and shared words as `overlap(prepare(query), prepare(candidate))` (the tests compare
them). Passages and offsets, which need the words' positions, are computed only for the hits kept
(`passages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk import core
from copydesk.align.passage import shared_runs
from copydesk.engine.overlap import Prepared
from copydesk.model import Article, BodyLayout, Passage
from copydesk.sketch.batch import shingles_read
from copydesk.sketch.shingle import shingle_width
from copydesk.sketch.words import word_hashes_read, word_spans
from copydesk.text.boilerplate import CreditSpan
from copydesk.text.tokens import tokenize

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
# Bitmap bits per query shingle in `figures`, rounded up to a power of two of 2**12 to 2**24 bits in all.
_FILTER_PER_SHINGLE = 16
_FILTER_BITS = (12, 24)
# Largest table of (candidate, query shingle) flags `figures` marks, in entries (bytes).
_MAX_PAIR_TABLE = 1 << 24
# Largest table of (candidate, query word) flags `_covered` marks instead of sorting, in entries (bytes).
_MAX_COVER_TABLE = 1 << 22


@dataclass(frozen=True, slots=True)
class Body:
    """A candidate ready to verify: its body word hashes and shingles (as `prepare` computes them from its
    analysis, ``shingle_size`` words wide), its credits, and its layout (to find its body words' offsets
    later)."""

    article: Article
    layout: BodyLayout
    hashes: U64
    shingles: U64
    credits: tuple[CreditSpan, ...]
    shingle_size: int

    @property
    def words(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True, slots=True)
class Figures:
    """Per candidate, in order: Jaccard, containment of the query in it and of it in the query (all in
    [0, 1]) and shared words, as `overlap` computes them."""

    jaccard: list[float]
    containment_query: list[float]
    containment_candidate: list[float]
    shared_words: list[int]


# Candidates whose figures are computed together: a long query shares common shingles with each of many
# candidates at thousands of places, and the windows of one chunk are sorted at once (memory and time).
FIGURES_CHUNK = 500


def _body_mask(words: int, skip: Sequence[tuple[int, int]]) -> npt.NDArray[np.bool_]:
    keep = np.ones(words, dtype=bool)
    for lo, hi in skip:
        keep[lo:hi] = False
    return keep


def bodies(rows: Sequence[tuple[Article, BodyLayout]], *, shingle_size: int) -> list[Body]:
    """`Body` of each stored article, from its text and layout; ``shingle_size`` is the configured size
    (each body's own is its `shingle_width`)."""
    if not rows:
        return []
    hashes, offsets, chars = word_hashes_read(
        [a.text for a, _ in rows], starts=[a.body_start for a, _ in rows]
    )
    bounds = offsets.tolist()
    # The non-body words of all candidates dropped at once, and all shingles in one pass (`shingles_batch`
    # gives each article exactly `shingles` of its words): a call per candidate cost more than the work.
    if any(layout.skip for _, layout in rows):
        keep = np.ones(len(hashes), dtype=bool)
        for i, (_, layout) in enumerate(rows):
            if layout.skip:
                keep[bounds[i] : bounds[i + 1]] = _body_mask(bounds[i + 1] - bounds[i], layout.skip)
        running = np.zeros(len(hashes) + 1, dtype=np.int64)
        np.cumsum(keep, out=running[1:])
        hashes, offsets = hashes[keep], running[offsets]
        bounds = offsets.tolist()
    sh, sh_offsets = shingles_read(hashes, offsets, n=shingle_size, chars=chars)
    wide = shingle_width(shingle_size, chars=True)
    s_bounds = sh_offsets.tolist()
    out: list[Body] = []
    for i, (article, layout) in enumerate(rows):
        out.append(
            Body(
                article,
                layout,
                hashes[bounds[i] : bounds[i + 1]],
                sh[s_bounds[i] : s_bounds[i + 1]],
                tuple(CreditSpan(k, n, s, e) for k, n, s, e in layout.credits),
                wide if chars[i] else shingle_size,
            )
        )
    return out


def _csr(parts: Sequence[npt.NDArray[np.uint64]]) -> tuple[U64, I64]:
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(parts) if len(parts) else np.empty(0, dtype=np.uint64)
    return flat.astype(np.uint64, copy=False), offsets


def _covered(owner: I64, pos: I64, width: I64, words: I64) -> I64:
    """Per segment k (``words[k]`` words), how many words lie in at least one window ``[pos, pos + width)``
    of that segment (``owner`` gives each window's segment, ``width[k]`` the width of all its windows;
    windows stay inside their segment).

    Sparse, from the windows alone: with one width per segment, a window adds ``min(width, gap to the next
    window of its segment)`` words (its full width when it is the last). A dense mark of every word cost the
    segments' total words, which a long query against many candidates makes billions. The windows are
    sorted by (segment, place) first, unless they come so (a candidate's own shingles do), or marked in a
    table of every (segment, word) when that is small (the query's side: one row per candidate).
    """
    out = np.zeros(len(words), dtype=np.int64)
    if not len(pos):
        return out
    span = int(words.max()) + 1
    code = owner * span + pos
    if len(code) > 1 and not bool((code[1:] > code[:-1]).all()):
        if len(words) * span <= _MAX_COVER_TABLE and bool((width == width[0]).all()):
            return _covered_table(code, int(width[0]), len(words), span)
        code = np.unique(code)
    own, at = code // span, code % span
    step = np.empty(len(code), dtype=np.int64)
    step[-1] = 0
    np.subtract(at[1:], at[:-1], out=step[:-1])
    last = np.ones(len(code), dtype=bool)
    last[:-1] = own[1:] != own[:-1]
    w = width[own]
    added = np.where(last, w, np.minimum(w, step))
    return np.bincount(own, weights=added, minlength=len(words)).astype(np.int64)


def _covered_table(code: I64, width: int, segments: int, span: int) -> I64:
    """`_covered` with one window width for all, by marking: the windows' starts (``code``: segment * span +
    place, any order, repeats allowed) in a table of ``segments`` rows of ``span`` places, each start widened
    to its window (windows stay inside their row), and the marks of each row counted."""
    starts = np.zeros(segments * span, dtype=bool)
    starts[code] = True
    marked = starts.copy()
    for d in range(1, width):
        marked[d:] |= starts[:-d]
    return np.asarray(marked.reshape(segments, span).sum(axis=1), dtype=np.int64)


def figures(query: U64, query_words: int, candidates: Sequence[Body], *, shingle_size: int) -> Figures:
    """`overlap` figures of the query (its body shingles, ``shingle_size`` words wide, and number of body
    words) against each candidate (each covered by its own ``Body.shingle_size``)."""
    if len(candidates) > FIGURES_CHUNK:
        out = Figures([], [], [], [])
        for first in range(0, len(candidates), FIGURES_CHUNK):
            part = figures(
                query, query_words, candidates[first : first + FIGURES_CHUNK], shingle_size=shingle_size
            )
            out.jaccard.extend(part.jaccard)
            out.containment_query.extend(part.containment_query)
            out.containment_candidate.extend(part.containment_candidate)
            out.shared_words.extend(part.shared_words)
        return out
    k = len(candidates)
    flat, off = _csr([c.shingles for c in candidates])
    words = np.fromiter((c.words for c in candidates), dtype=np.int64, count=k)
    sizes = np.fromiter((c.shingle_size for c in candidates), dtype=np.int64, count=k)
    native = core.native()
    if native is not None:
        n_q, *raw = native.figures(
            np.ascontiguousarray(query, dtype=np.uint64).tobytes(),
            query_words,
            shingle_size,
            flat.tobytes(),
            off.tobytes(),
            words.tobytes(),
            sizes.tobytes(),
        )
        inter, distinct, cov_q, cov_c = (np.frombuffer(r, dtype=np.int64) for r in raw)
    else:
        n_q, inter, distinct, cov_q, cov_c = _counts(
            query, query_words, shingle_size, flat, off, words, sizes
        )
    out = Figures([], [], [], [])
    for i in range(k):
        union = n_q + int(distinct[i]) - int(inter[i])
        w = int(words[i])
        out.jaccard.append(int(inter[i]) / union if union else 0.0)
        out.containment_query.append(int(cov_q[i]) / query_words if query_words else 0.0)
        out.containment_candidate.append(int(cov_c[i]) / w if w else 0.0)
        out.shared_words.append(max(int(cov_q[i]), int(cov_c[i])))
    return out


def _counts(
    query: U64, query_words: int, n: int, flat: U64, off: I64, words: I64, sizes: I64
) -> tuple[int, I64, I64, I64, I64]:
    """`figures`' counts on the Python core: the query's distinct shingles, and per candidate the distinct
    shingles it shares with the query, its distinct shingles, the query's words it covers and its words
    the query covers."""
    k = len(words)
    owner = np.repeat(np.arange(k, dtype=np.int64), np.diff(off))
    q_set = np.unique(query)
    m = len(q_set)
    # The candidates' shingles the query has (``hit``), and where each is in ``q_set`` (``at``): a bitmap of
    # the query shingles' low bits sets most others aside with one gather (shingle hashes are uniform: about
    # one in 16 others passes it), a binary search settles the rest.
    hit = np.zeros(len(flat), dtype=bool)
    at = np.zeros(0, dtype=np.int64)
    if m:
        least, most = _FILTER_BITS
        mask = (1 << min(max((_FILTER_PER_SHINGLE * m - 1).bit_length(), least), most)) - 1
        seen = np.zeros(mask + 1, dtype=bool)
        seen[(q_set & np.uint64(mask)).astype(np.intp)] = True
        maybe = np.flatnonzero(seen[(flat & np.uint64(mask)).astype(np.intp)])
        at = np.minimum(np.searchsorted(q_set, flat[maybe]), m - 1)
        yes = q_set[at] == flat[maybe]
        hit[maybe[yes]] = True
        at = at[yes]
    # Distinct shingles of each candidate (one small sort each: far cheaper than one sort by two keys).
    distinct = np.zeros(k, dtype=np.int64)
    for i in range(k):
        own = flat[off[i] : off[i + 1]]
        if len(own):
            srt = np.sort(own)
            distinct[i] = len(srt) - int(np.count_nonzero(srt[1:] == srt[:-1]))
    # The distinct (candidate, shingle) pairs the query has, as candidate * m + place in q_set, ascending: a
    # near copy shares most of its shingles, and marking them in a table of k * m flags costs far less than
    # sorting them (np.unique when that table would be large).
    codes = owner[hit] * m + at
    if k * m <= _MAX_PAIR_TABLE:
        table = np.zeros(k * m, dtype=bool)
        table[codes] = True
        pairs = np.flatnonzero(table)
    else:
        pairs = np.unique(codes)
    pair_owner = pairs // m if m else pairs
    inter = np.bincount(pair_owner, minlength=k)

    width = np.minimum(sizes, words)
    local = np.arange(len(flat), dtype=np.int64) - off[:-1][owner]
    cov_c = _covered(owner[hit], local[hit], width, words)

    # The query's words covered by each candidate: every query position holding a shingle the candidate has.
    q_order = np.argsort(query, kind="stable")
    q_sorted = query[q_order]
    pair_hash = q_set[pairs % m] if m else q_set
    lo = np.searchsorted(q_sorted, pair_hash, side="left")
    hi = np.searchsorted(q_sorted, pair_hash, side="right")
    reps = hi - lo
    starts = np.repeat(lo - (np.cumsum(reps) - reps), reps) + np.arange(int(reps.sum()), dtype=np.int64)
    q_pos = q_order[starts].astype(np.int64)
    q_owner = np.repeat(pair_owner, reps)
    q_words = np.full(k, query_words, dtype=np.int64)
    q_width = np.full(k, min(n, query_words), dtype=np.int64)
    cov_q = _covered(q_owner, q_pos, q_width, q_words)

    return len(q_set), inter, distinct, cov_q, cov_c


def body_words(body: Body) -> list[str]:
    """The candidate's body words (folded), as its analysis lists them."""
    words = tokenize(body.article.text, start=body.article.body_start).words
    if not body.layout.skip:
        return words
    keep = _body_mask(len(words), body.layout.skip)
    return [w for w, k in zip(words, keep.tolist(), strict=True) if k]


def passages(query: Prepared, body: Body, *, min_words: int) -> tuple[Passage, ...]:
    """The shared passages of `overlap(query, prepare(candidate))`, offsets into each original text."""
    if query.shingle_size != body.shingle_size:
        return ()  # one read in characters, the other in words: no shingle in common
    article = body.article
    # The words' offsets: from the character classes for an ASCII body (about five times faster than the
    # regular expression of `tokenize`), from `tokenize` for any other.
    spans = word_spans(article.text, start=article.body_start)
    if spans is None:
        tokens = tokenize(article.text, start=article.body_start)
        spans = tokens.starts, tokens.ends
    starts, ends = spans
    if body.layout.skip:
        keep = _body_mask(len(starts), body.layout.skip)
        starts, ends = starts[keep], ends[keep]
    an = query.analysis
    runs = shared_runs(
        query.shingles,
        body.shingles,
        body.shingle_size,
        a_words=len(an.body_words),
        b_words=body.words,
        min_words=min_words,
    )
    return tuple(
        Passage(
            int(an.body_starts[a0]),
            int(an.body_ends[a1 - 1]),
            int(starts[b0]),
            int(ends[b1 - 1]),
            a1 - a0,
        )
        for a0, a1, b0, b1 in runs
    )
