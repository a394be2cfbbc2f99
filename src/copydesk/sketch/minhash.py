"""MinHash signatures of shingle-hash sets, LSH band keys, and the Jaccard estimate.

Permutation ``k`` of a signature is the affine map ``h_k(x) = (a_k * x + b_k) mod 2**64`` on a shingle hash
``x`` (uint64), with ``a_k`` odd so that ``h_k`` is a bijection of the 64-bit integers. The coefficients
come from the raw stream of ``numpy.random.PCG64(seed)``: ``a_k = raw[2k] | 1``, ``b_k = raw[2k + 1]``, so a
signature of ``m`` permutations is a prefix of one of ``m' > m`` permutations with the same seed, and the
signatures do not depend on numpy's ``Generator`` sampling algorithms, only on the PCG64 bit stream.

Why no extra mixing after the affine map: the inputs are already well-mixed 64-bit hashes (splitmix64
finish in `copydesk.sketch.shingle`), so each ``h_k`` alone is an exactly min-wise map over random inputs,
and the minimum is decided by the high bits of ``a_k * x``, which depend on every bit of ``x`` (multiplicative
hashing). The tests check the estimate against exact Jaccard on many random sets.

Signature value ``k`` of an article is ``min(h_k(x) for x in its shingle hashes)``. An article with no
shingles (no words) gets a signature of all ``2**64 - 1`` (`EMPTY`): two empty articles therefore estimate a
Jaccard of 1.0 and share every band key, so callers should keep empty articles out of LSH.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from copydesk.sketch.shingle import mix64

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
"""Signature value of an article with no shingles."""

# Shingle hashes per chunk: the work buffer (8 bytes each) stays in the L2 cache, where the
# multiply-add-minimum passes are several times faster than over a buffer in main memory.
_CHUNK = 1 << 16


def permutations(*, num_perm: int, seed: int) -> tuple[U64, U64]:
    """Coefficients ``(a, b)`` of the ``num_perm`` permutations for ``seed`` (two uint64 arrays, ``a`` odd,
    read-only: made once per setting, as every query of `find` asks them)."""
    if not isinstance(num_perm, int) or num_perm < 1:
        raise ValueError(f"num_perm must be a positive integer, got {num_perm!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return _permutations(num_perm, seed)


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[U64, U64]:
    raw = np.asarray(np.random.PCG64(seed).random_raw(2 * num_perm), dtype=np.uint64)
    a, b = raw[0::2] | np.uint64(1), raw[1::2].copy()
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def _check_csr(hashes: U64, offsets: I64) -> None:
    if hashes.ndim != 1 or offsets.ndim != 1 or len(offsets) < 1:
        raise ValueError(
            f"expected a 1-d hash array and 1-d offsets of n + 1 entries, got shapes {hashes.shape} and "
            f"{offsets.shape}"
        )
    if offsets[0] != 0 or offsets[-1] != len(hashes) or (len(offsets) > 1 and (np.diff(offsets) < 0).any()):
        raise ValueError(
            f"offsets must rise from 0 to len(hashes) = {len(hashes)}, got {offsets[:3].tolist()}..."
            f"{offsets[-3:].tolist()}"
        )


def minhash_batch(hashes: U64, offsets: I64, *, num_perm: int, seed: int) -> U64:
    """MinHash signatures of a batch of articles, as a uint64 array of shape ``(n_articles, num_perm)``.

    hashes: the shingle hashes of all articles, concatenated (uint64).
    offsets: int64, ``n_articles + 1`` entries; article ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``
        (CSR layout). Empty articles are allowed and get a row of `EMPTY`.
    """
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    _check_csr(hashes, offsets)
    a, b = permutations(num_perm=num_perm, seed=seed)
    n = len(offsets) - 1
    out = np.full((num_perm, n), EMPTY, dtype=np.uint64)
    starts = offsets[:-1]
    nonempty = np.flatnonzero(offsets[1:] > starts)
    if len(nonempty) == 0:
        return np.ascontiguousarray(out.T)
    # Chunks of whole articles of about _CHUNK hashes (an article longer than that is a chunk of its own).
    cuts = np.searchsorted(offsets, np.arange(_CHUNK, len(hashes), _CHUNK), side="right") - 1
    bounds = np.unique(np.concatenate(([0], cuts, [n])))
    buf = np.empty(int(np.max(np.diff(offsets[bounds]))), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            rows = nonempty[(nonempty >= lo) & (nonempty < hi)]
            if len(rows) == 0:
                continue
            first, last = int(offsets[lo]), int(offsets[hi])
            x = hashes[first:last]
            seg = starts[rows] - first
            work = buf[: last - first]
            for k in range(num_perm):
                np.multiply(x, a[k], out=work)
                np.add(work, b[k], out=work)
                out[k, rows] = np.minimum.reduceat(work, seg)
    return np.ascontiguousarray(out.T)


def minhash(shingle_hashes: U64, *, num_perm: int, seed: int) -> U64:
    """MinHash signature of one article's shingle hashes: ``num_perm`` uint64 values (all `EMPTY` if none)."""
    x = np.ascontiguousarray(shingle_hashes, dtype=np.uint64)
    signatures = minhash_batch(x, np.array([0, len(x)], dtype=np.int64), num_perm=num_perm, seed=seed)
    return signatures.reshape(-1)


def band_keys(signatures: U64, *, bands: int) -> U64:
    """One 64-bit LSH key per band: uint64 array of shape ``(n, bands)`` from signatures ``(n, num_perm)``.

    Band ``j`` holds rows ``[j * r, (j + 1) * r)`` with ``r = num_perm // bands``. Its key is a splitmix64
    chain started from the band index (``mix(mix(j + 1) ^ row_0) ^ row_1) ...``), so equal rows in two
    different bands give different keys, and two signatures get the same key for band ``j`` exactly when
    their rows of band ``j`` are equal (up to 64-bit hash collisions). A 1-d signature gives a 1-d result.
    """
    sig = np.asarray(signatures, dtype=np.uint64)
    one = sig.ndim == 1
    if one:
        sig = sig[None, :]
    if sig.ndim != 2 or sig.shape[1] == 0:
        raise ValueError(f"signatures must be 1-d or 2-d with at least one value each, got shape {sig.shape}")
    if not isinstance(bands, int) or bands < 1 or sig.shape[1] % bands:
        raise ValueError(f"bands must be a positive divisor of num_perm = {sig.shape[1]}, got {bands!r}")
    rows = sig.reshape(sig.shape[0], bands, sig.shape[1] // bands)
    with np.errstate(over="ignore"):
        acc = np.broadcast_to(mix64(np.arange(1, bands + 1, dtype=np.uint64)), rows.shape[:2])
        for j in range(rows.shape[2]):
            acc = mix64(acc ^ rows[:, :, j])
    return acc[0] if one else np.ascontiguousarray(acc)


def jaccard_estimate(sig_a: U64, sig_b: U64) -> float:
    """Share of equal values in two signatures of the same length: the Jaccard estimate, in [0, 1]."""
    a = np.asarray(sig_a)
    b = np.asarray(sig_b)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ValueError(f"signatures must be 1-d and of one non-zero length, got {a.shape} and {b.shape}")
    return float(np.count_nonzero(a == b)) / len(a)
