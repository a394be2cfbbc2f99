"""`SqliteStore`: the index in one SQLite file (the file and its transactions in `file`, schema in `schema`,
value formats in `codec`, postings look-ups in `lookup`, story tables in
`stories` and `story_queries`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from copydesk.config import IndexConfig
from copydesk.errors import ArticleNotFound, StoreError
from copydesk.model import Article, BodyLayout, Evidence, Fingerprints, IndexedArticle, Link, Story
from copydesk.store import ingest, lookup, postings, schema, stories, story_queries, story_search
from copydesk.store.base import Store
from copydesk.store.codec import (
    ARTICLE_COLUMNS,
    LAYOUT_COLUMNS,
    EncodedBatch,
    blob_array,
    encode_items,
    malformed,
    reading,
    row_article,
    to_unsigned,
    unpack_layout,
)
from copydesk.store.file import WRITE_TIMEOUT, SqliteFile
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

_PAGE = 10_000  # rows per page when streaming ids


class SqliteStore(SqliteFile, Store):
    """The index in the SQLite file ``path``, created unless ``readonly`` (opening it, its transactions and
    the wait for another writer: `SqliteFile`).

    config: None uses the stored settings (the defaults for a new file); otherwise it must agree with them.
    timeout: seconds a write waits for another writer before StoreError (default `WRITE_TIMEOUT`).
    on_wait: called once, with a message naming the file, when a write has to wait for another writer (the
        command line prints it on stderr).
    merge_factor: postings segments per level before they are merged (see `postings`), >= 2.
    cache_mb: SQLite page cache of this connection, in MiB.
    mmap_mb: file bytes SQLite may map into memory, in MiB (0: none; None: `READONLY_MMAP_MB` when
        ``readonly``, else 0). Mapping makes look-ups faster, and the mapped pages count in the process's
        resident memory.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        config: IndexConfig | None = None,
        readonly: bool = False,
        timeout: float = WRITE_TIMEOUT,
        merge_factor: int = 16,
        cache_mb: int = 64,
        mmap_mb: int | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        if not isinstance(merge_factor, int) or merge_factor < 2:
            raise StoreError(f"merge_factor must be an integer >= 2, got {merge_factor!r}")
        self._factor = merge_factor
        self._passage_counts = lookup.PassageCounts()
        super().__init__(
            path,
            config=config,
            readonly=readonly,
            timeout=timeout,
            cache_mb=cache_mb,
            mmap_mb=mmap_mb,
            on_wait=on_wait,
        )

    # -- Store ---------------------------------------------------------------------------------------------

    @property
    def config(self) -> IndexConfig:
        return self._config

    @property
    def path(self) -> str:
        return str(self._path)

    @property
    def readonly(self) -> bool:
        return self._readonly

    def add_batch(self, items: Sequence[IndexedArticle] | EncodedBatch) -> AddResult:
        if self._readonly:
            raise StoreError(
                f"the index {self._path} was opened read-only: open it with readonly=False to add"
            )
        if not items:
            return AddResult(batch=None, outcomes=())
        if isinstance(items, EncodedBatch):
            if items.config != self._config:
                raise StoreError(
                    f"the batch was encoded for {items.config}, the index {self._path} has {self._config}: "
                    "encode it with store.config"
                )
            encoded = items.items
        else:
            encoded = encode_items(items, self._config)
        started = ingest.now()
        result = self._write(
            f"adding a batch of {len(items)} articles", lambda con: ingest.add(con, encoded, started)
        )
        self._merge_segments(result.batch)
        return result

    def _merge_segments(self, batch: int | None) -> None:
        with self._lock:
            if not postings.needs_merge(self._connection(), self._factor):
                return
        try:
            self._write("merging postings segments", lambda con: postings.merge_levels(con, self._factor))
        except StoreError as exc:
            raise StoreError(
                f"batch {batch} was stored, but then {exc}; the index is consistent and the next add retries"
            ) from exc

    def compact(self) -> None:
        self._write("compacting postings", postings.merge_all)

    def _rows(self, ids: list[str], *, layouts: bool) -> dict[str, tuple[Any, ...]]:
        """id -> its row (`ARTICLE_COLUMNS`, then `LAYOUT_COLUMNS` when ``layouts``) for those of ``ids``
        stored, as articles or as aliases (an alias: its own record and the text of the article holding it;
        that article's layout when their bodies start at the same offset, else none)."""
        # one id: compared as it is (no round trip through JSON)
        where, arg = (
            ("= ?", ids[0]) if len(ids) == 1 else ("IN (SELECT value FROM json_each(?))", json.dumps(ids))
        )
        extra = f", {LAYOUT_COLUMNS}" if layouts else ""
        alias_extra = ", CASE WHEN al.body_start = a.body_start THEN a.skip END, a.credits" if layouts else ""
        with self._read() as con:
            rows = con.execute(
                f"SELECT {ARTICLE_COLUMNS}{extra} FROM articles WHERE id {where}", (arg,)
            ).fetchall()
            if len(rows) < len(set(ids)):
                rows += con.execute(
                    "SELECT al.id, al.title, al.date, al.url, al.outlet, al.body_start, al.meta, a.text"
                    f"{alias_extra} FROM aliases AS al JOIN articles AS a ON a.doc = al.doc WHERE al.id {where}",
                    (arg,),
                ).fetchall()
        return {row[0]: row for row in rows}

    def _missing(self, id_: str) -> ArticleNotFound:
        return ArticleNotFound(f"no article with id {id_!r} in the index {self._path}")

    def get(self, id: str) -> Article:
        row = self._rows([id], layouts=False).get(id)
        if row is None:
            raise self._missing(id)
        return row_article(row)

    def get_many(self, ids: Iterable[str]) -> list[Article]:
        wanted = list(ids)
        found = self._rows(wanted, layouts=False)
        for id_ in wanted:
            if id_ not in found:
                raise self._missing(id_)
        articles = {id_: row_article(row) for id_, row in found.items()}
        return [articles[id_] for id_ in wanted]

    def get_layouts(self, ids: Iterable[str]) -> list[tuple[Article, BodyLayout | None]]:
        wanted = list(ids)
        found = self._rows(wanted, layouts=True)
        out: list[tuple[Article, BodyLayout | None]] = []
        for id_ in wanted:
            row = found.get(id_)
            if row is None:
                raise self._missing(id_)
            out.append((row_article(row[:-2]), unpack_layout(*row[-2:], id=id_)))
        return out

    def known(self, ids: Iterable[str]) -> set[str]:
        with self._read() as con:
            return set(ingest.stored_hashes(con, list(ids)))

    def fingerprints(self, id: str) -> Fingerprints:
        with self._read() as con:
            row = con.execute(
                "SELECT a.content_hash, a.words, f.signature, f.band_keys, f.passages "
                "FROM articles AS a JOIN fingerprints AS f USING (doc) WHERE a.id = ?",
                (id,),
            ).fetchone()
        if row is None:
            raise ArticleNotFound(f"no article with id {id!r} in the index {self._path}")
        content_hash, words, signature, band_keys, passages = row
        with reading("fingerprints", f"of id {id!r}"):
            return Fingerprints(
                content_hash=to_unsigned(content_hash),
                words=words,
                signature=blob_array(signature),
                band_keys=blob_array(band_keys),
                passages=blob_array(passages),
            )

    def band_candidates(self, band_keys: U64, *, exclude: str | None = None) -> dict[str, int]:
        with self._read() as con:
            return lookup.band_candidates(con, band_keys, exclude=exclude)

    def passage_candidates(
        self, fps: U64, *, max_postings: int, exclude: str | None = None, min_shared: float = 1
    ) -> dict[str, int]:
        if not isinstance(max_postings, int) or max_postings < 1:
            raise StoreError(f"max_postings must be a positive integer, got {max_postings!r}")
        with self._read() as con:
            return lookup.passage_candidates(
                con, fps, max_postings=max_postings, min_shared=min_shared, exclude=exclude
            )

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
        if not isinstance(max_postings, int) or max_postings < 1:
            raise StoreError(f"max_postings must be a positive integer, got {max_postings!r}")
        with self._read() as con:
            return lookup.passage_shares(
                con,
                fps,
                max_postings=max_postings,
                min_shared=min_shared,
                min_share=min_share,
                min_own_share=min_own_share,
                exclude=exclude,
                counts=self._passage_counts,
            )

    def count(self) -> int:
        with self._read() as con:
            return int(con.execute("SELECT coalesce(sum(added), 0) FROM batches").fetchone()[0])

    def stats(self) -> StoreStats:
        with self._read() as con:
            articles, batches = con.execute(
                "SELECT coalesce(sum(added), 0), count(*) FROM batches"
            ).fetchone()
            (outlets,) = con.execute("SELECT count(DISTINCT outlet) FROM articles").fetchone()
            earliest, latest = con.execute("SELECT min(date), max(date) FROM articles").fetchone()
            (segments,) = con.execute("SELECT count(*) FROM segments").fetchone()
            (aliases,) = con.execute("SELECT count(*) FROM aliases").fetchone()
            first, last = _stored_date(con, earliest), _stored_date(con, latest)
        wal = self._path.with_name(self._path.name + "-wal")
        size = self._path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return StoreStats(
            path=str(self._path),
            articles=articles,
            outlets=outlets,
            earliest=first,
            latest=last,
            bytes_on_disk=size,
            batches=batches,
            segments=segments,
            schema_version=schema.SCHEMA_VERSION,
            aliases=aliases,
        )

    def ids(self) -> Iterator[str]:
        last = 0
        while True:
            with self._read() as con:
                rows = con.execute(
                    "SELECT doc, id FROM articles WHERE doc > ? ORDER BY doc LIMIT ?", (last, _PAGE)
                ).fetchall()
            if not rows:
                return
            yield from (id_ for _, id_ in rows)
            last = rows[-1][0]

    def article_keys(self) -> list[tuple[str, dt.date | None]]:
        with self._read() as con:
            rows = con.execute("SELECT id, date FROM articles ORDER BY doc").fetchall()
            return [(id_, _stored_date(con, d)) for id_, d in rows]

    # -- stories -------------------------------------------------------------------------------------------

    def stories_pending(self) -> tuple[int, int, list[str]]:
        with self._read() as con:
            mark = stories.mark(con)
            new_mark, ids = stories.added_since(con, mark)
        return mark, new_mark, ids

    def aliases_pending(self) -> tuple[int, int, list[tuple[str, str]]]:
        with self._read() as con:
            return stories.aliases_since(con, stories.alias_mark(con))

    def aliases_of(self, ids: Sequence[str], *, upto: int | None = None) -> dict[str, list[str]]:
        with self._read() as con:
            return story_queries.aliases_of(con, list(ids), upto=upto)

    def fingerprint_table(self, ids: Sequence[str]) -> tuple[U64, I64, U64, I64]:
        with self._read() as con:
            return lookup.fingerprint_table(con, ids)

    def link_ends(self) -> Iterator[list[tuple[str, str, int]]]:
        with self._read() as con:
            yield from story_queries.link_ends(con)

    def wire_ids(self, keys: Sequence[str]) -> list[str]:
        with self._read() as con:
            return story_queries.wire_ids(con, list(keys))

    def links_of(self, ids: Sequence[str]) -> list[Link]:
        with self._read() as con:
            return story_queries.links_of(con, list(ids))

    def story_of(self, ids: Sequence[str]) -> dict[str, str]:
        with self._read() as con:
            return story_queries.story_of(con, list(ids))

    def story_nodes(self, story_ids: Sequence[str]) -> list[MemberNode]:
        with self._read() as con:
            return story_queries.member_nodes(con, list(story_ids))

    def alias_nodes(self, stories: Sequence[str]) -> list[MemberNode]:
        with self._read() as con:
            return story_queries.alias_nodes(con, list(stories))

    def story_heads(self, story_ids: Sequence[str]) -> dict[str, StoryHead]:
        with self._read() as con:
            return story_queries.heads(con, list(story_ids))

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
        from copydesk.store import stories as tables

        def work(con: sqlite3.Connection) -> bool:
            if tables.mark(con) != marks[0] or tables.alias_mark(con) != alias_marks[0]:
                return False  # another process stored an update meanwhile
            tables.write(
                con,
                new_mark=marks[1],
                links=links,
                evidence=evidence,
                dropped=dropped,
                via=via,
                stories=stories,
                replaced=replaced,
                own_names=own_names,
                retired=retired,
                wire=wire,
                now=ingest.now(),
            )
            tables.set_alias_mark(con, alias_marks[1])
            return True

        return self._write(f"storing {len(stories)} stories", work)

    def load_stories(self, story_ids: Sequence[str]) -> list[Story]:
        with self._read() as con:
            return story_queries.load(con, list(story_ids))

    def story_listing(self, *, min_size: int = 1, limit: int | None = None, offset: int = 0) -> list[str]:
        with self._read() as con:
            return story_queries.listing(con, min_size=min_size, limit=limit, offset=offset)

    # The listings below count over every story: a read-only connection keeps their answers until the file
    # changes (see `SqliteFile._read_memo`), so a server does not count again on every request.

    def search_stories(self, query: StoryQuery) -> StoryPage:
        with self._read_memo() as (con, remember):
            counted = remember(story_search.facet_key(query), lambda: story_search.facets(con, query))
            return story_search.search(con, query, counted=counted)

    def story_rows(self, story_ids: Sequence[str]) -> list[StoryRow]:
        ids = tuple(story_ids)
        with self._read_memo() as (con, remember):
            return list(remember(("rows", ids), lambda: story_search.rows(con, ids)))

    def outlet_table(self, *, name: str | None = None, top: int = 5) -> list[OutletRow]:
        with self._read_memo() as (con, remember):
            rows = remember(("outlets", name, top), lambda: story_search.outlets(con, name=name, top=top))
            return list(rows)

    def story_counts(self) -> dict[str, int]:
        with self._read_memo() as (con, remember):
            return dict(remember(("counts",), lambda: story_queries.counts(con)))

    def story_merged_into(self, story: str) -> str | None:
        with self._read() as con:
            return story_queries.merged_into(con, story)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self._path)!r}, readonly={self._readonly})"


def _stored_date(con: sqlite3.Connection, value: Any) -> dt.date | None:
    """A date of the articles table, or StoreError naming an article that holds the malformed value."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        row = con.execute("SELECT id FROM articles WHERE date = ? LIMIT 1", (value,)).fetchone()
        raise malformed(
            "articles", f"id {row[0] if row else '?'!r}", f"date must be YYYY-MM-DD, got {value!r}"
        ) from exc
