"""Words with their offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.text.normalize import fold

# A word: letters or digits, with inner apostrophes ("kyiv's") and inner dots ("u.s") kept, so that quote
# styles do not change the words. Hyphens split words: "pre-war" and "pre war" read the same.
WORD = re.compile(r"\w+(?:['.]\w+)*")
_WORD_SPLIT = re.compile(r"(\w+(?:['.]\w+)*)")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Folded words and their ``[start, end)`` offsets into the original text (int64 arrays)."""

    words: list[str]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str, *, start: int = 0, end: int | None = None) -> Tokens:
    """Words of ``text[start:end]``, folded (see `copydesk.text.normalize.fold`), offsets into ``text``."""
    stop = len(text) if end is None else end
    folded = fold(text[start:stop])
    # One C-level split into [gap, word, gap, word, ..., gap]; offsets come from the running sum of the
    # part lengths, so no Python code runs per word.
    parts = _WORD_SPLIT.split(folded.text)
    words = parts[1::2]
    lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    ends_all = np.cumsum(lens)
    s = (ends_all - lens)[1::2]
    e = ends_all[1::2]
    if folded.offsets is not None and len(words):
        s = folded.offsets[s]
        e = folded.offsets[e - 1] + 1
        # A folded character that came from a multi-character original ends where that original ends.
        e = np.maximum(e, s + 1)
    return Tokens(words, s + start, e + start)
