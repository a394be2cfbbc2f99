"""Plain reference implementations of the sketch fast paths: one article at a time, obvious code.

They define what the vectorized functions in `minhash`, `winnow` and `batch` must return, and the tests
compare both on random inputs (as RapidFuzz does with ``fuzz_py``). Too slow for a corpus: MinHash here is
a Python loop over permutations and shingles in Python integers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

from copydesk.config import IndexConfig
from copydesk.model import Fingerprints
from copydesk.sketch.minhash import permutations
from copydesk.sketch.shingle import shingle_width, shingles, word_hashes
from copydesk.text.tokens import tokenize

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_M64 = (1 << 64) - 1


def mix64(x: int) -> int:
    """splitmix64 finalizer on a Python int in ``[0, 2**64)``."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def minhash_reference(shingle_hashes: U64, *, num_perm: int, seed: int) -> U64:
    """MinHash of one article: ``min((a_k * x + b_k) mod 2**64)`` per permutation ``k``, all ones if empty."""
    a, b = permutations(num_perm=num_perm, seed=seed)
    xs = [int(v) for v in shingle_hashes]
    out = []
    for ak, bk in zip(a.tolist(), b.tolist(), strict=True):
        out.append(min(((ak * x + bk) & _M64 for x in xs), default=_M64))
    return np.array(out, dtype=np.uint64)


def band_keys_reference(signature: U64, *, bands: int) -> U64:
    """Band keys of one signature: for band ``j``, ``key = mix(j + 1)``, then ``key = mix(key ^ row)``."""
    rows = [int(v) for v in signature]
    r = len(rows) // bands
    keys = []
    for j in range(bands):
        key = mix64(j + 1)
        for v in rows[j * r : (j + 1) * r]:
            key = mix64(key ^ v)
        keys.append(key)
    return np.array(keys, dtype=np.uint64)


def winnow_positions(hashes: U64, *, window: int) -> I64:
    """Positions selected by winnowing, ascending, each once: the rightmost minimum of every window.

    A non-empty sequence shorter than ``window`` is one window.
    """
    xs = [int(v) for v in hashes]
    if not xs:
        return np.empty(0, dtype=np.int64)
    w = min(window, len(xs))
    chosen: set[int] = set()
    for start in range(len(xs) - w + 1):
        best = start
        for i in range(start, start + w):
            if xs[i] <= xs[best]:
                best = i
        chosen.add(best)
    return np.array(sorted(chosen), dtype=np.int64)


def winnow_reference(hashes: U64, *, window: int) -> U64:
    """Distinct hashes at the winnowed positions, sorted (uint64)."""
    x = np.asarray(hashes, dtype=np.uint64)
    return np.unique(x[winnow_positions(x, window=window)])


def content_hash_reference(hashes: U64) -> int:
    """xxh3-64 of the article's word hashes as consecutive little-endian uint64 (8 bytes per word)."""
    return xxhash.xxh3_64_intdigest(b"".join(int(v).to_bytes(8, "little") for v in hashes))


def fingerprint_reference(text: str, *, config: IndexConfig, start: int = 0) -> Fingerprints:
    """Fingerprints of the body ``text[start:]``: words from `copydesk.text.tokens.tokenize`, word hashes
    and shingles from `copydesk.sketch.shingle` (`shingle_width` wide), then the reference MinHash, band
    keys and winnowing."""
    tokens = tokenize(text, start=start)
    words = tokens.words
    wh = word_hashes(words)
    sh = shingles(wh, shingle_width(config.shingle_size, chars=tokens.chars))
    signature = minhash_reference(sh, num_perm=config.num_perm, seed=config.seed)
    return Fingerprints(
        content_hash=content_hash_reference(wh),
        words=len(words),
        signature=signature,
        band_keys=band_keys_reference(signature, bands=config.bands),
        passages=winnow_reference(sh, window=config.winnow_window),
    )
