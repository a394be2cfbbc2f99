"""What a running server holds: read connections to the index, shared by the requests, and one writer
thread that runs the write jobs one after another.

Reads never write: every request reads through a read-only `Index` (SQLite in WAL mode gives each read a
committed snapshot, so a reader never waits for the writer and never sees a batch half added). A write job
adds its articles in one transaction (`Index.add` with one batch), then brings the stories up to date in
another; readers see the new articles at once and their stories when the update commits.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from copydesk.engine import shapes
from copydesk.engine.index import Index
from copydesk.errors import CopydeskError
from copydesk.serve.config import ServeConfig
from copydesk.serve.errors import ApiError

log = logging.getLogger("copydesk.serve")
JobState = Literal["queued", "running", "done", "failed"]
_KEPT_JOBS = 1_000


@dataclass(slots=True)
class Job:
    """One write job: articles to add (none: only a stories update), then a stories update."""

    id: str
    articles: list[Mapping[str, Any]]
    count: int = 0
    state: JobState = "queued"
    submitted: float = field(default_factory=time.time)
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


class Service:
    """The index as the server uses it: ``config.readers`` read-only connections and, when writes are
    allowed, one writer connection with its job thread. StoreError when the index cannot be opened."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self._writer: Index | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pool: queue.Queue[Index] = queue.Queue()
        self._readers: list[Index] = []
        try:
            if config.writes:
                self._writer = Index(config.db)  # creates the index when it is new
            for _ in range(config.readers):
                reader = Index(config.db, readonly=True)
                self._readers.append(reader)
                self._pool.put(reader)
        except BaseException:
            self.close()
            raise
        if self._writer is not None:
            self._thread = threading.Thread(target=self._work, name="copydesk-writer", daemon=True)
            self._thread.start()
            if self._writer.stories_pending():
                self.submit([])  # stories behind the articles: bring them up to date first

    @contextmanager
    def reader(self) -> Iterator[Index]:
        """A read-only index for one request; ApiError 503 when none is free within ``config.wait``."""
        try:
            index = self._pool.get(timeout=self.config.wait)
        except queue.Empty:
            raise ApiError(
                503,
                f"the server is busy (all {self.config.readers} readers in use for {self.config.wait:g} s): "
                "try again shortly",
                headers={"Retry-After": "1"},
            ) from None
        try:
            yield index
        finally:
            self._pool.put(index)

    # -- write jobs ------------------------------------------------------------------------------------------

    def submit(self, articles: list[Mapping[str, Any]]) -> Job:
        """Queue a job adding ``articles`` (none: only a stories update); ApiError 503 when the queue is full."""
        if self._writer is None:
            raise ApiError(403, "writes are disabled on this server")
        with self._lock:
            waiting = sum(j.state == "queued" for j in self._jobs.values())
            if waiting >= self.config.max_jobs:
                raise ApiError(
                    503,
                    f"{waiting} write jobs are already waiting: try again when some are done",
                    headers={"Retry-After": "5"},
                )
            job = Job(id=secrets.token_hex(6), articles=articles, count=len(articles))
            self._jobs[job.id] = job
            while len(self._jobs) > _KEPT_JOBS:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].state in ("queued", "running"):
                    break
                del self._jobs[oldest]
        self._queue.put(job)
        return job

    def job(self, id: str) -> Job:
        with self._lock:
            found = self._jobs.get(id)
        if found is None:
            raise ApiError(
                404, f"no job {id!r} on this server (jobs are kept while it runs, the last {_KEPT_JOBS})"
            )
        return found

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: Job) -> None:
        writer = self._writer
        assert writer is not None
        job.state, job.started = "running", time.time()
        try:
            done = writer.add(job.articles, batch_size=max(1, len(job.articles)), workers=0)
            update = writer.update_stories()
            job.summary = shapes.summary(done, index_articles=writer.stats().articles, stories=update)
            job.state = "done"
        except CopydeskError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception as exc:
            log.exception("write job %s failed", job.id)
            job.error, job.state = (
                f"internal error ({type(exc).__name__}): nothing of this job was stored",
                "failed",
            )
        finally:
            job.finished = time.time()
            job.articles = []  # the texts are stored (or refused): not kept in memory

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Whether every job is finished (waiting up to ``timeout`` seconds): for tests and the load bench."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if all(j.state in ("done", "failed") for j in self._jobs.values()):
                    return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None
        for reader in self._readers:
            reader.close()
        self._readers = []
        if self._writer is not None:
            self._writer.close()
            self._writer = None
