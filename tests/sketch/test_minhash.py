from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.minhash import (
    EMPTY,
    band_keys,
    jaccard_estimate,
    minhash,
    minhash_batch,
    permutations,
)
from copydesk.sketch.reference import band_keys_reference, minhash_reference
from copydesk.sketch.shingle import shingles, word_hashes

U64_MAX = 2**64 - 1
u64s = st.lists(st.integers(min_value=0, max_value=U64_MAX), max_size=30)


def _arr(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def _pair(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
    """Two random sets of 50..500 uint64 hashes with a random overlap, and their exact Jaccard."""
    size_a, size_b = rng.integers(50, 501, size=2)
    shared = int(rng.integers(0, min(size_a, size_b) + 1))
    pool = np.unique(rng.integers(0, 2**64, size=size_a + size_b + 10, dtype=np.uint64))
    rng.shuffle(pool)
    common = pool[:shared]
    a = np.concatenate((common, pool[shared:size_a]))
    b = np.concatenate((common, pool[size_a : size_a + size_b - shared]))
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    return a, b, exact


def test_estimate_within_tolerance_of_exact_jaccard() -> None:
    rng = np.random.default_rng(20240611)
    errors = []
    for case in range(300):
        a, b, exact = _pair(rng)
        est = jaccard_estimate(minhash(a, num_perm=128, seed=case), minhash(b, num_perm=128, seed=case))
        assert abs(est - exact) <= 0.15, (case, est, exact)
        errors.append(est - exact)
    err = np.asarray(errors)
    # Binomial error of 128 permutations: standard deviation at most 0.044, mean |error| about 0.03.
    assert np.mean(np.abs(err)) <= 0.045
    assert abs(np.mean(err)) <= 0.01


def test_estimate_on_real_shingle_hashes() -> None:
    """The affine permutations on what the index feeds them: shingles of word hashes with shared runs."""
    rng = np.random.default_rng(7)
    errors = []
    for case in range(100):
        vocab = [f"w{i}" for i in range(2000)]
        base = rng.choice(vocab, size=int(rng.integers(60, 400))).tolist()
        cut = int(rng.integers(0, len(base)))
        other = base[:cut] + rng.choice(vocab, size=int(rng.integers(10, 300))).tolist()
        sa = shingles(word_hashes(base), 5)
        sb = shingles(word_hashes(other), 5)
        exact = len(np.intersect1d(sa, sb)) / len(np.union1d(sa, sb))
        est = jaccard_estimate(minhash(sa, num_perm=128, seed=1), minhash(sb, num_perm=128, seed=1))
        assert abs(est - exact) <= 0.15, (case, est, exact)
        errors.append(abs(est - exact))
    assert float(np.mean(errors)) <= 0.045


def test_identical_and_disjoint_sets() -> None:
    x = np.arange(1, 200, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    y = np.arange(1000, 1200, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    sig = minhash(x, num_perm=64, seed=3)
    assert jaccard_estimate(sig, minhash(x[::-1].copy(), num_perm=64, seed=3)) == 1.0
    assert jaccard_estimate(sig, minhash(y, num_perm=64, seed=3)) == 0.0


def test_deterministic_for_a_seed_and_seeds_differ() -> None:
    x = np.random.default_rng(1).integers(0, 2**64, size=100, dtype=np.uint64)
    one = minhash(x, num_perm=128, seed=5)
    assert np.array_equal(one, minhash(x, num_perm=128, seed=5))
    assert one.dtype == np.uint64 and one.shape == (128,)
    other = minhash(x, num_perm=128, seed=6)
    assert np.count_nonzero(one == other) < 10


def test_signatures_are_pinned() -> None:
    """The index stores signatures: a change of permutations or arithmetic must not pass unnoticed."""
    a, b = permutations(num_perm=2, seed=1)
    assert a.tolist() == [9441442522235856127, 2659275481604167885]
    assert b.tolist()[0] == 17532960557476522086
    sig = minhash(np.array([1, 2, 3], dtype=np.uint64), num_perm=2, seed=1)
    assert (
        sig.tolist() == minhash_reference(np.array([1, 2, 3], dtype=np.uint64), num_perm=2, seed=1).tolist()
    )
    assert sig.tolist() == [min((a[0].item() * x + b[0].item()) % 2**64 for x in (1, 2, 3)), sig[1].item()]


def test_fewer_permutations_are_a_prefix() -> None:
    x = np.random.default_rng(2).integers(0, 2**64, size=50, dtype=np.uint64)
    assert np.array_equal(minhash(x, num_perm=32, seed=9), minhash(x, num_perm=128, seed=9)[:32])


def test_empty_article_is_all_max() -> None:
    sig = minhash(np.empty(0, dtype=np.uint64), num_perm=16, seed=1)
    assert sig.tolist() == [int(EMPTY)] * 16
    assert int(EMPTY) == U64_MAX


@settings(max_examples=60, deadline=None)
@given(u64s, st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=2**32))
def test_minhash_matches_reference(values: list[int], num_perm: int, seed: int) -> None:
    x = _arr(values)
    assert np.array_equal(
        minhash(x, num_perm=num_perm, seed=seed), minhash_reference(x, num_perm=num_perm, seed=seed)
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(u64s, max_size=8))
def test_batch_equals_one_by_one(articles: list[list[int]]) -> None:
    hashes = _arr([v for art in articles for v in art])
    offsets = np.zeros(len(articles) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in articles], out=offsets[1:])
    batch = minhash_batch(hashes, offsets, num_perm=8, seed=4)
    assert batch.shape == (len(articles), 8)
    for i, art in enumerate(articles):
        assert np.array_equal(batch[i], minhash(_arr(art), num_perm=8, seed=4))


def test_batch_chunks_long_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import copydesk.sketch.minhash as mh

    rng = np.random.default_rng(3)
    lengths = rng.integers(0, 40, size=60)
    lengths[[0, 17, 59]] = 0
    lengths[5] = 100  # longer than a chunk
    hashes = rng.integers(0, 2**64, size=int(lengths.sum()), dtype=np.uint64)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    whole = minhash_batch(hashes, offsets, num_perm=16, seed=2)
    monkeypatch.setattr(mh, "_CHUNK", 32)
    assert np.array_equal(minhash_batch(hashes, offsets, num_perm=16, seed=2), whole)
    assert (whole[0] == EMPTY).all() and (whole[59] == EMPTY).all()


@pytest.mark.parametrize(
    "offsets",
    [np.array([1, 3]), np.array([0, 2]), np.array([0, 3, 1, 3]), np.array([], dtype=np.int64)],
)
def test_batch_rejects_bad_offsets(offsets: np.ndarray) -> None:
    with pytest.raises(ValueError, match="offsets"):
        minhash_batch(np.arange(3, dtype=np.uint64), offsets.astype(np.int64), num_perm=4, seed=1)


def test_bad_parameters() -> None:
    x = np.arange(3, dtype=np.uint64)
    with pytest.raises(ValueError, match="num_perm"):
        minhash(x, num_perm=0, seed=1)
    with pytest.raises(ValueError, match="seed"):
        minhash(x, num_perm=4, seed=-1)
    with pytest.raises(ValueError, match="bands"):
        band_keys(np.zeros((2, 10), dtype=np.uint64), bands=3)
    with pytest.raises(ValueError, match="signatures"):
        jaccard_estimate(np.zeros(3, dtype=np.uint64), np.zeros(4, dtype=np.uint64))


def test_band_keys_equal_iff_band_rows_equal() -> None:
    rng = np.random.default_rng(11)
    bands, rows = 8, 4
    base = rng.integers(0, 2**64, size=(1, bands * rows), dtype=np.uint64)
    sigs = np.repeat(base, 50, axis=0)
    # Each signature keeps a random subset of bands and redraws the others.
    redraw = rng.random((50, bands)) < 0.5
    for i, j in zip(*np.nonzero(redraw), strict=True):
        sigs[i, j * rows : (j + 1) * rows] = rng.integers(0, 2**64, size=rows, dtype=np.uint64)
    keys = band_keys(sigs, bands=bands)
    assert keys.shape == (50, bands) and keys.dtype == np.uint64
    for i in range(50):
        for k in range(50):
            same_rows = (sigs[i].reshape(bands, rows) == sigs[k].reshape(bands, rows)).all(axis=1)
            assert np.array_equal(keys[i] == keys[k], same_rows)


def test_band_keys_differ_between_bands_with_equal_rows() -> None:
    sig = np.tile(np.array([5, 6, 7, 8], dtype=np.uint64), 4)
    keys = band_keys(sig, bands=4)
    assert keys.shape == (4,) and len(set(keys.tolist())) == 4


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=U64_MAX), min_size=12, max_size=12))
def test_band_keys_match_reference(values: list[int]) -> None:
    sig = _arr(values)
    for bands in (1, 2, 3, 4, 6, 12):
        assert np.array_equal(band_keys(sig, bands=bands), band_keys_reference(sig, bands=bands))
