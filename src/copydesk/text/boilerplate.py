"""Credits, captions, bylines and republication footers: found and set aside, never silently deleted.

`find_credits` lists what a text says of its origin ("(AP) --", "Photo: AFP", "AFP journalists ...",
"Reuters contributed", "originally published by www.example.com"), each as a ``[start, end)`` span into the
original text. `boilerplate_kinds` labels the sentences that are not the story's running text: photo
captions spliced between paragraphs, credit lines, bylines, headings and scraper footers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from copydesk.text.sentences import Paragraph, SentenceSpan, terminated_span

# Wire and photo agencies, each with its usual spellings; the key is the name reported.
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press"),
    "Reuters": ("Reuters", "REUTERS"),
    "PA": ("PA", "Press Association", "PA News", "PA Media", "PA Wire"),
    "dpa": ("dpa", "DPA"),
    "UPI": ("UPI", "United Press International"),
    "Bloomberg": ("Bloomberg",),
    "EFE": ("EFE",),
    "ANSA": ("ANSA",),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "TASS": ("TASS", "Tass"),
    "Interfax": ("Interfax",),
    "PTI": ("PTI",),
    "IANS": ("IANS",),
    "AAP": ("AAP",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
    "Getty Images": ("Getty Images", "Getty"),
    "EPA": ("EPA", "EPA-EFE"),
}
_CANON = {alias.lower(): name for name, aliases in AGENCIES.items() for alias in aliases}
_AGENCY = "|".join(
    sorted((re.escape(a) for aliases in AGENCIES.values() for a in aliases), key=len, reverse=True)
)
_DASH = "[-\u2010-\u2015\u2212]"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # A dateline names the agency whose copy this is, known or not: "PORT ALDREN (CPA) —"
    (
        "dateline",
        re.compile(
            rf"^[ \t\x19]*[A-Z][A-Z .'-]{{1,40}}(?:,[ \t]*[A-Z][\w .'-]{{1,30}})?[ \t]*\(([A-Z][A-Za-z]{{1,11}})\)"
            rf"[ \t]*{_DASH}{{1,2}}",
            re.MULTILINE,
        ),
    ),
    # "KYIV, Ukraine (AP) --", "LONDON (Reuters) -"
    ("agency", re.compile(rf"\(({_AGENCY})\)\s*{_DASH}{{1,2}}")),
    # "AFP journalists in Kyiv heard", "Reuters reported"
    (
        "agency",
        re.compile(
            rf"\b({_AGENCY})(?:'s)? (?:journalists?|reporters?|correspondents?|photographers?|staff|"
            r"understands|has learned|learned|reported|reports|said it|news agency)\b"
        ),
    ),
    # "told AFP", "according to Reuters", "news agency AFP"
    (
        "agency",
        re.compile(
            rf"\b(?:told|according to|reported by|quoted by|speaking to|in an interview with|news agency)\s+"
            rf"(?:the\s+)?({_AGENCY})\b"
        ),
    ),
    # "(c) 2024 AFP", "Copyright Reuters"
    ("agency", re.compile(rf"(?:©|\([cC]\)|\bCopyright)\s*(?:\d{{4}}\s*)?({_AGENCY})\b")),
    # "Photo: AFP", "Picture: Getty Images", "(Photo by X/AFP)"
    (
        "photo",
        re.compile(
            r"\b(?:Photo|Photograph|Picture|Pic|Image|Credit)s?(?: by)?\s*:\s*"
            r"([A-Z][\w.&'/ -]{0,40}?)[ \t]*(?=$|[.;)\n|])",
            re.MULTILINE,
        ),
    ),
    ("photo", re.compile(rf"\b({_AGENCY})\s*(?:/|via)\s*(?:Getty Images|{_AGENCY})\b")),
    # "Reuters contributed to this report", "Additional reporting by Jane Doe"
    (
        "contributed",
        re.compile(
            rf"\b({_AGENCY}|[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){{0,3}}) contributed(?: to)?(?: this)?"
            r"(?: report(?:ing)?| story| article)?"
        ),
    ),
    (
        "contributed",
        re.compile(r"\b(?:Additional reporting|Reporting|Writing|Editing|Compiled) by\s+([^\n;.]{2,80})"),
    ),
    # "This article was originally published by a www.dailymail.co.uk . Read the Original article here."
    (
        "footer",
        re.compile(
            r"(?i:\bThis (?:article|story|post|piece) (?:was |is )?)?(?i:\b(?:originally|first) "
            r"(?:published|appeared|posted) (?:by|on|in|at) (?:an? |the )?)"
            # a web address, or a name of up to four capitalised words ("The Daily Ledger")
            r"((?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?(?<![./])|[A-Z][\w&'-]*(?: [A-Z][\w&'-]*){0,3})",
        ),
    ),
    (
        "footer",
        re.compile(r"\bRead (?:the )?(?:original|full) (?:article|story)(?: here| at| on)?[^\n]*", re.I),
    ),
    # "By Stephen Howard, PA News"
    ("byline", re.compile(rf"^\W*By ([A-Z][\w.'-]+(?: [A-Z][\w.'-]+){{0,3}})(?:,\s*({_AGENCY}))?\W*$", re.M)),
)
# Every dateline match holds this: "(AP) -" and the like.
_DATELINE_CORE = re.compile(rf"\([A-Z][A-Za-z]{{1,11}}\)[ \t]*{_DASH}")
_CONTRIBUTED = _PATTERNS[7][1]
_DATELINE = _PATTERNS[0][1]
# Where a known agency name may begin (`_AGENCY` without the ``\b`` around it, which keeps re from skipping
# ahead to the possible first letters and makes the search five times slower).
_AGENCY_START = re.compile(rf"(?:{_AGENCY})")
_AGENCY_END = re.compile(rf"(?:{_AGENCY})\b")
# For the patterns that open with ``\b`` and a list of words, where they may begin (see `_anchored`): True,
# where `_AGENCY_START` matches, found once for the text (`_Probe.agency_starts`); a tuple, where one of
# those strings is (each word of the pattern has one of them at its start: "Photograph" has "Photo").
_ANCHORS: tuple[tuple[str, ...] | Literal[True] | None, ...] = (
    None,
    None,
    True,
    (
        "told",
        "according to",
        "reported by",
        "quoted by",
        "speaking to",
        "in an interview with",
        "news agency",
    ),
    None,
    ("Photo", "Pic", "Image", "Credit"),
    True,
    None,
    None,
    None,
    None,
    None,
)


class _Probe:
    """What the gates of `find_credits` ask of one text, each found at most once.

    A regular-expression search over a news text costs about ten times a substring search, and a
    single-character one a twentieth of that, so the gates ask for literal strings, the rarest and cheapest
    first.
    """

    __slots__ = ("_agency", "_starts", "ascii", "lower", "start", "text")

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.start = start
        self.lower = text[start:].lower()
        self.ascii = self.lower.isascii()
        self._starts: list[int] | None = None
        self._agency: bool | None = None

    def has(self, *strings: str) -> bool:
        """Whether one of ``strings`` is in ``text[start:]`` (case matters)."""
        return any(self.text.find(g, self.start) >= 0 for g in strings)

    def low(self, *strings: str) -> bool:
        """Whether one of the lower-case ``strings`` is in the lower-cased ``text[start:]``."""
        return any(g in self.lower for g in strings)

    def ascii_low(self, *strings: str) -> bool:
        """`low` when the text is ASCII (then lower case is exactly what a case-blind pattern compares), else
        True: a necessary condition for a case-blind pattern made of those strings."""
        return not self.ascii or self.low(*strings)

    def agency_starts(self) -> list[int]:
        """Every offset of ``text[start:]`` where `_AGENCY_START` matches, ascending (one pass over the text)."""
        if self._starts is None:
            self._starts = []
            m = _AGENCY_START.search(self.text, self.start)
            while m is not None:
                self._starts.append(m.start())
                m = _AGENCY_START.search(self.text, m.start() + 1)
        return self._starts

    @property
    def agency(self) -> bool:
        """Whether ``\b(?:{_AGENCY})\b`` matches in ``text[start:]``: a known agency is named."""
        if self._agency is None:
            text = self.text
            self._agency = any(
                (i == 0 or _WORD_CHAR.match(text, i - 1) is None) and _AGENCY_END.match(text, i) is not None
                for i in self.agency_starts()
            )
        return self._agency


# One gate per pattern in `_PATTERNS` order: a condition that every match of the pattern meets, checked
# before the pattern runs. Most articles carry no credit at all, and most fail every gate.
_GATES: tuple[Callable[[_Probe], bool], ...] = (
    # dateline
    lambda p: p.has("(") and _DATELINE_CORE.search(p.text, p.start) is not None,
    # the four agency patterns: each names an agency between word boundaries (the photo one, "AFP/Getty",
    # almost always: the gate is part of what it finds)
    lambda p: p.agency,
    lambda p: p.agency,
    lambda p: p.agency,
    # "(c) 2024 AFP": where an agency name may begin, and one of the marks as the pattern has them
    lambda p: bool(p.agency_starts()) and (p.has("\N{COPYRIGHT SIGN}", "Copyright") or p.low("(c)")),
    # "Photo: AFP": a colon and one of the words, written as the pattern has them
    lambda p: p.has(":") and p.has("Photo", "Pic", "Image", "Credit"),
    lambda p: p.agency,
    # "Reuters contributed": `_before_contributed` looks for " contributed" itself
    lambda p: True,
    lambda p: (
        p.has("ing by", "Compiled by")
        and p.has("reporting by", "Reporting by", "Writing by", "Editing by", "Compiled by")
    ),
    # "originally published by ..." (case-blind)
    lambda p: (
        p.ascii_low("originally ", "first ")
        and p.low("published", "appeared", "posted")
        and p.ascii_low(
            *(f"{a} {b}" for a in ("originally", "first") for b in ("published", "appeared", "posted"))
        )
    ),
    lambda p: (
        p.low("read ") and p.ascii_low("read original", "read full", "read the original", "read the full")
    ),
    # byline: "By " as written
    lambda p: p.has("By "),
)
_WORD_CHAR = re.compile(r"\w")
_CAPTION_WORDS = 50
_CAPTION_INSIDE = re.compile(r"(?<=[.!?] )(?:Picture|Pictured|Photo|Photograph|Image)\s*:")
_CAPTION_START = re.compile(
    r"^\W*(?:Picture|Pictured|Photo|Photograph|Image|Above|Top|Left|Right|Inset)\s*:", re.I
)
# In a lower-cased ASCII text, found wherever `_CAPTION_START` or `_CAPTION_INSIDE` would match (the same
# words, anywhere). Not re.I: a case-blind alternation is several times slower to search.
_CAPTION_ANY = re.compile(r"(?:picture|pictured|photo|photograph|image|above|top|left|right|inset)\s*:")


@dataclass(frozen=True, slots=True)
class CreditSpan:
    """A credit found in a text: kind (see `copydesk.model.Credit`), who is named, ``[start, end)``."""

    kind: str
    name: str | None
    start: int
    end: int


def canonical_agency(name: str | None) -> str | None:
    """The agency a name stands for ("Agence France-Presse" -> "AFP"), or None if it is no known agency."""
    if name is None:
        return None
    return _CANON.get(name.strip().lower())


def _name(kind: str, m: re.Match[str]) -> str | None:
    groups = [g for g in m.groups() if g]
    if not groups:
        return None
    if kind == "byline" and len(groups) > 1:
        return canonical_agency(groups[1]) or groups[1]
    raw = groups[0].strip().rstrip(".")
    return canonical_agency(raw) or raw


def _anchored(
    pattern: re.Pattern[str], starts: Iterable[int], text: str, start: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start)`` for a pattern whose every match begins at one of ``starts``
    (ascending): the pattern is tried only there (re cannot skip ahead past a leading ``\b`` by itself)."""
    pos = start
    for at in starts:
        if at < pos:
            continue
        m = pattern.match(text, at)
        if m is not None:
            yield m
            pos = m.end()


