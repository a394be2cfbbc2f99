"""Words of a whole batch of articles, hashed, without a Python step per word.

The result is exactly ``word_hashes(tokenize(text, start=start).words)`` for every article (see
`copydesk.text.tokens` and `copydesk.sketch.shingle`): xxh3-64 of the UTF-8 bytes of each folded word.
How it is computed fast:

1. Folding: `folded` gives the text of `copydesk.text.normalize.fold` without its offset map, faster (an
   ASCII body is only lower-cased, its backquotes made apostrophes).
2. The folded bodies are joined with ``"\\n"`` (never part of a word) into one buffer, UTF-8 encoded. Each
   character is classed with a table built from the ``re`` module's own ``\\w``: word character, joiner
   (``'`` or ``.``) or other. A word is a maximal run of word characters and of joiners that have a word
   character on both sides, which is what the pattern ``\\w+(?:['.]\\w+)*`` of `tokenize` matches.
3. The words, as ``(start, end)`` byte offsets into that buffer, are hashed all together by
   `copydesk.sketch.xxh3.xxh3_64_many`: the XXH3-64 function of ``xxhash`` done in numpy passes, so no
   Python object is made per word.

Bodies that are ASCII once folded and the others are processed as two groups: the ASCII group needs no code-point table; the
other group pays a UTF-32 pass and a look-up in a table of all 0x110000 code points (1.1 MB, built once, on
first use, in about 0.2 s). A third group, the bodies read in characters (Chinese, Japanese, Thai: see
`copydesk.text.script`), is split by the regular expression of `tokenize` itself and hashed with
`copydesk.sketch.shingle.word_hashes` (one dictionary look-up per character: such texts have few distinct
characters); the class of a body is the same ``spaceless`` test on the same folded text as in `tokenize`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from copydesk import core
from copydesk.sketch.shingle import word_hashes
from copydesk.sketch.xxh3 import xxh3_64_many
from copydesk.text.normalize import FOLD_TABLE
from copydesk.text.script import spaceless
from copydesk.text.tokens import split_words

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]

_WORD, _JOIN = 1, 2  # character classes; 0 is any other character
_JOINERS = "'."


# FOLD_TABLE as a regex: str.translate with a dict costs tens of ns per character on non-ASCII text, a
# search for the few folded characters about one.
_FOLD_RE = re.compile("[" + "".join(re.escape(chr(k)) for k in FOLD_TABLE) + "]")
_FOLD_BY_CHAR = {chr(k): v for k, v in FOLD_TABLE.items()}
# The few ASCII characters the table folds (the backquote), replaced in ASCII text with str.replace.
_ASCII_FOLDS = [(c, v) for c, v in _FOLD_BY_CHAR.items() if c.isascii()]


def _fold_match(m: re.Match[str]) -> str:
    return _FOLD_BY_CHAR[m.group()]


@functools.cache
def _char_fold_table() -> dict[int, str]:
    """``str.translate`` table of the character-by-character folding of `copydesk.text.normalize.fold`:
    code point -> NFKC, then FOLD_TABLE, then lower case of that one character, where it changes it.

    Built once (about 0.4 s) by folding all code points at once, separated by NUL: NFKC never composes
    across a NUL, and a lone capital sigma next to NUL lower-cases as alone.
    """
    chars = [chr(i) for i in range(1, 0x110000)]
    pieces = unicodedata.normalize("NFKC", "\0".join(chars)).translate(FOLD_TABLE).lower().split("\0")
    if len(pieces) != len(chars):  # pragma: no cover - would mean a NUL produced by NFKC
        raise RuntimeError("folding code points one by one went out of step")
    return {ord(c): p for c, p in zip(chars, pieces, strict=True) if p != c}


def folded(text: str) -> str:
    """``fold(text).text`` (see `copydesk.text.normalize.fold`), the same string, computed faster.

    The same branches as `fold`: ASCII text only has its backquotes folded and is lower-cased; otherwise
    the folding table is applied, and the result is lower-cased as a whole when it is NFKC-normalized and
    keeps its length, else the text is folded character by character (here with one ``str.translate``
    over a table of every character).
    """
    if text.isascii():
        for c, v in _ASCII_FOLDS:
            if c in text:
                text = text.replace(c, v)
        return text.lower()
    t = _FOLD_RE.sub(_fold_match, text)
    if t.isascii():
        return t.lower()
    if unicodedata.is_normalized("NFKC", t):
        low = t.lower()
        if len(low) == len(t):
            return low
    return text.translate(_char_fold_table())


def _classes(chars: str) -> U8:
    # Classes of the code points 0 .. len(chars) - 1, from re's own \w (chars[i] must be chr(i)).
    kept = re.sub(r"\W", "\0", chars)
    cls: U8 = (np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32) != 0).astype(np.uint8)
    for j in _JOINERS:
        cls[ord(j)] = _JOIN
    return cls


_ASCII_CLASSES = _classes("".join(map(chr, range(128))))


@functools.cache
def _codepoint_classes() -> U8:
    """Class of every code point (0 other, 1 word character, 2 joiner): 0x110000 uint8."""
    return _classes("".join(map(chr, range(0x110000))))


def _word_mask(cls: U8) -> npt.NDArray[np.bool_]:
    """True on the characters that belong to words (word characters and inner joiners)."""
    word: npt.NDArray[np.bool_] = cls == _WORD
    mask = word.copy()
    if len(cls) > 2:
        mask[1:-1] |= (cls[1:-1] == _JOIN) & word[:-2] & word[2:]
    return mask


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Half-open ``[start, end)`` of each run of True, as two int64 arrays."""
    padded = np.zeros(len(mask) + 2, dtype=np.int8)
    padded[1:-1] = mask
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2], edges[1::2]


