"""Fingerprints of a batch of articles: the fast path of the corpus index (ingest).

Per batch, not per word: words and their hashes (`copydesk.sketch.words`), shingles over the CSR layout,
MinHash, band keys and winnowing are each a handful of numpy passes over the whole batch; Python runs once
per article only to build its `Fingerprints` record. Results are identical to
`copydesk.sketch.reference.fingerprint_reference` applied to each article (the tests check this).

content_hash: xxh3-64 of the article's word hashes as consecutive little-endian uint64 (8 bytes per word),
so two bodies with the same folded word sequence (whatever their spacing, punctuation, case or quote style)
share it. A body without words hashes the empty string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt
import xxhash

from copydesk import core
from copydesk.config import IndexConfig
from copydesk.model import Fingerprints
from copydesk.sketch.minhash import band_keys, minhash_batch, permutations
from copydesk.sketch.shingle import _MUL, mix64, shingle_width
from copydesk.sketch.winnow import winnow_batch
from copydesk.sketch.words import class_table, folded_bodies, hashes_of, word_hashes_read

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Characters of text per internal chunk: bounds the working memory (about 40 bytes per character) and keeps
# the numpy passes close to the caches, while the per-chunk Python overhead stays small.
_CHUNK_CHARS = 1 << 19


def shingles_batch(hashes: U64, offsets: I64, *, n: int) -> tuple[U64, I64]:
    """`copydesk.sketch.shingle.shingles` of every article of a CSR batch, in CSR layout.

    hashes: word hashes of all articles, concatenated (uint64); offsets: int64, ``len + 1`` entries.
    Returns ``(shingle_hashes, shingle_offsets)``: article ``i`` has ``max(words - n + 1, 1)`` shingles,
    none without words; a shingle never spans two articles, and an article shorter than ``n`` words
    gives one shingle of all its words, as in `shingles`.
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    x = np.ascontiguousarray(hashes, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    counts = np.diff(offsets)
    sizes = np.where(counts >= n, counts - n + 1, np.minimum(counts, 1))
    out_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=out_offsets[1:])
    total = len(x)
    if total == 0:
        return np.empty(0, dtype=np.uint64), out_offsets
    article = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    keep = np.arange(total, dtype=np.int64) - offsets[article] <= (counts - n)[article]
    short = np.flatnonzero((counts > 0) & (counts < n))
    short_first = offsets[short]
    short_len = counts[short]
    partial = x[short_first].copy()
    padded = np.concatenate((x, np.zeros(n - 1, dtype=np.uint64)))
    acc = x.copy()
    # The polynomial of `shingles`: acc[i] = ((x[i] * M + x[i+1]) * M + ...) + x[i+n-1], wrapping mod 2**64.
    # Windows running past an article's end are computed and dropped; a short article keeps the value
    # after (its length - 1) steps at its first word.
    with np.errstate(over="ignore"):
        for k in range(1, n):
            acc *= _MUL
            acc += padded[k : k + total]
            done = short_len == k + 1
            if done.any():
                partial[done] = acc[short_first[done]]
        acc[short_first] = partial
        keep[short_first] = True
        return mix64(acc[keep]), out_offsets


def shingles_read(hashes: U64, offsets: I64, *, n: int, chars: npt.NDArray[np.bool_]) -> tuple[U64, I64]:
    """`shingles_batch` with each article's own width: ``shingle_width(n, chars=chars[i])`` for article
    ``i`` (``chars`` as `copydesk.sketch.words.word_hashes_read` gives it). On the native core, in Rust."""
    module = core.native()
    if module is not None:
        widths = [shingle_width(n, chars=c) for c in chars.tolist()]
        raw, raw_offsets = module.shingles(
            np.ascontiguousarray(hashes, dtype=np.uint64).tobytes(),
            np.ascontiguousarray(offsets, dtype=np.int64).tobytes(),
            widths,
        )
        return np.frombuffer(raw, dtype=np.uint64), np.frombuffer(raw_offsets, dtype=np.int64)
    plain = shingles_batch(hashes, offsets, n=n)
    if not chars.any():
        return plain
    wide, wide_off = shingles_batch(hashes, offsets, n=shingle_width(n, chars=True))
    plain_sh, plain_off = plain
    counts = np.where(chars, np.diff(wide_off), np.diff(plain_off))
    out_off = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out_off[1:])
    pick_plain = np.repeat(~chars, np.diff(plain_off))
    pick_wide = np.repeat(chars, np.diff(wide_off))
    # Articles keep their order, so the kept shingles of both, in place, interleave back by article.
    owner = np.concatenate(
        (
            np.repeat(np.arange(len(counts)), np.diff(plain_off))[pick_plain],
            np.repeat(np.arange(len(counts)), np.diff(wide_off))[pick_wide],
        )
    )
    values = np.concatenate((plain_sh[pick_plain], wide[pick_wide]))
    return values[np.argsort(owner, kind="stable")], out_off


