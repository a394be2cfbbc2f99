"""Text folding with an offset map back to the original.

Folding: Unicode NFKC, typographic quotes to ``'`` and ``"``, dashes to ``-``, exotic spaces to `` ``, lower
case. Whitespace is not collapsed here (tokens ignore it), so in the common case the folded text has the same
length as the original and the offset map is the identity.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_QUOTES_SINGLE = "‘’‚‛′`´ʼ＇"
_QUOTES_DOUBLE = "“”„‟″«»〝〞＂"
_DASHES = "‐‑‒–—―−﹘﹣－"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_FOLD = str.maketrans(
    {
        **dict.fromkeys(_QUOTES_SINGLE, "'"),
        **dict.fromkeys(_QUOTES_DOUBLE, '"'),
        **dict.fromkeys(_DASHES, "-"),
        **dict.fromkeys(_SPACES, " "),
    }
)

FOLD_TABLE: dict[int, str] = _FOLD
"""The ``str.translate`` table of the folding (code point -> replacement): typographic quotes, dashes and
exotic spaces, each one character to one character. Read it, never change it."""


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text and, when its length differs from the original, the map back.

    offsets: None when position ``i`` of ``text`` is position ``i`` of the original; otherwise an int64
        array of ``len(text) + 1`` entries, ``offsets[i]`` the original offset of folded character ``i``
        (the last entry is the original length, so that end offsets map too).
    """

    text: str
    offsets: npt.NDArray[np.int64] | None

    def to_original(self, i: int) -> int:
        return i if self.offsets is None else int(self.offsets[i])


def _fold_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c).translate(_FOLD).lower()


def fold(text: str) -> Folded:
    """Fold ``text`` for comparison; see the module docstring. Offsets map back into ``text``."""
    t = text.translate(_FOLD)
    if t.isascii():
        return Folded(t.lower(), None)
    if unicodedata.is_normalized("NFKC", t):
        low = t.lower()
        if len(low) == len(t):
            return Folded(low, None)
    # Character by character, so each folded character knows where it came from. NFKC on a lone character
    # cannot compose a base letter with a following combining mark; those stay as two characters, which
    # the word pattern still reads as one word.
    parts: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c)
        parts.append(f)
        offsets.extend([i] * len(f))
    offsets.append(len(text))
    return Folded("".join(parts), np.asarray(offsets, dtype=np.int64))


def fold_string(text: str) -> str:
    """Folded text only (no offset map), for keys and look-ups."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()