def _occurrences(strings: tuple[str, ...], text: str, start: int) -> list[int]:
    """Every offset of ``text[start:]`` where one of ``strings`` begins, ascending (a substring search per
    string: a tenth of the cost of one search for their alternation, which re runs a character at a time)."""
    found: set[int] = set()
    for g in strings:
        at = text.find(g, start)
        while at >= 0:
            found.add(at)
            at = text.find(g, at + 1)
    return sorted(found)


def _before_contributed(text: str, start: int) -> int:
    """Where `_CONTRIBUTED` can first match in ``text[start:]``: its name (letters, digits, ``_.'-`` and
    spaces) runs up to " contributed", so not before the run of such characters ending at the first
    " contributed"; -1 when there is none."""
    at = text.find(" contributed", start)
    if at < 0:
        return -1
    while at > start and (text[at - 1].isalnum() or text[at - 1] in "_.'- "):
        at -= 1
    return at


def find_credits(text: str, *, start: int = 0) -> list[CreditSpan]:
    """Credits in ``text[start:]``, sorted by offset, overlapping finds of one kind merged."""
    found: list[CreditSpan] = []
    probe = _Probe(text, start)
    for (kind, pattern), gate, anchor in zip(_PATTERNS, _GATES, _ANCHORS, strict=True):
        if not gate(probe):
            continue
        pos = start
        if pattern is _CONTRIBUTED:
            pos = _before_contributed(text, start)
            if pos < 0:
                continue
        if anchor is None:
            matches: Iterable[re.Match[str]] = pattern.finditer(text, pos)
        else:
            starts = _occurrences(anchor, text, pos) if isinstance(anchor, tuple) else probe.agency_starts()
            matches = _anchored(pattern, starts, text, pos)
        for m in matches:
            name = _name(kind, m)
            if kind == "photo" and name is not None and len(name.split()) > 5:
                continue  # "Picture: Tracers are seen in the night sky ..." is a caption, not a credit
            if kind == "footer" and m.group().lower().startswith("read"):
                name = None
            found.append(CreditSpan(kind, name, m.start(), m.end()))
    found.sort(key=lambda c: (c.start, -c.end))
    merged: list[CreditSpan] = []
    for c in found:
        if merged and c.start < merged[-1].end and (c.kind == merged[-1].kind or c.end <= merged[-1].end):
            continue
        merged.append(c)
    return merged


