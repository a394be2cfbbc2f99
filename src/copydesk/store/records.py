"""The store's records: what `Store` methods take and give besides the model's types.

uint64 arrays are numpy ``uint64``; int64 arrays numpy ``int64``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from copydesk.model import Story

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
AddStatus = Literal["added", "duplicate_id", "duplicate_text"]
Conflict = Literal["stored", "batch"]


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What `Store.add_batch` did with one item.

    status: ``added``; ``duplicate_id`` (an article or alias with this id is already stored, or earlier in
        the same batch: the item is not stored, even if its text differs); ``duplicate_text`` (an article
        with the same content hash and the identical text is stored under another id: the item's text is not
        stored again, its id and record are kept as an alias of that article).
    duplicate_of: for ``duplicate_text``, the id of the article already holding that text; else None.
    conflict: for a ``duplicate_id`` whose text differs from the one its id already holds (another content
        hash), where that one is: ``stored`` (in the index before this batch) or ``batch`` (earlier in
        this batch); None otherwise (the same id with the same text, as when an add is run again).
    """

    id: str
    status: AddStatus
    duplicate_of: str | None = None
    conflict: Conflict | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """The outcome of one `Store.add_batch` call, one `AddOutcome` per item in input order.

    batch: the id of the batch row written (1, 2, ...), or None when the call was given no items.
    """

    batch: int | None
    outcomes: tuple[AddOutcome, ...]

    @property
    def added(self) -> int:
        return sum(o.status == "added" for o in self.outcomes)

    @property
    def duplicate_id(self) -> int:
        return sum(o.status == "duplicate_id" for o in self.outcomes)

    @property
    def duplicate_text(self) -> int:
        return sum(o.status == "duplicate_text" for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What an index holds.

    outlets: distinct non-null outlets. earliest/latest: publication dates (None when no article has one).
    bytes_on_disk: the index file plus its write-ahead log. batches: committed `add_batch` calls.
    segments: postings segments (queries cost grows with them; `Store.compact` makes one).
    aliases: ids kept as aliases of a stored text (the same text under another id; not in ``articles``).
    """

    path: str
    articles: int
    outlets: int
    earliest: dt.date | None
    latest: dt.date | None
    bytes_on_disk: int
    batches: int
    segments: int
    schema_version: int
    aliases: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON values (dates as ISO 8601 strings)."""
        return {
            "path": self.path,
            "articles": self.articles,
            "outlets": self.outlets,
            "earliest": None if self.earliest is None else self.earliest.isoformat(),
            "latest": None if self.latest is None else self.latest.isoformat(),
            "bytes_on_disk": self.bytes_on_disk,
            "batches": self.batches,
            "segments": self.segments,
            "schema_version": self.schema_version,
            "aliases": self.aliases,
        }


@dataclass(frozen=True, slots=True)
class MemberNode:
    """What the store keeps of one story member to rebuild its story's provenance without its text.

    credits: names it credits as written; own_names: names it goes by, lower case. parent, credits_source,
    uncredited: as in its `StoryMember`.
    """

    story: str
    id: str
    title: str | None
    date: dt.date | None
    outlet: str | None
    credits: tuple[str, ...]
    own_names: frozenset[str]
    parent: str | None = None
    credits_source: bool = False
    uncredited: bool = False


@dataclass(frozen=True, slots=True)
class StoryHead:
    """A stored story without its members: root (None under a hidden source), size, founder key
    (`copydesk.engine.stages.keys.founder_key`), story ids retired into it."""

    story: str
    root: str | None
    hidden_source: bool
    size: int
    founder: str
    merged: tuple[str, ...]


StoryOrder = Literal["size", "newest"]


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Which stories a listing holds (`Store.search_stories`), every filter optional.

    outlet: stories with a member of this outlet (exact name). since / until: stories whose date span meets
        ``[since, until]`` (ISO dates, both ends included). uncredited: stories with at least one uncredited
        copy. min_size: stories of at least this many members. q: a text found (case-insensitive, as a
        substring) in a member's title or id. order: ``size`` (biggest first, then by founder) or
        ``newest`` (latest date first). offset / limit: the page.
    """

    outlet: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    uncredited: bool = False
    min_size: int = 2
    q: str | None = None
    order: StoryOrder = "size"
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of a story listing: the story ids in order, how many match in all, and facet counts over
    every match (outlet -> stories with a member of it, the most first; role -> members of that role)."""

    ids: tuple[str, ...]
    total: int
    outlets: tuple[tuple[str, int], ...]
    roles: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story as a listing shows it, without its members and edges (`Store.story_rows`); each field is
    what the loaded `Story` says (`of`).

    title: the first title in member order (root first, then by date and id), None when none has one.
    outlets: its members' distinct outlets, sorted. earliest, latest: its members' first and last dates.
    uncredited: members flagged uncredited. copies: members with a parent, as `Story.copies` counts them;
    uncredited_copies: those flagged. agency_credited: copies crediting the hidden source's agency.
    """

    id: str
    size: int
    root: str | None
    hidden_source: bool
    hidden_agency: str | None
    title: str | None
    outlets: tuple[str, ...]
    earliest: dt.date | None
    latest: dt.date | None
    uncredited: int
    copies: int
    uncredited_copies: int
    agency_credited: int

    @property
    def uncredited_share(self) -> float:
        """Share of its copies flagged uncredited, in [0, 1]; 0 without copies."""
        return self.uncredited_copies / self.copies if self.copies else 0.0

    @classmethod
    def of(cls, story: Story) -> StoryRow:
        copies = story.copies
        first, last = story.span
        return cls(
            id=story.id,
            size=story.size,
            root=story.root,
            hidden_source=story.hidden_source,
            hidden_agency=story.hidden_agency,
            title=next((m.title for m in story.members if m.title), None),
            outlets=story.outlets,
            earliest=first,
            latest=last,
            uncredited=len(story.uncredited),
            copies=len(copies),
            uncredited_copies=sum(m.uncredited for m in copies),
            agency_credited=story.agency_credited,
        )


@dataclass(frozen=True, slots=True)
class OutletRow:
    """Who runs whose copy, for one outlet (None: articles with no outlet).

    articles: its articles (aliases included). stories: stories of two or more members it runs a member
    of. copies: its members that derive from another (role ``copy``, or an alias of a copy is not counted).
    uncredited: its copies flagged uncredited. sources: outlet -> how many of its copies derive from an
    article of that outlet (``hidden source`` for a parent not in the corpus), the most first.
    """

    outlet: str | None
    articles: int
    stories: int
    copies: int
    uncredited: int
    sources: tuple[tuple[str, int], ...]

    @property
    def uncredited_share(self) -> float:
        """Share of its copies flagged uncredited, in [0, 1]; 0 without copies."""
        return self.uncredited / self.copies if self.copies else 0.0
