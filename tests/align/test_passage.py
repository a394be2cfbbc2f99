"""The fast word coverage against a plain reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.align.passage import coverage


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 30), max_size=60),
    st.lists(st.integers(0, 30), max_size=60),
    st.integers(1, 5),
)
def test_coverage_equals_the_plain_reference(a: list[int], b: list[int], n: int) -> None:
    sh_a = np.asarray(a, dtype=np.uint64)
    other = np.unique(np.asarray(b, dtype=np.uint64))
    words = len(a) + n - 1 if a else 0
    hit = [x in set(b) for x in a]
    want = [any(hit[i] for i in range(max(0, j - n + 1), min(j + 1, len(a)))) for j in range(words)]
    assert coverage(sh_a, other, n, words).tolist() == want
