from __future__ import annotations

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.xxh3 import xxh3_64_many


def _reference(buf: bytes, starts: np.ndarray, ends: np.ndarray) -> list[int]:
    return [xxhash.xxh3_64_intdigest(buf[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def test_every_length_class_equals_xxhash() -> None:
    rng = np.random.default_rng(0)
    buf = bytes(rng.integers(0, 256, size=20000, dtype=np.uint8))
    lengths = np.repeat(np.arange(0, 200), 20)
    starts = rng.integers(0, len(buf) - 200, size=len(lengths))
    ends = starts + lengths
    assert xxh3_64_many(buf, starts, ends).tolist() == _reference(buf, starts, ends)


def test_strings_at_the_end_of_the_buffer() -> None:
    buf = bytes(range(256)) * 2
    lengths = np.arange(0, 150)
    starts = len(buf) - lengths
    ends = np.full(len(lengths), len(buf))
    assert xxh3_64_many(buf, starts, ends).tolist() == _reference(buf, starts, ends)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=140), max_size=20))
def test_concatenated_strings(parts: list[bytes]) -> None:
    buf = b"".join(parts)
    ends = np.cumsum([len(p) for p in parts], dtype=np.int64)
    starts = ends - np.array([len(p) for p in parts], dtype=np.int64)
    assert xxh3_64_many(buf, starts, ends).tolist() == [xxhash.xxh3_64_intdigest(p) for p in parts]


def test_empty_input() -> None:
    out = xxh3_64_many(b"", np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    assert out.dtype == np.uint64 and len(out) == 0
