"""`shared_runs` (numpy, and the native core's when it is built) gives the runs of its one-shingle-at-a-time
reference; the fast word coverage its plain reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.align.passage import coverage, shared_runs_numpy, shared_runs_reference

try:
    import copydesk_native
except ImportError:  # the native core is not built: the numpy path only
    copydesk_native = None


def shared_runs(a: np.ndarray, b: np.ndarray, n: int, **kw: int) -> list[tuple[int, int, int, int]]:
    """The numpy path's runs, checked equal to the native core's when it is built."""
    got = shared_runs_numpy(a, b, n, **kw)
    if copydesk_native is not None:
        assert (
            copydesk_native.shared_runs(
                a.tobytes(), b.tobytes(), n, kw["a_words"], kw["b_words"], kw["min_words"]
            )
            == got
        )
    return got


seqs = st.lists(st.integers(0, 6), min_size=0, max_size=60)


@settings(max_examples=500, deadline=None)
@given(seqs, seqs, st.integers(1, 4), st.integers(1, 8))
def test_shared_runs_equals_the_reference(a: list[int], b: list[int], n: int, min_words: int) -> None:
    x, y = np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)
    kw = {"a_words": len(a) + n - 1, "b_words": len(b) + n - 1, "min_words": min_words}
    assert shared_runs(x, y, n, **kw) == shared_runs_reference(x, y, n, **kw)


def test_shared_runs_on_long_texts() -> None:
    rng = np.random.default_rng(3)
    src = rng.integers(0, 2**63, 2000, dtype=np.uint64)
    copy = np.concatenate(
        [src[100:700], rng.integers(0, 2**63, 50, dtype=np.uint64), src[650:1500], src[:80]]
    )
    for a, b in ((src, copy), (copy, src), (np.repeat(src[:5], 50), np.repeat(src[:5], 40))):
        kw = {"a_words": len(a) + 2, "b_words": len(b) + 2, "min_words": 5}
        assert shared_runs(a, b, 3, **kw) == shared_runs_reference(a, b, 3, **kw)


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
