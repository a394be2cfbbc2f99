"""`SqliteStore`: the index in one SQLite file (schema in `schema`, value formats in `codec`).

The file is in WAL mode with ``synchronous=NORMAL``: a committed batch survives the process being killed
(the operating system still holds the log), and readers in other connections or processes query a
consistent snapshot while one writer adds. A power failure may lose the last batches committed before it,
never leave a partial one. A writer waits for another one (an ``add`` batch, a stories update) to finish,
up to ``timeout`` seconds, and says so once through ``on_wait``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from copydesk.config import IndexConfig
from copydesk.errors import ArticleNotFound, StoreError
from copydesk.model import Article, BodyLayout, Fingerprints, IndexedArticle, Link, Story
from copydesk.store import ingest, postings, schema, stories
from copydesk.store.base import I64, U64, AddResult, MemberNode, Store, StoreStats, StoryHead, StoryPatch
from copydesk.store.codec import (
    ARTICLE_COLUMNS,
    DECODE_ERRORS,
    LAYOUT_COLUMNS,
    as_malformed,
    blob_array,
    encode_items,
    malformed,
    reading,
    row_article,
    signed_array,
    to_unsigned,
    unpack_layout,
)

T = TypeVar("T")
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_HEADER = b"SQLite format 3\x00"
_PAGE = 10_000
# 8 KiB pages: a fingerprints row (~1.6 KB) wastes a third of a 4 KiB page, a fifth of an 8 KiB one.
PAGE_SIZE = 8192  # rows per page when streaming ids
# File bytes a read-only connection maps by default, in MiB. A query reads about a thousand postings blocks
# scattered over the file; mapped, SQLite reads them in place instead of copying each page out of the
# operating system's cache into its own. The mapped pages count in the process's resident memory (they are
# the operating system's cache, shared and reclaimable), which is why writers, whose memory `add` reports,
# do not map. SQLite caps the size at its build's SQLITE_MAX_MMAP_SIZE (2 GiB in common builds).
READONLY_MMAP_MB = 4096
# Seconds a write waits for another writer by default: an add batch or a stories update of a large index
# holds the file for seconds to minutes, and failing a command for that would lose its work.
WRITE_TIMEOUT = 3600.0
# Milliseconds of each try at the write lock: between tries the waiting writer can say that it waits.
_LOCK_TRY_MS = 250


class SqliteStore(Store):
    """The index in the SQLite file ``path``, created unless ``readonly``.

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
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 <= timeout < 1e9:
            raise StoreError(f"timeout must be a number of seconds in [0, 1e9), got {timeout!r}")
        if not isinstance(merge_factor, int) or merge_factor < 2:
            raise StoreError(f"merge_factor must be an integer >= 2, got {merge_factor!r}")
        if mmap_mb is None:
            mmap_mb = READONLY_MMAP_MB if readonly else 0
        if isinstance(mmap_mb, bool) or not isinstance(mmap_mb, int) or mmap_mb < 0:
            raise StoreError(
                f"mmap_mb must be an integer >= 0 (MiB), or None for the default, got {mmap_mb!r}"
            )
        self._path = Path(path)
        self._readonly = readonly
        self._factor = merge_factor
        self._timeout = float(timeout)
        self._on_wait = on_wait
        self._lock = threading.RLock()
        self._sniff()
        try:
            self._con: sqlite3.Connection | None = self._connect(timeout, cache_mb, mmap_mb)
            self._config = self._prepare(config)
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(
                f"{self._path} cannot be opened as a copydesk index ({exc}): pass another index path, or move "
                "the damaged file away and rebuild it"
            ) from exc
        except StoreError:
            self.close()
            raise

    # -- opening -------------------------------------------------------------------------------------------

    def _sniff(self) -> None:
        path = self._path
        if path.is_dir():
            raise StoreError(
                f"{path} is a directory, not an index file: pass a file path such as copydesk.db"
            )
        if not path.exists() or path.stat().st_size == 0:
            if self._readonly:
                raise StoreError(
                    f"no index at {path}: add articles first (copydesk add), or pass the right path"
                )
            if not path.parent.is_dir():
                raise StoreError(f"cannot create the index {path}: the folder {path.parent} does not exist")
            return
        with path.open("rb") as f:
            head = f.read(len(_HEADER))
        if head != _HEADER:
            raise StoreError(
                f"{path} is not a copydesk index (not an SQLite database file): pass another index path, "
                "or move this file away"
            )

    def _connect(self, timeout: float, cache_mb: int, mmap_mb: int) -> sqlite3.Connection:
        target = f"{self._path.resolve().as_uri()}?mode=ro" if self._readonly else str(self._path)
        con = sqlite3.connect(
            target, uri=self._readonly, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            con.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # takes effect only when the file is created
            con.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
            con.execute(f"PRAGMA mmap_size = {1024 * 1024 * int(mmap_mb)}")
            if not self._readonly:
                con.execute("PRAGMA journal_mode = WAL")
                con.execute("PRAGMA journal_size_limit = 67108864")
            con.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            con.close()
            raise
        return con

    def _prepare(self, config: IndexConfig | None) -> IndexConfig:
        con = self._connection()
        if not self._readonly and self._empty(con):
            con.execute("BEGIN IMMEDIATE")
            try:
                if self._empty(con):  # another process may have created it while we waited
                    schema.create(con, config or IndexConfig())
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        elif self._empty(con):
            raise StoreError(
                f"no index at {self._path}: add articles first (copydesk add), or pass the right path"
            )
        elif not self._readonly and "meta" in self._tables(con) and schema.version(con) in schema.UPGRADED:
            con.execute("BEGIN IMMEDIATE")
            try:
                schema.upgrade(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return schema.check(con, str(self._path), config)

    @staticmethod
    def _tables(con: sqlite3.Connection) -> set[str]:
        return {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}

    @staticmethod
    def _empty(con: sqlite3.Connection) -> bool:
        return bool(con.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0)

    # -- plumbing ------------------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            raise StoreError(f"the index {self._path} is closed: open it again with open_store")
        return self._con

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every statement in it sees the same committed state."""
        with self._lock:
            con = self._connection()
            try:
                con.execute("BEGIN")
                try:
                    yield con
                finally:
                    con.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"reading the index {self._path} failed: {exc}") from exc

    def _write(self, what: str, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in one write transaction: all of it is committed, or none of it."""
        if self._readonly:
            raise StoreError(
                f"the index {self._path} was opened read-only: open it with readonly=False to write"
            )
        with self._lock:
            con = self._connection()
            try:
                self._begin_write(con, what)
                try:
                    result = work(con)
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(f"{what} in {self._path} failed, nothing of it was stored ({exc})") from exc
            return result

    def _begin_write(self, con: sqlite3.Connection, what: str) -> None:
        """Take the write lock (BEGIN IMMEDIATE), waiting for another writer up to the timeout; on_wait is
        told once when it has to wait. StoreError when the timeout passes."""
        start = time.monotonic()
        told = False
        con.execute(f"PRAGMA busy_timeout = {_LOCK_TRY_MS}")
        try:
            while True:
                try:
                    con.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    # an extended result code keeps its primary code in the low byte
                    if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in _BUSY:
                        raise
                waited = time.monotonic() - start
                if waited >= self._timeout:
                    raise StoreError(
                        f"{what} in {self._path} waited {waited:.0f} s for another process writing to this "
                        "index, and nothing of it was stored: let that process finish (or stop it), then "
                        "run this again"
                    )
                if not told and self._on_wait is not None:
                    told = True
                    self._on_wait(
                        f"waiting for another copydesk process writing to {self._path} (an add or a stories "
                        "update) to finish ..."
                    )
        finally:
            con.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")

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

    def add_batch(self, items: Sequence[IndexedArticle]) -> AddResult:
        if self._readonly:
            raise StoreError(
                f"the index {self._path} was opened read-only: open it with readonly=False to add"
            )
        if not items:
            return AddResult(batch=None, outcomes=())
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
            counts = postings.band_docs(con, signed_array(band_keys))
            return _by_id(con, counts, exclude)

    def passage_candidates(
        self, fps: U64, *, max_postings: int, exclude: str | None = None, min_shared: float = 1
    ) -> dict[str, int]:
        if not isinstance(max_postings, int) or max_postings < 1:
            raise StoreError(f"max_postings must be a positive integer, got {max_postings!r}")
        with self._read() as con:
            counts = postings.passage_docs(con, signed_array(fps), max_postings, min_shared)
            return _by_id(con, counts, exclude)

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
        query = len(np.unique(fps))
        with self._read() as con:
            _, found = postings.key_docs(con, "passages", signed_array(fps), max_postings=max_postings)
            docs, shared = np.unique(found, return_counts=True)
            some = shared >= min_shared
            docs, shared = docs[some], shared[some]
            own = _fingerprint_counts(con, docs)
            keep = (shared >= min_share * query) | ((own > 0) & (shared >= min_own_share * own))
            docs, shared, own = docs[keep], shared[keep], own[keep]
            names = postings.doc_ids(con, docs.tolist())
        return {
            names[d]: (n, o)
            for d, n, o in zip(docs.tolist(), shared.tolist(), own.tolist(), strict=True)
            if names[d] != exclude
        }

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

    def ids_on_dates(self, dates: Sequence[dt.date]) -> list[str]:
        if not dates:
            return []
        with self._read() as con:
            rows = con.execute(
                "SELECT id FROM articles WHERE date IN (SELECT value FROM json_each(?)) ORDER BY doc",
                (json.dumps(sorted({d.isoformat() for d in dates})),),
            ).fetchall()
        return [id_ for (id_,) in rows]

    def iter_articles(self, batch_size: int = 1000) -> Iterator[list[Article]]:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise StoreError(f"batch_size must be a positive integer, got {batch_size!r}")
        last = 0
        while True:
            with self._read() as con:
                rows = con.execute(
                    f"SELECT doc, {ARTICLE_COLUMNS} FROM articles WHERE doc > ? ORDER BY doc LIMIT ?",
                    (last, batch_size),
                ).fetchall()
            if not rows:
                return
            yield [row_article(row[1:]) for row in rows]
            last = rows[-1][0]

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
            return stories.aliases_of(con, list(ids), upto=upto)

    def fingerprint_table(self, ids: Sequence[str]) -> tuple[U64, I64, U64, I64]:
        where = {id_: n for n, id_ in enumerate(ids)}
        bands: list[bytes] = []
        band_owner: list[int] = []
        fps: list[bytes] = []
        fp_owner: list[int] = []
        fp_count: list[int] = []
        with self._read() as con:
            for start in range(0, len(ids), _PAGE):
                rows = con.execute(
                    "SELECT a.id, f.band_keys, f.passages FROM articles AS a JOIN fingerprints AS f USING (doc) "
                    "WHERE a.id IN (SELECT value FROM json_each(?))",
                    (json.dumps(list(ids[start : start + _PAGE])),),
                )
                for id_, b, p in rows:
                    if not isinstance(b, bytes) or not isinstance(p, bytes) or len(b) % 8 or len(p) % 8:
                        raise malformed(
                            "fingerprints",
                            f"of id {id_!r}",
                            "band_keys and passages must be BLOBs of 8-byte values",
                        )
                    n = where[id_]
                    bands.append(b)
                    band_owner.append(n)
                    fps.append(p)
                    fp_owner.append(n)
                    fp_count.append(len(p) // 8)
        b_keys = np.frombuffer(b"".join(bands), dtype="<u8").astype(np.uint64)
        p_keys = np.frombuffer(b"".join(fps), dtype="<u8").astype(np.uint64)
        b_own = np.repeat(np.asarray(band_owner, dtype=np.int64), [len(b) // 8 for b in bands])
        p_own = np.repeat(np.asarray(fp_owner, dtype=np.int64), fp_count)
        return b_keys, b_own, p_keys, p_own

    def candidates_of(
        self, ids: Sequence[str], *, max_postings: int, min_shared: int, min_share: float, limit: int
    ) -> dict[str, list[str]]:
        b_keys, b_own, p_keys, p_own = self.fingerprint_table(ids)
        with self._read() as con:  # the reads; the counting after it, leaving the store to other threads
            docs = dict(
                con.execute(
                    "SELECT id, doc FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(list(ids)),),
                ).fetchall()
            )
            found = [
                postings.key_docs(con, "bands", signed_array(b_keys), max_postings=None),
                postings.key_docs(con, "passages", signed_array(p_keys), max_postings=max_postings),
            ]
        own_doc = np.asarray([docs.get(i, -1) for i in ids], dtype=np.int64)
        bi, bd, bn = _owner_doc_counts(signed_array(b_keys), b_own, *found[0])
        qi, qd, qn = _owner_doc_counts(signed_array(p_keys), p_own, *found[1])
        fps = np.bincount(p_own, minlength=len(ids))
        # ``min_share`` of the SMALLER article's fingerprints, as among the articles of one update: a rule
        # on the pair alone, so a digest added after the short articles it quotes finds them, as the other
        # order does (issue 18)
        some = qn >= min_shared
        qi, qd, qn = qi[some], qd[some], qn[some]
        docs_q, back = np.unique(qd, return_inverse=True)
        with self._read() as con:
            own = _fingerprint_counts(con, docs_q)[back.reshape(-1)]
        keep = qn >= np.maximum(min_shared, min_share * np.minimum(fps[qi], own))
        owner = np.concatenate((bi, qi[keep]))
        doc = np.concatenate((bd, qd[keep]))
        n = np.concatenate((bn, qn[keep]))
        mine = doc != own_doc[owner]
        owner, doc, n = owner[mine], doc[mine], n[mine]
        span = int(doc.max()) + 1 if len(doc) else 1
        # both parts come sorted by (owner, doc): a stable sort merges the two runs
        code = owner * span + doc
        order = np.argsort(code, kind="stable")
        owner, doc, total = _run_counts(code[order], n[order], span)
        with self._read() as con:
            names = postings.doc_ids(con, np.unique(doc).tolist())
        out: dict[str, list[tuple[int, str]]] = {i: [] for i in ids}
        for o, d, t in zip(owner.tolist(), doc.tolist(), total.tolist(), strict=True):
            out[ids[o]].append((-t, names[d]))
        return {i: [name for _, name in sorted(found)[:limit]] for i, found in out.items()}

    def links_of(self, ids: Sequence[str]) -> list[Link]:
        with self._read() as con:
            return stories.links_of(con, list(ids))

    def story_of(self, ids: Sequence[str]) -> dict[str, str]:
        with self._read() as con:
            return stories.story_of(con, list(ids))

    def story_seqs(self, story_ids: Sequence[str]) -> dict[str, tuple[int, tuple[str, ...]]]:
        with self._read() as con:
            return stories.seqs(con, list(story_ids))

    def next_story_seq(self) -> int:
        with self._read() as con:
            return stories.next_seq(con)

    def story_nodes(self, story_ids: Sequence[str]) -> list[MemberNode]:
        with self._read() as con:
            return _member_nodes(stories.member_rows(con, list(story_ids)))

    def member_nodes(self, ids: Sequence[str]) -> list[MemberNode]:
        with self._read() as con:
            return _member_nodes(stories.member_rows(con, list(ids), by="id"))

    def story_heads(self, story_ids: Sequence[str]) -> dict[str, StoryHead]:
        with self._read() as con:
            rows = stories.heads(con, list(story_ids))
        out = {}
        for s, root, hidden, size, seq, merged in rows:
            with reading("stories", f"story {s!r}"):
                if type(size) is not int or type(seq) is not int:
                    raise TypeError(f"size and seq must be integers, got {size!r} and {seq!r}")
                out[s] = StoryHead(s, root, bool(hidden), size, seq, tuple(json.loads(merged)))
        return out

    def save_stories(
        self,
        *,
        mark: int,
        new_mark: int,
        links: Sequence[Link],
        stories: Sequence[tuple[Story, int]],
        own_names: Mapping[str, frozenset[str]],
        merged: Mapping[str, str],
        patches: Sequence[StoryPatch] = (),
        alias_marks: tuple[int, int] | None = None,
    ) -> bool:
        from copydesk.store import stories as tables

        def work(con: sqlite3.Connection) -> bool:
            if tables.mark(con) != mark or (
                alias_marks is not None and tables.alias_mark(con) != alias_marks[0]
            ):
                return False  # another process stored an update meanwhile
            now = ingest.now()
            for p in patches:  # before `write`, which drops what is left of the absorbed stories
                tables.patch(
                    con,
                    story=p.head.story,
                    root=p.head.root,
                    size=p.head.size,
                    merged=p.head.merged,
                    members=p.members,
                    edges=p.edges,
                    absorbed=p.absorbed,
                    own_names=own_names,
                    now=now,
                )
            tables.write(
                con,
                new_mark=new_mark,
                links=links,
                stories=stories,
                own_names=own_names,
                merged=merged,
                now=ingest.now(),
            )
            if alias_marks is not None:
                tables.set_alias_mark(con, alias_marks[1])
            return True

        return self._write(f"storing {len(stories)} stories", work)

    def load_stories(self, story_ids: Sequence[str]) -> list[Story]:
        with self._read() as con:
            return stories.load(con, list(story_ids))

    def story_listing(self, *, min_size: int = 1, limit: int | None = None, offset: int = 0) -> list[str]:
        with self._read() as con:
            return stories.listing(con, min_size=min_size, limit=limit, offset=offset)

    def story_counts(self) -> dict[str, int]:
        with self._read() as con:
            return stories.counts(con)

    def story_merged_into(self, story: str) -> str | None:
        with self._read() as con:
            return stories.merged_into(con, story)

    def close(self) -> None:
        with self._lock:
            con, self._con = getattr(self, "_con", None), None
            if con is not None:
                con.close()  # the last connection to close checkpoints the log into the file and removes it

    def __repr__(self) -> str:
        return f"SqliteStore({str(self._path)!r}, readonly={self._readonly})"


def _owner_doc_counts(keys: I64, owners: I64, p_keys: I64, p_docs: I64) -> tuple[I64, I64, I64]:
    """(owner, doc, n): for each owner of ``keys`` and each doc of the postings (``p_keys`` sorted, as
    `postings.key_docs` gives them), how many distinct keys they share; sorted by (owner, doc)."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(keys) or not len(p_keys):
        return empty, empty, empty
    by_owner = np.lexsort((keys, owners))
    q_key, q_own = keys[by_owner], owners[by_owner]
    once = np.concatenate(([True], (q_key[1:] != q_key[:-1]) | (q_own[1:] != q_own[:-1])))
    q_key, q_own = q_key[once], q_own[once]  # each (owner, key) once
    lo = np.searchsorted(p_keys, q_key, side="left")
    hi = np.searchsorted(p_keys, q_key, side="right")
    reps = hi - lo
    total = int(reps.sum())
    if not total:
        return empty, empty, empty
    at = np.repeat(lo - (np.cumsum(reps) - reps), reps) + np.arange(total, dtype=np.int64)
    span = int(p_docs.max()) + 1
    # Each owner's docs come as one ascending run per key (the postings of a key are sorted by doc): a stable
    # sort (timsort) merges those runs, several times faster than sorting them as if they were in any order.
    code = np.repeat(q_own * span, reps) + p_docs[at]
    code.sort(kind="stable")
    return _run_counts(code, np.ones(len(code), dtype=np.int64), span)


def _run_counts(code: I64, n: I64, span: int) -> tuple[I64, I64, I64]:
    """(owner, doc, total of ``n``) of the runs of equal ``code = owner * span + doc`` (``code`` sorted)."""
    if not len(code):
        return code, code, n.astype(np.int64)
    first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1])))
    totals = np.add.reduceat(n, first)
    code = code[first]
    return code // span, code % span, totals.astype(np.int64)


def _member_nodes(rows: Sequence[tuple[Any, ...]]) -> list[MemberNode]:
    out = []
    for story, id_, title, date, outlet, credits, own, parent, credits_source, uncredited in rows:
        try:
            node = MemberNode(
                story=story,
                id=id_,
                title=title,
                date=None if date is None else dt.date.fromisoformat(date),
                outlet=outlet,
                credits=tuple(json.loads(credits)),
                own_names=frozenset(json.loads(own)),
                parent=parent,
                credits_source=bool(credits_source),
                uncredited=bool(uncredited),
            )
        except DECODE_ERRORS as exc:
            raise as_malformed("story_members", f"id {id_!r}", exc) from exc
        out.append(node)
    return out


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


def _fingerprint_counts(con: sqlite3.Connection, docs: I64) -> I64:
    """The number of stored passage fingerprints of each of ``docs`` (ascending), 0 for a doc without any:
    the blobs' lengths (8 bytes a fingerprint), which SQLite reads without their bytes; ascending docs make
    the row look-ups nearly sequential."""
    counts = np.zeros(len(docs), dtype=np.int64)
    for start in range(0, len(docs), _PAGE):
        rows = con.execute(
            "SELECT doc, length(passages) / 8 FROM fingerprints WHERE doc IN (SELECT value FROM json_each(?))",
            (json.dumps(docs[start : start + _PAGE].tolist()),),
        ).fetchall()
        if rows:
            got = np.asarray(rows, dtype=np.int64)
            counts[np.searchsorted(docs, got[:, 0])] = got[:, 1]
    return counts


def _by_id(con: sqlite3.Connection, counts: Counter[int], exclude: str | None) -> dict[str, int]:
    names = postings.doc_ids(con, list(counts))
    return {names[doc]: n for doc, n in counts.items() if names[doc] != exclude}
