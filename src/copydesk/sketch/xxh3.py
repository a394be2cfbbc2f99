"""XXH3-64 (seed 0, default secret) of many short byte strings of one buffer at once, in numpy.

``xxh3_64_many(buf, starts, ends)[i] == xxhash.xxh3_64_intdigest(buf[starts[i]:ends[i]])`` for every ``i``:
the same function as the ``xxhash`` package (xxHash 0.8 ``XXH3_64bits``), so hashes computed here and one by
one in Python agree bit for bit (the tests compare them on random inputs of every length class). Strings of
1 to 128 bytes, the length classes of XXH3's short-input paths, are hashed by numpy passes over all strings
of one class together; the empty string and strings over 128 bytes (rare for words) are hashed one by one
with ``xxhash``. The 128-bit products of XXH3 are done on 32-bit halves.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# The first 128 bytes of XXH3's default secret (kSecret in xxhash.h).
_SECRET = bytes.fromhex(
    "b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671f"
    "cb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c"
    "3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8"
    "a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364"
)
_MAX_LEN = 128


def _le64(offset: int) -> np.uint64:
    return np.uint64(int.from_bytes(_SECRET[offset : offset + 8], "little"))


def _le32(offset: int) -> int:
    return int.from_bytes(_SECRET[offset : offset + 4], "little")


_BITFLIP_1TO3 = np.uint64(_le32(0) ^ _le32(4))
_BITFLIP_4TO8 = _le64(8) ^ _le64(16)
_BITFLIP_9TO16 = (_le64(24) ^ _le64(32), _le64(40) ^ _le64(48))
_PRIME64_1 = np.uint64(0x9E3779B185EBCA87)
_PRIME64_2 = np.uint64(0xC2B2AE3D27D4EB4F)
_PRIME64_3 = np.uint64(0x165667B19E3779F9)
_PRIME_MX1 = np.uint64(0x165667919E3779F9)
_PRIME_MX2 = np.uint64(0x9FB21C651E98DF25)
_LOW32 = np.uint64(0xFFFFFFFF)
_BYTE = np.uint64(0xFF)


def _u(n: int) -> np.uint64:
    return np.uint64(n)


def _mul128_fold64(a: U64, b: U64) -> U64:
    """Low 64 bits XOR high 64 bits of the 128-bit products ``a * b`` (elementwise)."""
    a_lo, a_hi = a & _LOW32, a >> _u(32)
    b_lo, b_hi = b & _LOW32, b >> _u(32)
    lo_lo = a_lo * b_lo
    hi_lo = a_hi * b_lo
    lo_hi = a_lo * b_hi
    cross = (lo_lo >> _u(32)) + (hi_lo & _LOW32) + lo_hi
    upper = (a_hi * b_hi) + (hi_lo >> _u(32)) + (cross >> _u(32))
    lower = (cross << _u(32)) | (lo_lo & _LOW32)
    folded: U64 = lower ^ upper
    return folded


def _avalanche(h: U64) -> U64:
    h ^= h >> _u(37)
    h *= _PRIME_MX1
    h ^= h >> _u(32)
    return h


def _len_1to3(read: U64, p: I64, n: I64) -> U64:
    c1 = read[p] & _BYTE
    c2 = read[p + (n >> 1)] & _BYTE
    c3 = read[p + n - 1] & _BYTE
    h: U64 = ((c1 << _u(16)) | (c2 << _u(24)) | c3 | (n.astype(np.uint64) << _u(8))) ^ _BITFLIP_1TO3
    h ^= h >> _u(33)
    h *= _PRIME64_2
    h ^= h >> _u(29)
    h *= _PRIME64_3
    h ^= h >> _u(32)
    return h


def _len_4to8(read: U64, p: I64, n: I64) -> U64:
    first = read[p] & _LOW32
    last = read[p + n - 4] & _LOW32
    h: U64 = (last + (first << _u(32))) ^ _BITFLIP_4TO8
    h ^= ((h << _u(49)) | (h >> _u(15))) ^ ((h << _u(24)) | (h >> _u(40)))
    h *= _PRIME_MX2
    h ^= (h >> _u(35)) + n.astype(np.uint64)
    h *= _PRIME_MX2
    h ^= h >> _u(28)
    return h


def _len_9to16(read: U64, p: I64, n: I64) -> U64:
    lo = read[p] ^ _BITFLIP_9TO16[0]
    hi = read[p + n - 8] ^ _BITFLIP_9TO16[1]
    acc = n.astype(np.uint64) + lo.byteswap() + hi + _mul128_fold64(lo, hi)
    return _avalanche(acc)


def _mix16(read: U64, at: I64, secret: int) -> U64:
    return _mul128_fold64(read[at] ^ _le64(secret), read[at + 8] ^ _le64(secret + 8))


def _len_17to128(read: U64, p: I64, n: I64) -> U64:
    acc = n.astype(np.uint64) * _PRIME64_1
    acc += _mix16(read, p, 0) + _mix16(read, p + n - 16, 16)
    # Longer strings add pairs of 16-byte blocks from both ends: (16, -32) over 32 bytes, then (32, -48)
    # over 64, then (48, -64) over 96.
    for above, front, secret in ((32, 16, 32), (64, 32, 64), (96, 48, 96)):
        more = np.flatnonzero(n > above)
        if len(more) == 0:
            break
        q, m = p[more], n[more]
        acc[more] += _mix16(read, q + front, secret) + _mix16(read, q + m - front - 16, secret + 16)
    return _avalanche(acc)


_CLASSES = ((1, 3, _len_1to3), (4, 8, _len_4to8), (9, 16, _len_9to16), (17, _MAX_LEN, _len_17to128))


def xxh3_64_many(buf: bytes, starts: I64, ends: I64) -> U64:
    """``xxh3_64_intdigest(buf[starts[i]:ends[i]])`` for every ``i``, as uint64.

    starts, ends: int64 byte offsets with ``0 <= starts[i] <= ends[i] <= len(buf)``.
    """
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(ends, dtype=np.int64) - starts
    out = np.empty(len(starts), dtype=np.uint64)
    if len(starts) == 0:
        return out
    padded = buf + bytes(16)
    # The little-endian uint64 at every byte offset: an unaligned, read-only view (reads past a string's end
    # land in the next bytes or the padding and are masked or unused).
    read = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    with np.errstate(over="ignore"):
        for low, high, path in _CLASSES:
            rows = np.flatnonzero((lengths >= low) & (lengths <= high))
            if len(rows) == len(starts):
                return path(read, starts, lengths)
            if len(rows):
                out[rows] = path(read, starts[rows], lengths[rows])
    h = xxhash.xxh3_64_intdigest
    for i in np.flatnonzero((lengths == 0) | (lengths > _MAX_LEN)).tolist():
        start = int(starts[i])
        out[i] = h(buf[start : start + int(lengths[i])])
    return out
