"""`SharedCounter` and `covered_words` give exactly what `coverage` gives pair by pair."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.align.batch import SharedCounter, covered_words
from copydesk.align.passage import coverage
from copydesk.sketch.shingle import shingles

N = 4


def _text(draw: st.DrawFn, vocabulary: int) -> tuple[np.ndarray, int]:
    words = draw(st.lists(st.integers(0, vocabulary), max_size=40))
    hashes = np.asarray([w * 0x9E3779B97F4A7C15 % 2**64 + 1 for w in words], dtype=np.uint64)
    return shingles(hashes, N), len(words)


@st.composite
def _batch(draw: st.DrawFn) -> tuple[list[tuple[np.ndarray, int]], list[tuple[int, np.ndarray, int]]]:
    vocabulary = draw(st.sampled_from([3, 8, 30]))  # few words: many repeats and shared runs
    centres = [_text(draw, vocabulary) for _ in range(draw(st.integers(1, 5)))]
    pairs = [
        (draw(st.integers(0, len(centres) - 1)), *_text(draw, vocabulary))
        for _ in range(draw(st.integers(0, 8)))
    ]
    return centres, pairs


def _expected(a: np.ndarray, wa: int, b: np.ndarray, wb: int) -> tuple[int, int]:
    return int(coverage(a, np.unique(b), N, wa).sum()), int(coverage(b, np.unique(a), N, wb).sum())


@settings(max_examples=400, deadline=None)
@given(st.lists(_batch(), min_size=1, max_size=3), st.sampled_from([2, 5, 16]))
def test_shared_words_equal_coverage_pair_by_pair(batches, bits) -> None:  # type: ignore[no-untyped-def]
    # tiny tables: most shingles lose their bucket to another and are settled aside; the table is reused
    # from batch to batch without clearing
    counter = SharedCounter(N, bits=bits)
    for centres, pairs in batches:
        got_c, got_o = counter.shared_words(
            [c for c, _ in centres],
            [w for _, w in centres],
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            [p[2] for p in pairs],
        )
        want = [_expected(*centres[c], o, w) for c, o, w in pairs]
        assert list(zip(got_c.tolist(), got_o.tolist(), strict=True)) == want


def test_covered_words_counts_each_text_to_its_end() -> None:
    # text 0: 5 shingles of 8 words, hits at 0 and 4 -> words 0-3 and 4-7; text 1: one shingle of 2 words
    hits = np.array([1, 0, 0, 0, 1, 1], dtype=bool)
    got = covered_words(hits, np.array([5, 1]), np.array([8, 2]), N)
    assert got.tolist() == [8, 2]
    assert covered_words(np.zeros(0, dtype=bool), np.array([0]), np.array([0]), N).tolist() == [0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([3, 5, 9]), st.lists(st.integers(0, 6), max_size=30)),
        min_size=1,
        max_size=6,
    )
)
def test_covered_words_with_a_width_per_text_equals_coverage(texts: list[tuple[int, list[int]]]) -> None:
    # Texts read in characters have wider shingles than those read in words: one width per text.
    hits_all, lengths, words, widths, want = [], [], [], [], []
    for n, ids in texts:
        sh = shingles(np.asarray([i * 0x9E3779B97F4A7C15 % 2**64 + 1 for i in ids], dtype=np.uint64), n)
        hit = (sh % np.uint64(3)) == 0
        hits_all.append(hit)
        lengths.append(len(sh))
        words.append(len(ids))
        widths.append(n)
        want.append(int(coverage(sh, np.unique(sh[hit]), n, len(ids)).sum()))
    got = covered_words(
        np.concatenate(hits_all), np.asarray(lengths), np.asarray(words), np.asarray(widths, dtype=np.int64)
    )
    assert got.tolist() == want


def test_shared_words_with_widths_per_text() -> None:
    a = shingles(np.arange(1, 21, dtype=np.uint64), 5)
    b = shingles(np.concatenate((np.arange(1, 11), np.arange(50, 60))).astype(np.uint64), 5)
    c = shingles(np.arange(1, 21, dtype=np.uint64), 3)
    got_c, got_o = SharedCounter(3).shared_words(
        [a], [20], [0, 0], [b, c], [20, 20], centre_sizes=[5], other_sizes=[5, 3]
    )
    assert got_c.tolist() == [int(coverage(a, np.unique(b), 5, 20).sum()), 0]
    assert got_o.tolist() == [int(coverage(b, np.unique(a), 5, 20).sum()), 0]
    assert got_c.tolist()[0] == 10
