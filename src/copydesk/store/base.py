"""The storage layer under the index: the small abstract `Store`.

The engine speaks only to `Store`, so another backend can come later without touching it; `copydesk.store.factory`
opens one. Articles are named by their external ids (``Article.id``); any internal key stays inside the backend.
The records it takes and gives are in `copydesk.store.records`; uint64 arrays are numpy ``uint64``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType

from copydesk.config import IndexConfig
from copydesk.model import Article, BodyLayout, Evidence, Fingerprints, IndexedArticle, Link, Story
from copydesk.store.codec import EncodedBatch
from copydesk.store.records import (
    I64,
    U64,
    AddResult,
    MemberNode,
    OutletRow,
    StoreStats,
    StoryHead,
    StoryPage,
    StoryQuery,
    StoryRow,
)


class Store(ABC):
    """An index of articles and their fingerprints, keyed by article id.

    Writes are all-or-nothing per `add_batch`. Readers (other `Store` objects, other processes) may query
    while one writer adds; each query sees the index as of one committed batch.
    """

    @property
    @abstractmethod
    def config(self) -> IndexConfig:
        """The settings the index was built with (query fields as asked when opening)."""

    @property
    @abstractmethod
    def path(self) -> str: ...

    @property
    @abstractmethod
    def readonly(self) -> bool: ...

    @abstractmethod
    def add_batch(self, items: Sequence[IndexedArticle] | EncodedBatch) -> AddResult:
        """Store the new items in one transaction; already stored ids and texts are reported, not stored.

        items: the articles with their fingerprints and layouts, or the same encoded ahead of the write
        (`copydesk.store.codec.encode_batch` with this store's ``config``), so that a writer thread does only
        the SQL.

        On any failure nothing of the batch is stored and StoreError is raised (with the cause chained).
        """

    @abstractmethod
    def get(self, id: str) -> Article:
        """The stored article, or ArticleNotFound naming ``id``. An alias is its own record (id, title, date,
        url, outlet, meta, body start) with the text of the article holding it; so in `get_many` and
        `get_layouts`."""

    @abstractmethod
    def get_many(self, ids: Iterable[str]) -> list[Article]:
        """The stored articles in the order of ``ids``; ArticleNotFound names the first id not stored."""

    @abstractmethod
    def get_layouts(self, ids: Iterable[str]) -> list[tuple[Article, BodyLayout | None]]:
        """The stored articles in the order of ``ids``, each with its `BodyLayout` (None when it was stored
        without one); ArticleNotFound names the first id not stored."""

    @abstractmethod
    def known(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are stored, as articles or aliases (to skip fingerprinting them again)."""

    @abstractmethod
    def fingerprints(self, id: str) -> Fingerprints:
        """The stored fingerprints of article ``id``, or ArticleNotFound.

        The signature is empty: the index keeps the band keys made from it, not the signature itself
        (indexes from before schema version 4 return the one they kept). `copydesk.sketch.batch` computes it
        again from the article's text.
        """

    @abstractmethod
    def band_candidates(self, band_keys: U64, *, exclude: str | None = None) -> dict[str, int]:
        """Ids of stored articles sharing at least one LSH band key, with the number of keys shared.

        Duplicate keys in ``band_keys`` count once. ``exclude``: an id left out (the query article).
        """

    @abstractmethod
    def passage_candidates(
        self, fps: U64, *, max_postings: int, exclude: str | None = None, min_shared: float = 1
    ) -> dict[str, int]:
        """Ids of stored articles sharing passage fingerprints, with the number shared (at least
        ``min_shared``; articles sharing fewer are left out).

        A fingerprint stored for more than ``max_postings`` articles is ignored (boilerplate, stock
        phrases). Duplicate values in ``fps`` count once. ``exclude``: an id left out.
        """

    @abstractmethod
    def passage_shares(
        self,
        fps: U64,
        *,
        max_postings: int,
        min_shared: int,
        min_share: float,
        min_own_share: float,
        exclude: str | None = None,
    ) -> dict[str, tuple[int, int]]:
        """Ids of stored articles sharing passage fingerprints, each with (shared, own): the number shared
        and the number the article holds, judged from either side: kept when shared reaches ``min_shared``
        and either ``min_share`` of the query's distinct fingerprints (a long article quoting the query) or
        ``min_own_share`` of the article's own (a short article quoted inside a long query).

        ``max_postings`` and ``exclude`` as in `passage_candidates`.
        """

    @abstractmethod
    def count(self) -> int:
        """Number of stored articles."""

    @abstractmethod
    def stats(self) -> StoreStats: ...

    @abstractmethod
    def ids(self) -> Iterator[str]:
        """Every stored id, in insertion order (streamed)."""

    @abstractmethod
    def article_keys(self) -> list[tuple[str, dt.date | None]]:
        """(id, date) of every stored article (aliases left out), in insertion order."""

    # -- stories (see `copydesk.store.stories` for the tables) -----------------------------------------------

    @abstractmethod
    def stories_pending(self) -> tuple[int, int, list[str]]:
        """(mark, new mark, ids): the articles stored since the stories were last brought up to date, in
        insertion order; ``mark`` is to be passed back to `save_stories` with ``new mark``."""

    @abstractmethod
    def aliases_pending(self) -> tuple[int, int, list[tuple[str, str]]]:
        """(mark, new mark, pairs): the aliases stored since the stories were last brought up to date, as
        (alias id, id of the article holding its text) in the order they came; ``mark`` and ``new mark`` go
        back to `save_stories` as ``alias_marks``. Ask before `stories_pending`: the articles holding these
        are then among the articles it names or the older ones."""

    @abstractmethod
    def aliases_of(self, ids: Sequence[str], *, upto: int | None = None) -> dict[str, list[str]]:
        """article id -> its aliases in the order they came, for those of ``ids`` that have any; ``upto``:
        only the aliases up to that mark (see `aliases_pending`)."""

    @abstractmethod
    def fingerprint_table(self, ids: Sequence[str]) -> tuple[U64, I64, U64, I64]:
        """The band keys and passage fingerprints of ``ids``, flat: (band keys, their owners, passage
        fingerprints, their owners), owners numbering ``ids`` from 0 (for bulk candidate generation)."""

    @abstractmethod
    def link_ends(self) -> Iterator[list[tuple[str, str, int]]]:
        """Every stored link's (a, b, via bits), a page at a time."""

    @abstractmethod
    def wire_ids(self, keys: Sequence[str]) -> list[str]:
        """The ids stored as parts of the wire stories ``keys`` (see `save_stories`)."""

    @abstractmethod
    def links_of(self, ids: Sequence[str]) -> list[Link]:
        """Every stored link with an end in ``ids``."""

    @abstractmethod
    def story_of(self, ids: Sequence[str]) -> dict[str, str]:
        """article id -> story id, for those of ``ids`` in a story."""

    @abstractmethod
    def story_nodes(self, stories: Sequence[str]) -> list[MemberNode]:
        """The members of ``stories``."""

    @abstractmethod
    def alias_nodes(self, stories: Sequence[str]) -> list[MemberNode]:
        """The aliases placed in ``stories``, their ``parent`` the id holding their text now."""

    @abstractmethod
    def story_heads(self, stories: Sequence[str]) -> dict[str, StoryHead]:
        """The stored heads of ``stories`` (unknown ids left out)."""

    @abstractmethod
    def save_stories(
        self,
        *,
        marks: tuple[int, int],
        alias_marks: tuple[int, int],
        links: Sequence[tuple[Link, int]],
        evidence: Mapping[tuple[str, str], tuple[Evidence, ...]],
        dropped: Sequence[tuple[str, str]],
        via: Sequence[tuple[str, str, int]],
        stories: Sequence[tuple[Story, str]],
        replaced: Sequence[str],
        own_names: Mapping[str, frozenset[str]],
        retired: Mapping[str, str],
        wire: Sequence[tuple[str, str]],
    ) -> bool:
        """In one transaction: drop the links ``dropped``, add ``links`` (each with its via bits), keep the
        ``evidence`` computed for links (by (a, b): a later rebuild reads it instead of computing it again),
        set the via bits of stored links (``via``: a, b, bits), replace the stories ``replaced`` by ``stories``
        (each with its founder key), retire story ids (``retired``: old id -> the story holding its founder
        now), record the ``wire`` parts (key, id), and move the marks from ``marks[0]`` to ``marks[1]`` and
        from ``alias_marks[0]`` to ``alias_marks[1]``; True. False, with nothing stored, when a mark moved
        meanwhile (another process updated the stories: start again from the new marks)."""

    @abstractmethod
    def load_stories(self, stories: Sequence[str]) -> list[Story]:
        """The stored stories named, in that order; unknown ids are left out."""

    @abstractmethod
    def story_listing(self, *, min_size: int = 1, limit: int | None = None, offset: int = 0) -> list[str]:
        """Story ids with at least ``min_size`` members, biggest first, then by founder (date, then id)."""

    @abstractmethod
    def search_stories(self, query: StoryQuery) -> StoryPage:
        """One page of the stories ``query`` selects, their total and facet counts (see `StoryQuery`)."""

    @abstractmethod
    def story_rows(self, story_ids: Sequence[str]) -> list[StoryRow]:
        """The stored stories named, as a listing shows them (`StoryRow`: no members or edges loaded), in
        that order; unknown ids are left out."""

    @abstractmethod
    def outlet_table(self, *, name: str | None = None, top: int = 5) -> list[OutletRow]:
        """Per outlet (or only the outlet ``name``; None as a name: articles with no outlet), who runs whose
        copy (see `OutletRow`), most articles first."""

    @abstractmethod
    def story_counts(self) -> dict[str, int]:
        """stories, stories_of_two_or_more, members, links, merges."""

    @abstractmethod
    def story_merged_into(self, story: str) -> str | None:
        """The current story that the retired story ``story`` went into, or None."""

    @abstractmethod
    def compact(self) -> None:
        """Reorganize for the fastest queries (for example after a large ingest); contents do not change."""

    @abstractmethod
    def close(self) -> None:
        """Release the file. Closing twice is allowed; any other use after closing raises StoreError."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
