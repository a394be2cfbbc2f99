"""Words with their offsets into the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.text.normalize import fold
from copydesk.text.script import SPACELESS_LETTERS, THAI_MARKS, spaceless

# A word: letters or digits, with inner apostrophes ("kyiv's") and inner dots ("u.s") kept, so that quote
# styles do not change the words. Hyphens split words: "pre-war" and "pre war" read the same.
WORD = re.compile(r"\w+(?:['.]\w+)*")
_WORD_SPLIT = re.compile(r"(\w+(?:['.]\w+)*)")
# A word of a text read in characters (`copydesk.text.script`): one letter of a spaceless script with the
# marks written on it, or else a word as above made of the other word characters. Thai's sara am (U+0E33)
# folds (NFKC) to a mark and a vowel letter (U+0E4D U+0E32); the two stay with the letter before them, so
# that no two words share the one original character.
_OTHER = rf"[^\W{SPACELESS_LETTERS}]"
CHAR_WORD = re.compile(rf"[{SPACELESS_LETTERS}](?:\u0e4d\u0e32|[{THAI_MARKS}])*|{_OTHER}+(?:['.]{_OTHER}+)*")
_CHAR_SPLIT = re.compile(f"({CHAR_WORD.pattern})")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Folded words and their ``[start, end)`` offsets into the original text (int64 arrays).

    chars: whether the text was read in characters (`copydesk.text.script`): each Han, kana or Thai
        character is then a word.
    """

    words: list[str]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    chars: bool = False

    def __len__(self) -> int:
        return len(self.words)


def split_words(folded: str, *, chars: bool) -> list[str]:
    """The parts ``[gap, word, gap, word, ..., gap]`` of a folded text: words as `WORD` reads them, or as
    `CHAR_WORD` reads them when ``chars`` (a text read in characters, see `copydesk.text.script`)."""
    return (_CHAR_SPLIT if chars else _WORD_SPLIT).split(folded)


def tokenize(text: str, *, start: int = 0, end: int | None = None, chars: bool | None = None) -> Tokens:
    """Words of ``text[start:end]``, folded (see `copydesk.text.normalize.fold`), offsets into ``text``.

    chars: read the text in characters (`CHAR_WORD`) or not (`WORD`); None (the default) decides on the
        folded ``text[start:end]`` with `copydesk.text.script.spaceless`, so call it on a whole body.
    """
    stop = len(text) if end is None else end
    folded = fold(text[start:stop])
    # One C-level split into [gap, word, gap, word, ..., gap]; offsets come from the running sum of the
    # part lengths, so no Python code runs per word.
    by_char = spaceless(folded.text) if chars is None else chars
    parts = split_words(folded.text, chars=by_char)
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
    return Tokens(words, s + start, e + start, by_char)