def boilerplate_kinds(
    text: str,
    paragraphs: list[Paragraph],
    sentences: list[SentenceSpan],
    credits: list[CreditSpan],
) -> list[str | None]:
    """For each sentence: ``caption``, ``credit``, ``byline``, ``heading``, ``footer``, or None for body text.

    A paragraph is a caption when it opens with "Picture:" or the like, when it carries a photo credit, or
    when it lacks the final punctuation of running prose in a text whose other paragraphs have it (photo
    captions spliced between paragraphs by scrapers read exactly so). Unterminated paragraphs before the
    first prose paragraph are headings.
    """
    para_kind = paragraph_kinds(text, paragraphs, credits)
    kinds: list[str | None] = []
    footer_from: dict[int, int] = {}
    for s in sentences:
        if _credit_in(credits, "footer", s.start, s.end) is not None:
            footer_from.setdefault(s.paragraph, s.start)
    for s in sentences:
        kind = para_kind[s.paragraph] if s.paragraph < len(para_kind) else None
        if s.paragraph in footer_from and s.start >= footer_from[s.paragraph]:
            kind = "footer"
        elif kind is None:
            photo = _credit_in(credits, "photo", s.start, s.end)
            if photo is not None and (photo.end - photo.start) >= 0.6 * (s.end - s.start):
                kind = "credit"
            elif _CAPTION_START.match(text[s.start : s.end]):
                kind = "caption"
        kinds.append(kind)
    return kinds


