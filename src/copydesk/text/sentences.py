"""Paragraphs and sentences as ``[start, end)`` offsets into the original text.

Line breaks are read two ways. In hard-wrapped text (wire copy at about 72 columns, such as Press
Association files) a single line break is a space and paragraphs end at blank lines, at lines ending in
PA's ``<`` marker, or before indented lines. Elsewhere every line break ends a paragraph (scraped pages
often put one paragraph per line with no blank line between).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st sr jr gen col lt sgt capt cpl maj adm gov sen rep rev hon pres supt insp det jan
    feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun inc ltd co corp
    plc llc bros no nos vs v etc al fig ft approx est dept univ ave rd blvd mt u.s u.k u.n e.g i.e a.m p.m""".split()
)
# A sentence ends at . ! ? or an ellipsis, then optional closing quotes or brackets, then space, then
# something that can open a sentence.
_BOUNDARY = re.compile(r"""(?<=[.!?…])['"’”)\]]*\s+(?=['"‘“(\[]*[A-Z0-9À-Ý])""")
# Chinese and Japanese end a sentence with a full-width full stop, exclamation or question mark, closing
# brackets and quotes after it staying with the sentence, and no space before the next one (which has no
# capital to show it). The boundary is the empty place after them; spaces there are skipped. A quotation
# closed after its stop and followed by hiragana goes on (Japanese 「また来たい！」と言った: "she said").
_CJK_STOPS = "。！？"
_CJK_CLOSERS = "」』）】》〉”’\"')"
_CJK_BOUNDARY = re.compile(
    rf"(?:(?<=[{_CJK_STOPS}])|(?<=[{_CJK_STOPS}][{_CJK_CLOSERS}])(?![\u3041-\u309f]))"
    rf"\s*(?=[^\s{_CJK_STOPS}{_CJK_CLOSERS}])"
)
_TRIM = " \t\r\n\x0b\x0c\x19<|"
_TERMINAL = frozenset(".!?…'\"’”)]:" + _CJK_STOPS + _CJK_CLOSERS)
# A letter or digit (what ``str.isalnum`` accepts: re's ``\w`` is exactly that and ``_``).
_ALNUM = re.compile(r"[^\W_]")
# In hard-wrapped copy, a line opening with one of these starts a paragraph.
_INDENT = frozenset(" \t\x19")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence: ``[start, end)`` into the original text, and the index of its paragraph."""

    start: int
    end: int
    paragraph: int


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _is_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether single line breaks are soft: hard-wrapped wire copy rather than a paragraph per line."""
    lengths = [e - s for s, e in lines if e > s]
    if len(lengths) < 3 or max(lengths) > 100:
        return False
    # Chinese and Japanese lines are short in characters whether or not they are wrapped; a text whose
    # lines mostly end at a full-width stop has a paragraph per line (wrapping cuts at any character).
    stops = sum(
        1 for s, e in lines if e > s and text[s:e].rstrip().endswith(tuple(_CJK_STOPS + _CJK_CLOSERS))
    )
    if 2 * stops >= len(lengths):
        return False
    if any(text[s:e].rstrip().endswith("<") for s, e in lines):
        return True  # PA's end-of-paragraph marker
    breaks = mid = 0
    for (s0, e0), (s1, e1) in itertools.pairwise(lines):
        if e0 > s0 and e1 > s1:
            breaks += 1
            if not terminated_span(text, s0, e0) and text[s1:e1].lstrip(_TRIM)[:1].islower():
                mid += 1
    widest = max(lengths)
    near_margin = sum(1 for n in lengths if n >= 0.75 * widest)
    return near_margin >= 0.5 * len(lengths) or (breaks > 0 and mid >= 0.2 * breaks)


