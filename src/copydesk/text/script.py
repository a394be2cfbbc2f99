"""Texts written without spaces between words: Chinese, Japanese and Thai.

The word pattern of `copydesk.text.tokens` reads a run of letters as one word, which in these scripts is a
whole clause or sentence: two copies of a Chinese article would share almost no word shingle. So each
article is classed once, on its folded body (`spaceless`): when at least `SPACELESS_SHARE` of its letters
are Han, Hiragana, Katakana or Thai, each character of those scripts is a word of its own (a Thai
character with its combining vowel and tone marks), and the word shingles become character n-grams. A run
of other letters or digits inside such a text (a Latin name, a figure) stays one word, as it is elsewhere.

The class is per article, not per character, so that a Latin text quoting a Chinese name keeps exactly the
words (and so the fingerprints an index holds) it had before, and a Chinese text is read the same way
whichever Latin words it contains. Korean is not here: it is written with spaces between words.
"""

from __future__ import annotations

import re

SPACELESS_SHARE = 0.3
"""Share of an article's letters, in [0, 1], from which it is read in characters (see the module doc).
Chinese and Japanese news run far above it (Latin names and acronyms count one letter per letter, a Han
character one), a Latin text quoting a few Chinese characters far below."""

# Letters of the scripts read in characters, each a word character of re's ``\w`` (the tests check this).
# Han: unified ideographs, extension A, compatibility ideographs, the supplementary planes' extensions,
# and the iteration and closing marks 々 〆 〇. Kana: hiragana and katakana with the prolonged sound mark ー
# and the iteration marks; the small katakana extension. Thai: consonants and the vowels that are letters
# (not its digits, which read as digits do elsewhere, nor the baht sign).
_HAN = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
_THAI = "\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46"
SPACELESS_LETTERS = _HAN + _KANA + _THAI
"""The characters read as words on their own in a spaceless text, as a regex character-class body."""

# Thai vowel signs and tone marks written above or below their consonant (category Mn, so not in ``\w``):
# they belong to the character before them.
THAI_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"

_ANY_SPACELESS = re.compile(f"[{SPACELESS_LETTERS}]")
_LETTER = re.compile(r"[^\W\d_]")


def spaceless(folded: str) -> bool:
    """Whether the folded body ``folded`` is read in characters: at least `SPACELESS_SHARE` of its letters
    (characters of ``\\w`` that are not digits or ``_``) are in `SPACELESS_LETTERS`. An ASCII text, or one
    without such a letter, is decided without counting."""
    if folded.isascii() or _ANY_SPACELESS.search(folded) is None:
        return False
    chars = len(_ANY_SPACELESS.findall(folded))
    letters = len(_LETTER.findall(folded))
    return chars >= SPACELESS_SHARE * letters
