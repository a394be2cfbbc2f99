"""Credits, captions, bylines and republication footers: found and set aside, never silently deleted.

`find_credits` lists what a text says of its origin ("(AP) --", "Photo: AFP", "AFP journalists ...",
"Reuters contributed", "originally published by www.example.com"), each as a ``[start, end)`` span into the
original text. `boilerplate_kinds` labels the sentences that are not the story's running text: photo
captions spliced between paragraphs, credit lines, bylines, headings and scraper footers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from copydesk.text.sentences import Paragraph, SentenceSpan, is_terminated

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
# Cheap gates, one per pattern in `_PATTERNS` order: the pattern runs only when one of these lower-case
# strings is in the text ("agency": when a known agency name is). Most articles carry no credit at all.
_GATES: tuple[tuple[str, ...], ...] = (
    ("(",),
    ("agency",),
    ("agency",),
    ("agency",),
    ("©", "(c)", "copyright"),
    ("photo", "picture", "pic", "image", "credit"),
    ("agency",),
    ("contributed",),
    ("reporting by", "writing by", "editing by", "compiled by"),
    ("published", "appeared", "posted"),
    ("read ",),
    ("by ",),
)
# Stricter gates, checked after those: strings of which every match contains one, in the text itself (the
# pattern is case-sensitive) or, for the case-blind patterns, in the lower-cased text when it is ASCII (then
# lower case is exactly what the pattern's case blindness compares). None: no such gate. Common words such
# as "by" and "published" let most texts through the first gates; these let few.
_EXACT: tuple[tuple[str, ...] | None, ...] = (
    None,
    None,
    None,
    None,
    None,
    ("Photo", "Pic", "Image", "Credit"),
    None,
    None,
    ("reporting by", "Reporting by", "Writing by", "Editing by", "Compiled by"),
    None,
    None,
    ("By ",),
)
_ASCII_LOWER: tuple[tuple[str, ...] | None, ...] = (
    *(None,) * 9,
    tuple(f"{a} {b}" for a in ("originally", "first") for b in ("published", "appeared", "posted")),
    ("read original", "read full", "read the original", "read the full"),
    None,
)
# Every dateline match holds this: "(AP) -" and the like.
_DATELINE_CORE = re.compile(rf"\([A-Z][A-Za-z]{{1,11}}\)[ \t]*{_DASH}")
# `\b(?:{_AGENCY})\b` without its leading `\b` (which stops re from skipping ahead to the possible first
# letters, five times slower): `_mentions_agency` checks that boundary itself.
_CONTRIBUTED = _PATTERNS[7][1]
_DATELINE = _PATTERNS[0][1]
# For the patterns that open with ``\b`` and a list of words, those words alone (see `_anchored`).
_AGENCY_START = re.compile(rf"(?:{_AGENCY})")
_ANCHORS: tuple[re.Pattern[str] | None, ...] = (
    None,
    None,
    _AGENCY_START,
    re.compile(r"(?:told|according to|reported by|quoted by|speaking to|in an interview with|news agency)"),
    None,
    re.compile(r"(?:Photo|Photograph|Picture|Pic|Image|Credit)"),
    _AGENCY_START,
    None,
    None,
    None,
    None,
    None,
)
_AGENCY_END = re.compile(rf"(?:{_AGENCY})\b")
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
    pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, start: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, start)`` for a pattern whose every match begins where ``anchor`` matches: the
    pattern is tried only there (re cannot skip ahead past a leading ``\b`` by itself)."""
    pos = start
    while (a := anchor.search(text, pos)) is not None:
        m = pattern.match(text, a.start())
        if m is None:
            pos = a.start() + 1
        else:
            yield m
            pos = max(m.end(), a.start() + 1)


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


def _mentions_agency(text: str, start: int) -> bool:
    """Whether ``\b(?:{_AGENCY})\b`` matches in ``text[start:]``."""
    m = _AGENCY_END.search(text, start)
    while m is not None:
        i = m.start()
        if i == 0 or _WORD_CHAR.match(text, i - 1) is None:
            return True
        m = _AGENCY_END.search(text, i + 1)  # an agency may begin inside this match ("xEPA-EFE")
    return False


def find_credits(text: str, *, start: int = 0) -> list[CreditSpan]:
    """Credits in ``text[start:]``, sorted by offset, overlapping finds of one kind merged."""
    found: list[CreditSpan] = []
    lower = text[start:].lower()
    agency = _mentions_agency(text, start)
    ascii_lower = lower.isascii()
    for (kind, pattern), gate, anchor, exact, low in zip(
        _PATTERNS, _GATES, _ANCHORS, _EXACT, _ASCII_LOWER, strict=True
    ):
        if not (agency if gate == ("agency",) else any(g in lower for g in gate)):
            continue
        if exact is not None and not any(text.find(g, start) >= 0 for g in exact):
            continue
        if low is not None and ascii_lower and not any(g in lower for g in low):
            continue
        if pattern is _DATELINE and _DATELINE_CORE.search(text, start) is None:
            continue
        pos = start
        if pattern is _CONTRIBUTED:
            pos = _before_contributed(text, start)
            if pos < 0:
                continue
        for m in pattern.finditer(text, pos) if anchor is None else _anchored(pattern, anchor, text, pos):
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
    terminated = [is_terminated(text[p.start : p.end]) for p in paragraphs]
    prose = sum(terminated) >= 2 and sum(terminated) >= 0.4 * len(paragraphs)
    first_prose = next((i for i, t in enumerate(terminated) if t), len(paragraphs))

    def credit_in(kind: str, start: int, end: int) -> CreditSpan | None:
        return _credit_in(credits, kind, start, end)

    para_kind: list[str | None] = []
    for i, p in enumerate(paragraphs):
        body = text[p.start : p.end]
        kind: str | None = None
        byline = credit_in("byline", p.start, p.end)
        if byline is not None and byline.end - byline.start >= 0.8 * (p.end - p.start):
            kind = "byline"
        elif (openings and (_CAPTION_START.match(body) or _CAPTION_INSIDE.search(body))) or credit_in(
            "photo", p.start, p.end
        ):
            kind = "caption"
        elif not terminated[i] and prose and len(body.split()) <= _CAPTION_WORDS:
            # Short and unterminated among prose paragraphs: a spliced caption. A long one is running text
            # cut short (an excerpt, a truncated page), and stays body.
            kind = "heading" if i < first_prose else "caption"
        para_kind.append(kind)
    return para_kind