def _group(bodies: list[str]) -> tuple[U64, I64]:
    """Word hashes and CSR offsets of already folded bodies."""
    n = len(bodies)
    joined = "\n".join(bodies)
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=n)
    bases = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=bases[1:])
    if joined.isascii():
        buf = joined.encode("ascii")
        cls = _ASCII_CLASSES[np.frombuffer(buf, dtype=np.uint8)]
        starts, ends = _runs(_word_mask(cls))
    else:
        # Surrogates never belong to words; "surrogatepass" only keeps byte positions consistent.
        cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        mask = _word_mask(_codepoint_classes()[cp])
        width = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        byte_at = np.zeros(len(cp) + 1, dtype=np.int64)
        np.cumsum(width, out=byte_at[1:])
        cp_starts, cp_ends = _runs(mask)
        starts, ends = byte_at[cp_starts], byte_at[cp_ends]
        bases = byte_at[np.minimum(bases, len(cp))]
        buf = joined.encode("utf-8", "surrogatepass")
    # Body i spans [bases[i], bases[i + 1] - 1): its words are those starting before bases[i + 1].
    offsets = np.searchsorted(starts, bases).astype(np.int64)
    return xxh3_64_many(buf, starts, ends), offsets


def _char_group(bodies: list[str]) -> tuple[U64, I64]:
    """Word hashes and CSR offsets of already folded bodies read in characters."""
    parts = [word_hashes(split_words(body, chars=True)[1::2]) for body in bodies]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    hashes = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
    return hashes.astype(np.uint64, copy=False), offsets


def word_spans(text: str, *, start: int = 0) -> tuple[I64, I64] | None:
    """``[start, end)`` offsets into ``text`` of the words of ``text[start:]`` when that body is ASCII: the
    ``starts`` and ``ends`` of ``tokenize(text, start=start)``, found with the character classes above (an
    ASCII body keeps its length when folded, so offsets into the folded body are offsets into the text).
    None for any other body, which `tokenize` handles (its offsets need the folding's map). On the native core
    the same scan in Rust."""
    body = text[start:]
    if not body.isascii():
        return None
    module = core.native()
    if module is not None:
        raw_starts, raw_ends = module.word_spans(body)
        return (
            np.frombuffer(raw_starts, dtype=np.int64) + start,
            np.frombuffer(raw_ends, dtype=np.int64) + start,
        )
    cls = _ASCII_CLASSES[np.frombuffer(folded(body).encode("ascii"), dtype=np.uint8)]
    starts, ends = _runs(_word_mask(cls))
    return starts + start, ends + start


def word_hashes_batch(texts: Sequence[str], *, starts: Sequence[int] | None = None) -> tuple[U64, I64]:
    """Word hashes of the bodies ``texts[i][starts[i]:]`` in CSR layout: ``(hashes, offsets)``.

    hashes: uint64, the words of every body in order, concatenated; offsets: int64, ``len(texts) + 1``
    entries, body ``i``'s words are ``hashes[offsets[i]:offsets[i + 1]]``. Equal, word for word, to
    ``word_hashes(tokenize(texts[i], start=starts[i]).words)``. ``starts`` defaults to zeros.
    """
    hashes, offsets, _ = word_hashes_read(texts, starts=starts)
    return hashes, offsets


