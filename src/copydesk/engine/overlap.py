"""Shared text between two articles: exact figures on their real shingle sets, and the shared passages.

This is the verification step: candidate pairs proposed by the index are kept or dropped on these figures,
and `compare` builds its report on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.align.passage import coverage, members, shared_runs
from copydesk.config import CompareConfig
from copydesk.model import Article, Passage
from copydesk.sketch.shingle import shingle_width, shingles, word_hashes
from copydesk.text.analysis import Analysis, analyze

U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article analysed once and shingled (body words only), ready to be compared many times.

    shingle_size: words per shingle of this article (`copydesk.sketch.shingle.shingle_width` of the
        configured size: wider for a text read in characters).
    """

    article: Article
    analysis: Analysis
    shingles: U64
    shingle_set: U64
    shingle_size: int


@dataclass(frozen=True, slots=True)
class Overlap:
    """Exact figures for a pair (all in [0, 1]) and the shared text.

    covered_a / covered_b: per body word of each side, whether it lies in a shingle the other side has.
    shared_words: the larger of the two sides' counts of covered words.
    """

    jaccard: float
    containment_a: float
    containment_b: float
    covered_a: npt.NDArray[np.bool_]
    covered_b: npt.NDArray[np.bool_]
    shared_words: int
    passages: tuple[Passage, ...]

    def related(self, config: CompareConfig) -> bool:
        """The engine's decision (`related`) on this pair."""
        return related(self.containment_a, self.containment_b, self.shared_words, config)


def related(containment_a: float, containment_b: float, shared_words: int, config: CompareConfig) -> bool:
    """The engine's decision: enough of one side's words are shared, and enough words at all. (Plain
    Python: `find` asks it for each candidate; `related_many` is the same rule over arrays.)"""
    return (
        max(containment_a, containment_b) >= config.related_containment
        and shared_words >= config.min_shared_words
    )


def related_many(
    containment_a: npt.NDArray[np.float64],
    containment_b: npt.NDArray[np.float64],
    shared_words: npt.NDArray[np.int64],
    config: CompareConfig,
) -> npt.NDArray[np.bool_]:
    """`related` for many pairs at once (the same comparisons, elementwise)."""
    return np.asarray(
        (np.maximum(containment_a, containment_b) >= config.related_containment)
        & (shared_words >= config.min_shared_words)
    )


def prepare(article: Article, *, shingle_size: int) -> Prepared:
    """Analyse and shingle ``article``; ``shingle_size`` is the configured size (words per shingle)."""
    analysis = analyze(article.text, start=article.body_start)
    n = shingle_width(shingle_size, chars=analysis.chars)
    sh = shingles(word_hashes(analysis.body_words), n)
    return Prepared(article, analysis, sh, np.unique(sh), n)


def spans(
    mask: npt.NDArray[np.bool_], starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> tuple[tuple[int, int], ...]:
    """Merge runs of consecutive covered words into ``[start, end)`` character spans."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return ()
    breaks = np.flatnonzero(np.diff(idx) > 1)
    first = np.concatenate(([0], breaks + 1))
    last = np.concatenate((breaks, [len(idx) - 1]))
    return tuple((int(starts[idx[f]]), int(ends[idx[e]])) for f, e in zip(first, last, strict=True))


def overlap(a: Prepared, b: Prepared, *, config: CompareConfig, passages: bool = True) -> Overlap:
    """Jaccard, containment both ways and (unless ``passages`` is False) the shared passages.

    Each side's words are covered by its own shingles (``a.shingle_size``, ``b.shingle_size``); sides of
    different widths (a text read in characters and one read in words) share no shingle.
    """
    an_a, an_b = a.analysis, b.analysis
    inter = int(members(a.shingle_set, b.shingle_set).sum())
    union = len(a.shingle_set) + len(b.shingle_set) - inter
    cov_a = coverage(a.shingles, b.shingle_set, a.shingle_size, len(an_a.body_words))
    cov_b = coverage(b.shingles, a.shingle_set, b.shingle_size, len(an_b.body_words))
    runs = (
        shared_runs(
            a.shingles,
            b.shingles,
            a.shingle_size,
            a_words=len(an_a.body_words),
            b_words=len(an_b.body_words),
            min_words=config.min_passage_words,
        )
        if inter and passages and a.shingle_size == b.shingle_size
        else []
    )
    found = tuple(
        Passage(
            int(an_a.body_starts[a0]),
            int(an_a.body_ends[a1 - 1]),
            int(an_b.body_starts[b0]),
            int(an_b.body_ends[b1 - 1]),
            a1 - a0,
        )
        for a0, a1, b0, b1 in runs
    )
    return Overlap(
        jaccard=inter / union if union else 0.0,
        containment_a=float(cov_a.mean()) if len(cov_a) else 0.0,
        containment_b=float(cov_b.mean()) if len(cov_b) else 0.0,
        covered_a=cov_a,
        covered_b=cov_b,
        shared_words=max(int(cov_a.sum()), int(cov_b.sum())),
        passages=found,
    )
