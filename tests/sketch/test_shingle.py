from __future__ import annotations

import numpy as np
import xxhash
from hypothesis import given
from hypothesis import strategies as st

from copydesk.sketch.shingle import shingles, word_hashes

words = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=40)


def test_word_hashes_are_xxh3() -> None:
    assert int(word_hashes(["kyiv"])[0]) == xxhash.xxh3_64_intdigest(b"kyiv")


def test_shingle_counts() -> None:
    h = word_hashes("the quick brown fox jumps".split())
    assert len(shingles(h, 3)) == 3
    assert len(shingles(h[:2], 3)) == 1  # shorter than n: one shingle of all words
    assert len(shingles(h[:0], 3)) == 0


@given(words, st.integers(min_value=1, max_value=5))
def test_equal_ngrams_equal_hashes_reference(ws: list[str], n: int) -> None:
    """Fast path against the plain reference: shingles are equal exactly when their word n-grams are."""
    sh = shingles(word_hashes(ws), n).tolist()
    grams = [tuple(ws[i : i + n]) for i in range(max(1, len(ws) - n + 1))] if ws else []
    assert len(sh) == len(grams)
    for i in range(len(grams)):
        for j in range(len(grams)):
            assert (sh[i] == sh[j]) == (grams[i] == grams[j])


def test_order_matters() -> None:
    a = shingles(word_hashes(["a", "b"]), 2)
    b = shingles(word_hashes(["b", "a"]), 2)
    assert not np.array_equal(a, b)
