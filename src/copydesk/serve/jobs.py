"""The write jobs of a server, kept in a small SQLite file beside the index (``INDEX.jobs``), so that every
worker process of one server sees them, a job outlives a restart, and one process at a time runs them.

A job is a row: its articles (JSON, dropped once the job is finished), its state (queued, running, done,
failed), times and summary. Any process queues a job and reads its state; only the process holding the
writer lock (`WriterLock`, an exclusive lock on ``INDEX.jobs.lock``) runs jobs, oldest first. The lock is
the operating system's: it goes with the process, so when the writer process dies another one takes over,
and runs again what the dead one left running (an ``add`` is idempotent and atomic per batch, so running a
job twice stores nothing twice).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, cast

from copydesk.errors import StoreError

JobState = Literal["queued", "running", "done", "failed"]
KEPT_JOBS = 1_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    count INTEGER NOT NULL,
    articles TEXT,
    submitted REAL NOT NULL,
    started REAL,
    finished REAL,
    summary TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, seq);
"""


@dataclass(frozen=True, slots=True)
class Job:
    """One write job as stored: articles to add (none: only a stories update), then a stories update.
    Times are seconds since the epoch."""

    id: str
    state: JobState
    count: int
    submitted: float
    started: float | None = None
    finished: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "job": self.id,
            "state": self.state,
            "articles": self.count,
            "submitted": _iso(self.submitted),
            "started": _iso(self.started),
            "finished": _iso(self.finished),
            "summary": self.summary,
            "error": self.error,
        }


def _iso(t: float | None) -> str | None:
    return None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def jobs_path(db: Path) -> Path:
    """The jobs file of the index ``db``."""
    return db.with_name(db.name + ".jobs")


def lock_path(db: Path) -> Path:
    """The file whose lock says which process runs the jobs of the index ``db``."""
    return db.with_name(db.name + ".jobs.lock")


class JobBook:
    """The jobs file of one index: queue, claim, finish and read jobs (each call one transaction; safe
    from several threads and processes). StoreError when the file cannot be opened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA synchronous = NORMAL")
            self._con.executescript(_SCHEMA)  # one statement at a time, each its own transaction
        except sqlite3.Error as exc:
            raise StoreError(f"the jobs file {path} cannot be opened ({exc}): move it away") from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            con = self._con
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def submit(self, articles: list[Mapping[str, Any]], *, max_queued: int) -> Job | None:
        """A new queued job adding ``articles``; None when ``max_queued`` jobs already wait."""
        job = Job(id=secrets.token_hex(6), state="queued", count=len(articles), submitted=time.time())
        with self._transaction() as con:
            (waiting,) = con.execute("SELECT count(*) FROM jobs WHERE state = 'queued'").fetchone()
            if waiting >= max_queued:
                return None
            con.execute(
                "INSERT INTO jobs (id, state, count, articles, submitted) VALUES (?, 'queued', ?, ?, ?)",
                (job.id, job.count, json.dumps(list(articles), ensure_ascii=False), job.submitted),
            )
            con.execute(
                "DELETE FROM jobs WHERE state IN ('done', 'failed') AND seq <= "
                "(SELECT max(seq) FROM jobs) - ?",
                (KEPT_JOBS,),
            )
        return job

    def waiting(self) -> int:
        """Jobs queued, not yet running."""
        with self._transaction() as con:
            return int(con.execute("SELECT count(*) FROM jobs WHERE state = 'queued'").fetchone()[0])

    def get(self, id: str) -> Job | None:
        with self._transaction() as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (id,)).fetchone()
        return None if row is None else _job(row)

    def unfinished(self) -> int:
        """Jobs queued or running."""
        with self._transaction() as con:
            return int(
                con.execute("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')").fetchone()[0]
            )

    def claim(self) -> tuple[Job, list[Mapping[str, Any]]] | None:
        """The oldest queued job, now running, with its articles; None when none waits."""
        with self._transaction() as con:
            row = con.execute(
                f"SELECT {_COLUMNS}, articles FROM jobs WHERE state = 'queued' ORDER BY seq LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            started = time.time()
            con.execute("UPDATE jobs SET state = 'running', started = ? WHERE id = ?", (started, row[0]))
        job = _job(row[:-1])
        articles = cast(list[Mapping[str, Any]], json.loads(row[-1] or "[]"))
        return Job(job.id, "running", job.count, job.submitted, started), articles

    def finish(self, id: str, *, summary: dict[str, Any] | None = None, error: str | None = None) -> None:
        """Mark a running job done (with ``summary``) or failed (with ``error``); its articles are dropped."""
        with self._transaction() as con:
            con.execute(
                "UPDATE jobs SET state = ?, finished = ?, summary = ?, error = ?, articles = NULL WHERE id = ?",
                (
                    "failed" if error is not None else "done",
                    time.time(),
                    None if summary is None else json.dumps(summary),
                    error,
                    id,
                ),
            )

    def requeue_running(self) -> int:
        """Queue again the jobs a writer left running (it died): the new writer runs them first."""
        with self._transaction() as con:
            return con.execute("UPDATE jobs SET state = 'queued' WHERE state = 'running'").rowcount

    def close(self) -> None:
        with self._lock:
            self._con.close()


_COLUMNS = "id, state, count, submitted, started, finished, summary, error"


def _job(row: tuple[Any, ...]) -> Job:
    id_, state, count, submitted, started, finished, summary, error = row
    return Job(
        id=id_,
        state=state,
        count=count,
        submitted=submitted,
        started=started,
        finished=finished,
        summary=None if summary is None else json.loads(summary),
        error=error,
    )


class WriterLock:
    """An exclusive lock on ``path`` held by at most one process (``flock``): the process holding it runs
    the write jobs. Released by `release`, or by the operating system when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Whether this process holds the lock now (never waits)."""
        import fcntl  # POSIX only: the jobs of a server with writes need a POSIX system

        if self._file is not None:
            return True
        f = self.path.open("ab")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases its lock
            self._file = None