def folded_bodies(
    texts: Sequence[str], *, starts: Sequence[int] | None = None, ascii_as_is: bool = False
) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """The folded bodies ``folded(texts[i][starts[i]:])`` and, per body, whether it is read in characters
    (``tokenize(...).chars``). Raises TypeError for a text that is not a str and ValueError for a bad
    ``starts``, naming the index.

    ascii_as_is: an ASCII body is left unfolded, for the native core, which folds ASCII bodies itself
    (folding is idempotent, so it reads both the same)."""
    n = len(texts)
    if starts is not None and len(starts) != n:
        raise ValueError(f"starts must have one offset per text ({n}), got {len(starts)}")
    bodies: list[str] = []
    chars = np.zeros(n, dtype=bool)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] must be a str, got {type(text).__name__}")
        body = text
        if starts is not None:
            start = starts[i]
            if not isinstance(start, int | np.integer) or not 0 <= start <= len(text):
                raise ValueError(f"starts[{i}] must be in [0, {len(text)}], got {start!r}")
            body = text[start:]
        if ascii_as_is and body.isascii():
            bodies.append(body)
            continue
        folded_body = folded(body)
        if not folded_body.isascii() and spaceless(folded_body):
            chars[i] = True
        bodies.append(folded_body)
    return bodies, chars


@functools.cache
def class_table() -> bytes:
    """`_codepoint_classes` as bytes (index = code point), the form the native core reads."""
    return _codepoint_classes().tobytes()


def _hashed(bodies: list[str], *, ascii_folded: bool = True) -> tuple[U64, I64]:
    """`_group` of folded bodies, by the native core when it is in use (the same hashes). ASCII bodies may
    come unfolded (`folded_bodies` with ``ascii_as_is``; then ``ascii_folded`` is False): the native core
    folds them, the reference here."""
    ascii = [b.isascii() for b in bodies]
    module = core.native()
    if module is not None:
        try:
            raw, raw_offsets = module.word_hashes(bodies, None if all(ascii) else class_table())
            return np.frombuffer(raw, dtype=np.uint64), np.frombuffer(raw_offsets, dtype=np.int64)
        except UnicodeError:  # a lone surrogate, which only the reference reads
            pass
    if not ascii_folded:
        bodies = [folded(b) if a else b for b, a in zip(bodies, ascii, strict=True)]
    if all(ascii) or not any(ascii):
        return _group(bodies)
    # ASCII bodies need no code-point table: hashed apart, then interleaved back.
    rows = [i for i, a in enumerate(ascii) if a]
    other = [i for i, a in enumerate(ascii) if not a]
    return _merge(
        len(bodies),
        [(rows, _group([bodies[i] for i in rows])), (other, _group([bodies[i] for i in other]))],
    )


def word_hashes_read(
    texts: Sequence[str], *, starts: Sequence[int] | None = None
) -> tuple[U64, I64, npt.NDArray[np.bool_]]:
    """`word_hashes_batch` and, per body, whether it is read in characters (``tokenize(...).chars``). On the
    native core ASCII bodies go over as they are, folded there."""
    as_is = core.native() is not None
    bodies, chars = folded_bodies(texts, starts=starts, ascii_as_is=as_is)
    return (*hashes_of(bodies, chars, ascii_folded=not as_is), chars)


def hashes_of(
    bodies: list[str], chars: npt.NDArray[np.bool_], *, ascii_folded: bool = True
) -> tuple[U64, I64]:
    """Word hashes and CSR offsets of the bodies `folded_bodies` gave (``chars``: its flags;
    ``ascii_folded``: False when it was called with ``ascii_as_is``)."""
    if not chars.any():
        return _hashed(bodies, ascii_folded=ascii_folded)
    rows = np.flatnonzero(~chars).tolist()
    char_rows = np.flatnonzero(chars).tolist()
    parts = [(char_rows, _char_group([bodies[i] for i in char_rows]))]
    if rows:
        parts.append((rows, _hashed([bodies[i] for i in rows], ascii_folded=ascii_folded)))
    return _merge(len(bodies), parts)


def _merge(n: int, parts: list[tuple[list[int], tuple[U64, I64]]]) -> tuple[U64, I64]:
    """Interleave the CSR results of disjoint groups of rows back into row order."""
    counts = np.zeros(n, dtype=np.int64)
    for rows, (_, offsets) in parts:
        counts[rows] = np.diff(offsets)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint64)
    for rows, (values, local) in parts:
        sizes = np.diff(local)
        shift = np.repeat(offsets[:-1][rows] - local[:-1], sizes)
        out[np.arange(len(values), dtype=np.int64) + shift] = values
    return out, offsets
