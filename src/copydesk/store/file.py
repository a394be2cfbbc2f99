"""`SqliteFile`: an index file opened in SQLite, its read and write transactions (`SqliteStore` is one).

The file is in WAL mode with ``synchronous=NORMAL``: a committed batch survives the process being killed
(the operating system still holds the log), and readers in other connections or processes query a
consistent snapshot while one writer adds. A power failure may lose the last batches committed before it,
never leave a partial one. A writer waits for another one (an ``add`` batch, a stories update) to finish,
up to ``timeout`` seconds, and says so once through ``on_wait``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from copydesk.config import IndexConfig
from copydesk.errors import StoreError
from copydesk.store import schema

T = TypeVar("T")
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_HEADER = b"SQLite format 3\x00"
# 8 KiB pages: a fingerprints row (~1.6 KB) wastes a third of a 4 KiB page, a fifth of an 8 KiB one.
PAGE_SIZE = 8192
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
# Answers a read-only connection keeps between reads while the file does not change (see `_read_memo`).
_MEMO_ENTRIES = 256
Memo = Callable[[tuple[Any, ...], Callable[[], Any]], Any]


class SqliteFile:
    """The SQLite file ``path`` holding an index, created (with the schema) unless ``readonly``, checked,
    upgraded when its schema is an older one; arguments as in `SqliteStore`."""

    def __init__(
        self,
        path: str | Path,
        *,
        config: IndexConfig | None = None,
        readonly: bool = False,
        timeout: float = WRITE_TIMEOUT,
        cache_mb: int = 64,
        mmap_mb: int | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 <= timeout < 1e9:
            raise StoreError(f"timeout must be a number of seconds in [0, 1e9), got {timeout!r}")
        if mmap_mb is None:
            mmap_mb = READONLY_MMAP_MB if readonly else 0
        if isinstance(mmap_mb, bool) or not isinstance(mmap_mb, int) or mmap_mb < 0:
            raise StoreError(
                f"mmap_mb must be an integer >= 0 (MiB), or None for the default, got {mmap_mb!r}"
            )
        self._path = Path(path)
        self._readonly = readonly
        self._timeout = float(timeout)
        self._on_wait = on_wait
        self._lock = threading.RLock()
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._memo_version: int | None = None
        self._sniff()
        try:
            self._con: sqlite3.Connection | None = self._connect(timeout, cache_mb, mmap_mb)
            self._config = self._prepare(config)
        except sqlite3.Error as exc:
            self.close()
            not_sqlite = self._not_sqlite()
            if not_sqlite is not None:
                raise not_sqlite from exc
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

    def _not_sqlite(self) -> StoreError | None:
        """The error for a file that is not an SQLite database at all, read from its first bytes; None when it
        is one. Only after SQLite has refused the file: closing a file descriptor of the index drops every
        lock this process holds on it (POSIX record locks belong to the process, not to the descriptor),
        including those of its other open connections, and another process could then checkpoint and
        remove the log under them (they would read a stale or a torn state)."""
        try:
            with self._path.open("rb") as f:
                head = f.read(len(_HEADER))
        except OSError:
            return None
        if head == _HEADER:
            return None
        return StoreError(
            f"{self._path} is not a copydesk index (not an SQLite database file): pass another index path, "
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

    @contextmanager
    def _read_memo(self) -> Iterator[tuple[sqlite3.Connection, Memo]]:
        """One read transaction (as `_read`) and ``remember(key, compute)``: ``compute()``, or the value it
        gave in an earlier read, as long as nothing was committed to the file since. Only a read-only
        connection remembers (a connection's own commits do not change SQLite's data_version); a writable
        one computes every time.

        Never stale: data_version is read first, before the transaction's snapshot is taken, so what is
        computed is at least as new as the version it is kept under; a commit in between changes the
        version again, and the next read computes afresh."""
        with self._read() as con:
            if not self._readonly:
                yield con, lambda key, compute: compute()
                return
            (version,) = con.execute("PRAGMA data_version").fetchone()
            if version != self._memo_version:
                self._memo.clear()
                self._memo_version = version
            memo = self._memo

            def remember(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
                if key in memo:
                    return memo[key]
                value = memo[key] = compute()
                while len(memo) > _MEMO_ENTRIES:
                    del memo[next(iter(memo))]
                return value

            yield con, remember

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

    def close(self) -> None:
        with self._lock:
            con, self._con = getattr(self, "_con", None), None
            if con is not None:
                con.close()  # the last connection to close checkpoints the log into the file and removes it