def paragraphs(text: str, *, start: int = 0) -> list[Paragraph]:
    """Paragraphs of ``text[start:]``, trimmed of white space and wire markers, empty ones left out."""
    parts = text[start:].split("\n")
    starts = list(itertools.accumulate([len(line) + 1 for line in parts], initial=start))
    lines = [(s, s + len(line)) for s, line in zip(starts, parts, strict=False)]  # starts: one more
    wrapped = _is_wrapped(text, lines)
    out: list[Paragraph] = []
    cur_start = -1  # the open paragraph's first line starts here; -1: none is open
    cur_end = 0

    # Each line is read from ``parts`` (already split out) and the open paragraph through offsets, so no
    # line or paragraph is copied again: this runs once for every indexed article.
    for line, (s, e) in zip(parts, lines, strict=True):
        if not line[:1].isalnum() and _ALNUM.search(line) is None:
            # Blank lines and rules such as "-----" end a paragraph and belong to none.
            if cur_start >= 0:
                _close(text, cur_start, cur_end, out)
                cur_start = -1
            continue
        if cur_start >= 0 and (
            line[0] in _INDENT
            if wrapped
            else terminated_span(text, cur_start, cur_end) or not line.lstrip(_TRIM)[:1].islower()
        ):
            _close(text, cur_start, cur_end, out)
            cur_start = -1
        if cur_start < 0:
            cur_start = s
        cur_end = e
        if wrapped and line.rstrip().endswith("<"):
            _close(text, cur_start, cur_end, out)
            cur_start = -1
    if cur_start >= 0:
        _close(text, cur_start, cur_end, out)
    return out


def _close(text: str, start: int, end: int, out: list[Paragraph]) -> None:
    """Append the paragraph ``text[start:end]``, trimmed, unless nothing is left of it."""
    s, e = _trim(text, start, end)
    if e > s:
        out.append(Paragraph(s, e))


def terminated_span(text: str, start: int, end: int) -> bool:
    """``is_terminated(text[start:end])``, without the copy."""
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return end > start and text[end - 1] in _TERMINAL


def _ends_abbreviation(text: str, end: int) -> bool:
    """Whether the period just before ``end`` closes an abbreviation or an initial ("Mr.", "J.")."""
    i = end - 1
    while i >= 0 and text[i] in "'\"’”)]":
        i -= 1
    if i < 0 or text[i] != ".":
        return False
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:i].lower()
    return (len(word) == 1 and word.isalpha()) or word in _ABBREVIATIONS


def _boundaries(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Sentence boundaries in ``text[start:end]``, in order: `_BOUNDARY`, and `_CJK_BOUNDARY` where the
    paragraph holds a full-width stop (so that a text without one is split exactly as it always was)."""
    found = list(_BOUNDARY.finditer(text, start, end))
    if any(c in text[start:end] for c in _CJK_STOPS):
        found.extend(_CJK_BOUNDARY.finditer(text, start, end))
        found.sort(key=lambda m: m.start())
    return found


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one paragraph ``text[start:end]`` as trimmed ``(start, end)`` pairs."""
    out: list[tuple[int, int]] = []
    s = start
    for m in _boundaries(text, start, end):
        if _ends_abbreviation(text, m.start()):
            continue
        a, b = _trim(text, s, m.start())
        if b > a:
            out.append((a, b))
        s = m.end()
    a, b = _trim(text, s, end)
    if b > a:
        out.append((a, b))
    return out


def sentences(text: str, *, start: int = 0, paras: list[Paragraph] | None = None) -> list[SentenceSpan]:
    """Sentences of ``text[start:]`` with their paragraph index.

    paras: ``paragraphs(text, start=start)`` when the caller has them already (they are not computed again).
    """
    out: list[SentenceSpan] = []
    for k, p in enumerate(paragraphs(text, start=start) if paras is None else paras):
        for a, b in split_sentences(text, p.start, p.end):
            out.append(SentenceSpan(a, b, k))
    return out


def is_terminated(text: str) -> bool:
    """Whether a paragraph ends the way running prose does (full stop, question mark, closing quote...)."""
    return terminated_span(text, 0, len(text))
