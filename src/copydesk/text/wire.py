"""Wire transmission headers: which wire story a text is a part of.

A news agency sends a story in parts and versions: takes ("Page 1", "Page 2", ...), a substitute that
replaces a take, a night lead that rewrites the story for the morning papers. Each carries the story's
slug (catchline) in its transmission header, as the Press Association's wire did::

    16:54 01/03/00: Page 1 (ZSM) COURTS Burstein

(time, date DD/MM/YY, take number, desk code, slug). Parts of one story need not share a sentence, yet they
are one wire text: `wire_header` reads the header, and `WireHeader.story_key` names the story all its parts
and versions share: the date and the slug without the words that only name a version ("Substitute",
"Nightlead", ...).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# How far into a text a transmission header is looked for (it opens the text, after separator lines).
_HEAD = 600
_PA_HEADER = re.compile(
    r"^[ \t]*(\d{1,2}:\d{2})[ \t]+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4}):[ \t]+Page[ \t]+(\d{1,3})[ \t]+"
    r"\(([A-Z0-9]{1,6})\)[ \t]+(\S[^\n]{0,80}?)[ \t]*$",
    re.MULTILINE,
)
# Slug words that name a version, a take or a companion piece of a story, not the story (PA usage).
VERSION_WORDS = frozenset(
    {
        "substitute",
        "sub",
        "nightlead",
        "newlead",
        "writethru",
        "update",
        "updated",
        "correction",
        "corrected",
        "repeat",
        "urgent",
        "snap",
        "snapfull",
        "flash",
        "advisory",
        "background",
    }
)


@dataclass(frozen=True, slots=True)
class WireHeader:
    """A wire transmission header: its time ("HH:MM" as written), date, take number (>= 1), desk code and
    slug as written; ``start`` and ``end`` are the header line's offsets in the text (half-open)."""

    time: str
    date: dt.date
    page: int
    desk: str
    slug: str
    start: int
    end: int

    @property
    def sent(self) -> dt.datetime | None:
        """When the part was sent: the header's date and time (naive, the agency's clock), or None when the
        time is no time of day."""
        hours, minutes = (int(x) for x in self.time.split(":"))
        if hours > 23 or minutes > 59:
            return None
        return dt.datetime.combine(self.date, dt.time(hours, minutes))

    @property
    def story_key(self) -> str:
        """The date and the slug's words but version words, lower case: equal for the takes and versions of
        one wire story ("2000-03-01 courts burstein")."""
        words = [w for w in re.findall(r"[\w'-]+", self.slug.lower()) if w not in VERSION_WORDS]
        return " ".join([self.date.isoformat(), *words])


def wire_header(text: str) -> WireHeader | None:
    """The transmission header opening ``text`` (within its first 600 characters), or None."""
    head = text[:_HEAD]
    if "Page" not in head:
        return None
    m = _PA_HEADER.search(head)
    if m is None:
        return None
    time, day, month, year, page, desk, slug = m.groups()
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 70 else 1900  # the wire's two-digit years: 1970-2069
    try:
        date = dt.date(y, int(month), int(day))
    except ValueError:
        return None  # not a date: not a header
    if int(page) < 1 or not re.search(r"[A-Za-z]", slug):
        return None
    return WireHeader(time, date, int(page), desk, slug, m.start(), m.end())
