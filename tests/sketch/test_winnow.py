from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.reference import winnow_positions, winnow_reference
from copydesk.sketch.winnow import window_minima, winnow, winnow_batch

# A small alphabet makes ties (equal minima in a window) common.
small = st.integers(min_value=0, max_value=6)
wide = st.integers(min_value=0, max_value=2**64 - 1)
windows = st.integers(min_value=1, max_value=12)


def _arr(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(small | wide, max_size=20),
    st.lists(small | wide, max_size=20),
    st.lists(small | wide, max_size=20),
    st.lists(small | wide, min_size=1, max_size=20),
    windows,
)
def test_shared_run_of_window_length_shares_a_fingerprint(
    before_a: list[int], before_b: list[int], after: list[int], run: list[int], window: int
) -> None:
    """The winnowing guarantee: a shared run of at least `window` consecutive hashes shares a fingerprint."""
    shared = (run * window)[: max(window, len(run))]
    a = _arr(before_a + shared + after)
    b = _arr(before_b + shared)
    assert len(np.intersect1d(winnow(a, window=window), winnow(b, window=window))) >= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(small | wide, max_size=40), windows)
def test_fast_path_matches_reference(values: list[int], window: int) -> None:
    x = _arr(values)
    got = winnow(x, window=window)
    assert got.dtype == np.uint64
    assert np.array_equal(got, winnow_reference(x, window=window))
    assert np.array_equal(got, np.unique(got))  # distinct and sorted


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(small | wide, max_size=15), max_size=8), windows)
def test_batch_equals_one_by_one(articles: list[list[int]], window: int) -> None:
    hashes = _arr([v for art in articles for v in art])
    offsets = np.zeros(len(articles) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in articles], out=offsets[1:])
    values, value_offsets = winnow_batch(hashes, offsets, window=window)
    assert len(value_offsets) == len(articles) + 1
    for i, art in enumerate(articles):
        got = values[value_offsets[i] : value_offsets[i + 1]]
        assert np.array_equal(got, winnow_reference(_arr(art), window=window))


@settings(max_examples=100, deadline=None)
@given(st.lists(small | wide, max_size=40), windows)
def test_window_minima(values: list[int], window: int) -> None:
    x = _arr(values)
    expected = [min(values[i : i + window]) for i in range(len(values) - window + 1)]
    assert window_minima(x, window).tolist() == expected


def test_rightmost_minimum_on_ties() -> None:
    # Windows of 3 over [1, 1, 1, 1]: each window picks its rightmost 1: positions 2 and 3.
    assert winnow_positions(_arr([1, 1, 1, 1]), window=3).tolist() == [2, 3]
    assert winnow_positions(_arr([5, 1, 7, 1, 9]), window=3).tolist() == [1, 3]


def test_short_and_empty_sequences() -> None:
    assert winnow(_arr([9, 4, 7]), window=8).tolist() == [4]
    assert winnow(_arr([]), window=8).tolist() == []
    assert winnow(_arr([3, 1, 2, 1]), window=1).tolist() == [1, 2, 3]
    values, offsets = winnow_batch(_arr([]), np.array([0, 0, 0], dtype=np.int64), window=4)
    assert values.tolist() == [] and offsets.tolist() == [0, 0, 0]


def test_density_is_about_two_over_window_plus_one() -> None:
    x = np.random.default_rng(5).integers(0, 2**64, size=20000, dtype=np.uint64)
    density = len(winnow(x, window=8)) / len(x)
    assert 0.18 < density < 0.27  # 2 / 9 = 0.22 on random hashes


def test_bad_window() -> None:
    with pytest.raises(ValueError, match="window"):
        winnow(_arr([1, 2]), window=0)
