"""Candidate pairs from shared shingles and shared keys, against plain references."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.pairs import grouped_pairs, shared_shingle_pairs


def as_dict(i: np.ndarray, j: np.ndarray, n: np.ndarray) -> dict[tuple[int, int], int]:
    return {(int(a), int(b)): int(c) for a, b, c in zip(i, j, n, strict=True)}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 40), max_size=15), max_size=12),
    st.integers(1, 4),
    st.integers(2, 6),
    st.sampled_from([1, 3, 16, 1 << 24]),
)
def test_shared_shingle_pairs_equal_the_reference(
    sets: list[set[int]], min_shared: int, max_df: int, part: int
) -> None:
    df = Counter(x for s in sets for x in s)
    want = {}
    for a, b in itertools.combinations(range(len(sets)), 2):
        n = sum(1 for x in sets[a] & sets[b] if df[x] <= max_df)
        if n >= min_shared:
            want[(a, b)] = n
    # in any order, some repeated: each counts once
    # hashed, so that the top bits cutting the shingles into parts of about ``part`` vary
    arrays = [
        np.asarray(sorted(s, reverse=True) + sorted(s)[:2], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for s in sets
    ]
    i, j, n, distinct = shared_shingle_pairs(arrays, min_shared=min_shared, max_df=max_df, part=part)
    assert as_dict(i, j, n) == want
    assert distinct.tolist() == [len(s) for s in sets]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sets(st.integers(0, 30), max_size=10), max_size=14))
def test_grouped_pairs_with_small_groups_are_all_pairs(docs: list[set[int]]) -> None:
    keys = np.asarray([k for s in docs for k in sorted(s)], dtype=np.uint64)
    owners = np.asarray([d for d, s in enumerate(docs) for _ in s], dtype=np.int64)
    got = as_dict(*grouped_pairs(keys, owners, clique=100, window=2, anchors=1, max_group=100))
    want = {}
    for a, b in itertools.combinations(range(len(docs)), 2):
        n = len(docs[a] & docs[b])
        if n:
            want[(a, b)] = n
    assert got == want


def test_big_groups_propose_a_window_and_anchors_and_huge_ones_nothing() -> None:
    keys = np.asarray([7] * 10 + [9] * 50, dtype=np.uint64)
    owners = np.asarray(list(range(10)) + list(range(100, 150)), dtype=np.int64)
    got = as_dict(*grouped_pairs(keys, owners, clique=4, window=2, anchors=1, max_group=20))
    assert all(a < 10 and b < 10 for a, b in got)  # the 50-document group is over max_group
    assert (0, 1) in got and (1, 3) in got and (0, 9) in got  # window of 2, anchor 0
    assert (2, 7) not in got
    assert len(got) == 9 + 8 + 7  # d=1, d=2, anchor pairs beyond the window