def _chunks(texts: Sequence[str], starts: Sequence[int] | None) -> list[tuple[int, int]]:
    """Validate the batch (errors name the index in the whole batch) and cut it into chunks of whole
    texts of about `_CHUNK_CHARS` characters: ``[lo, hi)`` ranges."""
    if starts is not None and len(starts) != len(texts):
        raise ValueError(f"starts must have one offset per text ({len(texts)}), got {len(starts)}")
    bounds: list[tuple[int, int]] = []
    lo = size = 0
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a str, got {type(text).__name__}")
        if starts is not None:
            start = starts[i]
            if not isinstance(start, int | np.integer) or not 0 <= start <= len(text):
                raise ValueError(f"starts[{i}] must be in [0, {len(text)}], got {start!r}")
        size += len(text)
        if size >= _CHUNK_CHARS:
            bounds.append((lo, i + 1))
            lo, size = i + 1, 0
    if lo < len(texts):
        bounds.append((lo, len(texts)))
    return bounds


@dataclass(frozen=True, slots=True)
class BatchFingerprints:
    """The fingerprints of a batch of ``n`` articles as a few arrays (cheap to send to another process).

    content_hashes: uint64 ``(n,)``; words: int64 ``(n,)``; signatures: uint64 ``(n, num_perm)``; band_keys:
    uint64 ``(n, bands)``; passages: uint64, every article's passage fingerprints concatenated, article
    ``i``'s are ``passages[passage_offsets[i]:passage_offsets[i + 1]]`` (``n + 1`` int64 offsets).
    """

    content_hashes: U64
    words: I64
    signatures: U64
    band_keys: U64
    passages: U64
    passage_offsets: I64

    def __len__(self) -> int:
        return len(self.content_hashes)

    def records(self) -> list[Fingerprints]:
        """One `Fingerprints` per article, in order; their arrays are read-only views into these."""
        for shared in (self.signatures, self.band_keys, self.passages):
            shared.setflags(write=False)
        p = self.passage_offsets.tolist()
        return [
            Fingerprints(
                content_hash=h,
                words=w,
                signature=self.signatures[i],
                band_keys=self.band_keys[i],
                passages=self.passages[p[i] : p[i + 1]],
            )
            for i, (h, w) in enumerate(zip(self.content_hashes.tolist(), self.words.tolist(), strict=True))
        ]

    @staticmethod
    def concat(parts: Sequence[BatchFingerprints]) -> BatchFingerprints:
        """The fingerprints of the parts' articles, in order (at least one part)."""
        if len(parts) == 1:
            return parts[0]
        counts = [p.passage_offsets[-1] for p in parts]
        shifts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        offsets = [parts[0].passage_offsets[:1]] + [
            p.passage_offsets[1:] + shift for p, shift in zip(parts, shifts.tolist(), strict=True)
        ]
        return BatchFingerprints(
            content_hashes=np.concatenate([p.content_hashes for p in parts]),
            words=np.concatenate([p.words for p in parts]),
            signatures=np.concatenate([p.signatures for p in parts]),
            band_keys=np.concatenate([p.band_keys for p in parts]),
            passages=np.concatenate([p.passages for p in parts]),
            passage_offsets=np.concatenate(offsets).astype(np.int64),
        )