def may_mark_sentences(folded: str, credits: list[CreditSpan]) -> bool:
    """False when `boilerplate_kinds` surely gives every sentence its paragraph's kind: no footer and no photo
    credit (the only credits that mark a sentence on its own; the others only mark paragraphs, the same
    way in both), and no caption opening ("Picture:", "Left:", ...) anywhere in the body.

    folded: the body folded (`copydesk.text.normalize.fold`), which must be ASCII and as long as the original
    body (then it has the same letters and spaces, lower-cased).
    """
    if any(c.kind in _MARK_SENTENCES for c in credits):
        return True
    # Every caption opening ends in a colon: a text without one needs no search (the search costs 20 us).
    return ":" in folded and _CAPTION_ANY.search(folded) is not None


_MARK_SENTENCES = frozenset({"footer", "photo"})


def _caption_opening(body: str) -> bool:
    return _CAPTION_START.match(body) is not None or _CAPTION_INSIDE.search(body) is not None


def _credit_in(credits: list[CreditSpan], kind: str, start: int, end: int) -> CreditSpan | None:
    return next((c for c in credits if c.kind == kind and c.start < end and c.end > start), None)


def paragraph_kinds(
    text: str, paragraphs: list[Paragraph], credits: list[CreditSpan], *, openings: bool = True
) -> list[str | None]:
    """The kind `boilerplate_kinds` starts each paragraph's sentences from: ``byline``, ``caption``,
    ``heading``, or None for body text (see there).

    openings: False when the text surely has no caption opening (`may_mark_sentences` said so): the
    paragraphs are then not searched for one.
    """
    terminated = [terminated_span(text, p.start, p.end) for p in paragraphs]
    prose = sum(terminated) >= 2 and sum(terminated) >= 0.4 * len(paragraphs)
    first_prose = next((i for i, t in enumerate(terminated) if t), len(paragraphs))
    bylines = [c for c in credits if c.kind == "byline"]
    photos = [c for c in credits if c.kind == "photo"]

    para_kind: list[str | None] = []
    for i, p in enumerate(paragraphs):
        kind: str | None = None
        byline = _credit_in(bylines, "byline", p.start, p.end) if bylines else None
        if byline is not None and byline.end - byline.start >= 0.8 * (p.end - p.start):
            kind = "byline"
        elif (openings and _caption_opening(text[p.start : p.end])) or (
            photos and _credit_in(photos, "photo", p.start, p.end)
        ):
            kind = "caption"
        elif not terminated[i] and prose and len(text[p.start : p.end].split()) <= _CAPTION_WORDS:
            # Short and unterminated among prose paragraphs: a spliced caption. A long one is running text
            # cut short (an excerpt, a truncated page), and stays body.
            kind = "heading" if i < first_prose else "caption"
        para_kind.append(kind)
    return para_kind