def fingerprint_arrays(
    texts: Sequence[str], *, config: IndexConfig, starts: Sequence[int] | None = None
) -> BatchFingerprints:
    """`fingerprint_batch` as arrays (see `BatchFingerprints`); ``fingerprint_batch(...)`` is
    ``fingerprint_arrays(...).records()``."""
    parts: list[BatchFingerprints] = []
    h = xxhash.xxh3_64_intdigest
    chunks = _chunks(texts, starts)
    module = core.native()
    if module is not None and chunks:
        try:
            return _native_arrays(module, texts, starts, config)
        except UnicodeError:  # a lone surrogate, which only the reference reads
            pass
    for lo, hi in chunks:
        chunk_starts = None if starts is None else starts[lo:hi]
        words, word_off, chars = word_hashes_read(texts[lo:hi], starts=chunk_starts)
        sh, sh_off = shingles_read(words, word_off, n=config.shingle_size, chars=chars)
        signatures = minhash_batch(sh, sh_off, num_perm=config.num_perm, seed=config.seed)
        keys = band_keys(signatures, bands=config.bands)
        passages, pass_off = winnow_batch(sh, sh_off, window=config.winnow_window)
        words_le = memoryview(words.astype("<u8", copy=False).tobytes())
        w = word_off.tolist()
        hashes = np.fromiter(
            (h(words_le[8 * w[i] : 8 * w[i + 1]]) for i in range(hi - lo)), dtype=np.uint64, count=hi - lo
        )
        parts.append(BatchFingerprints(hashes, np.diff(word_off), signatures, keys, passages, pass_off))
    if not parts:
        zero = np.zeros(1, dtype=np.int64)
        return BatchFingerprints(
            np.zeros(0, dtype=np.uint64),
            np.zeros(0, dtype=np.int64),
            np.zeros((0, config.num_perm), dtype=np.uint64),
            np.zeros((0, config.bands), dtype=np.uint64),
            np.zeros(0, dtype=np.uint64),
            zero,
        )
    return BatchFingerprints.concat(parts)


def _native_arrays(
    module: ModuleType, texts: Sequence[str], starts: Sequence[int] | None, config: IndexConfig
) -> BatchFingerprints:
    """`fingerprint_arrays` by the native core: the bodies are folded here (Python's own Unicode rules),
    words, hashes, shingles, MinHash, band keys and winnowing there, over every core."""
    a, b = permutations(num_perm=config.num_perm, seed=config.seed)
    n = config.shingle_size
    bodies, chars = folded_bodies(texts, starts=starts, ascii_as_is=True)
    settings = (a.tobytes(), b.tobytes(), config.bands, config.winnow_window)
    if not chars.any():
        classes = None if all(body.isascii() for body in bodies) else class_table()
        raw = module.fingerprints(bodies, n, *settings, classes)
    else:
        words, offsets = hashes_of(bodies, chars, ascii_folded=False)
        widths = [shingle_width(n, chars=c) for c in chars.tolist()]
        raw = module.sketch(words.tobytes(), offsets.tobytes(), widths, *settings)
    u = [np.frombuffer(r, dtype=np.uint64) for r in raw]
    return BatchFingerprints(
        u[0],
        u[1].view(np.int64),
        u[2].reshape(len(texts), config.num_perm),
        u[3].reshape(len(texts), config.bands),
        u[4],
        u[5].view(np.int64),
    )


def fingerprint_batch(
    texts: Sequence[str], *, config: IndexConfig, starts: Sequence[int] | None = None
) -> list[Fingerprints]:
    """Fingerprints of the bodies ``texts[i][starts[i]:]``, one per text, in order.

    starts: body offsets in characters (to skip a header line), ``0 <= starts[i] <= len(texts[i])``;
    default all 0. Each record equals ``fingerprint_reference(texts[i], config=config, start=starts[i])``:
    ``words`` body words, ``signature`` (``config.num_perm`` uint64), ``band_keys`` (``config.bands``
    uint64), ``passages`` (distinct sorted uint64 winnowed shingle hashes) and ``content_hash``.
    The arrays of one record are read-only views into arrays shared by the batch.
    Deterministic for ``config.seed``; pure (no I/O, no state kept between calls). Raises TypeError for a
    text that is not a str and ValueError for a bad ``starts``, naming the index, before any work.
    """
    return fingerprint_arrays(texts, config=config, starts=starts).records()
