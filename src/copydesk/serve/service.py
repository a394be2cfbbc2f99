"""What a running server process holds: read connections to the index, shared by its requests, and the
write jobs (`copydesk.serve.jobs`: kept in a file beside the index, seen by every process of the server,
run one after another by the one process holding the writer lock).

Reads never write: every request reads through a read-only `Index` (SQLite in WAL mode gives each read a
committed snapshot, so a reader never waits for the writer and never sees a batch half added). A write job
adds its articles in one transaction (`Index.add` with one batch), then brings the stories up to date in
another; readers see the new articles at once and their stories when the update commits.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from copydesk.engine import shapes
from copydesk.engine.index import Index
from copydesk.errors import CopydeskError
from copydesk.serve.config import ServeConfig
from copydesk.serve.errors import ApiError
from copydesk.serve.jobs import KEPT_JOBS, Job, JobBook, WriterLock, jobs_path, lock_path
from copydesk.store import StoryQuery

log = logging.getLogger("copydesk.serve")
# Seconds between looks at the jobs file for a job queued by another process, and between tries at the
# writer lock while another process holds it.
_POLL = 0.2
_TAKEOVER = 1.0


class Service:
    """The index as one server process uses it: ``config.readers`` read-only connections (and one more for
    the listings, `lister`) and, when writes
    are allowed, the jobs file and a writer thread that runs the jobs whenever this process holds the
    writer lock (one process of a server at a time). StoreError when the index cannot be opened."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self._jobs: JobBook | None = None
        self._lock = WriterLock(lock_path(config.db))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: queue.Queue[Index] = queue.Queue()
        self._readers: list[Index] = []
        self._lister: Index | None = None
        try:
            if config.writes:
                Index(config.db).close()  # creates the index when it is new (or upgrades it)
                self._jobs = JobBook(jobs_path(config.db))
            for _ in range(config.readers):
                reader = Index(config.db, readonly=True)
                self._readers.append(reader)
                self._pool.put(reader)
            self._lister = Index(config.db, readonly=True)
        except BaseException:
            self.close()
            raise
        if self._jobs is not None:
            self._thread = threading.Thread(target=self._work, name="copydesk-writer", daemon=True)
            self._thread.start()

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

    def lister(self) -> Index:
        """The read-only index the story and outlet listings read through, one request at a time: their
        counts over every story are kept by a connection until the file changes (see
        `copydesk.store.file.SqliteFile._read_memo`), so one connection counts them once per change where
        each reader would count them again."""
        assert self._lister is not None
        return self._lister

    def warm(self, first_page: int) -> None:
        """Count what the first listing requests ask (the stories' facets and first page of ``first_page``
        rows, the outlets table) ahead of them, so the first reader after a start or a job does not wait for
        a count over every story. The counts are kept only until the file changes, as any request's."""
        try:
            lister = self.lister()
            lister.list_stories(StoryQuery(limit=first_page))
            lister.outlets()
        except CopydeskError as exc:  # the index cannot be read now: the first request will say why
            log.warning("could not count the listings ahead: %s", exc)

    def warm_later(self, first_page: int) -> threading.Thread:
        """`warm` in a thread of its own (the server answers meanwhile)."""
        thread = threading.Thread(target=self.warm, args=(first_page,), name="copydesk-warm", daemon=True)
        thread.start()
        return thread

    # -- write jobs ------------------------------------------------------------------------------------------

    def submit(self, articles: list[Mapping[str, Any]]) -> Job:
        """Queue a job adding ``articles`` (none: only a stories update); ApiError 503 when the queue is full."""
        if self._jobs is None:
            raise ApiError(403, "writes are disabled on this server")
        job = self._jobs.submit(articles, max_queued=self.config.max_jobs)
        if job is None:
            raise ApiError(
                503,
                f"{self.config.max_jobs} write jobs are already waiting: try again when some are done",
                headers={"Retry-After": "5"},
            )
        self._wake.set()
        return job

    def job(self, id: str) -> Job:
        found = None if self._jobs is None else self._jobs.get(id)
        if found is None:
            raise ApiError(404, f"no job {id!r} on this server (the last {KEPT_JOBS} jobs are kept)")
        return found

    def _work(self) -> None:
        """The writer thread: while this process holds the writer lock, run the queued jobs in order."""
        jobs = self._jobs
        assert jobs is not None
        writer: Index | None = None
        try:
            while not self._stop.is_set():
                if not self._lock.acquire():
                    self._stop.wait(_TAKEOVER)  # another process runs the jobs
                    continue
                if writer is None:
                    writer = Index(self.config.db)
                    jobs.requeue_running()  # left running by a writer that died: run them again
                    if writer.stories_pending() and not jobs.waiting():
                        jobs.submit([], max_queued=1)  # stories behind the articles: bring them up to date
                claimed = jobs.claim()
                if claimed is None:
                    self._wake.wait(_POLL)
                    self._wake.clear()
                    continue
                self._run(writer, jobs, *claimed)
        except Exception:
            log.exception("the writer thread stopped")
        finally:
            if writer is not None:
                writer.close()
            self._lock.release()

    def _run(self, writer: Index, jobs: JobBook, job: Job, articles: list[Mapping[str, Any]]) -> None:
        try:
            done = writer.add(articles, batch_size=max(1, len(articles)), workers=0)
            update = writer.update_stories()
            summary = shapes.summary(done, index_articles=writer.stats().articles, stories=update)
        except CopydeskError as exc:
            jobs.finish(job.id, error=str(exc))
        except Exception as exc:
            log.exception("write job %s failed", job.id)
            jobs.finish(
                job.id, error=f"internal error ({type(exc).__name__}): nothing of this job was stored"
            )
        else:
            jobs.finish(job.id, summary=summary)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Whether every job is finished (waiting up to ``timeout`` seconds): for tests and the load bench."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self._jobs is None or not self._jobs.unfinished():
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=30)
            self._thread = None
        for reader in self._readers:
            reader.close()
        self._readers = []
        if self._lister is not None:
            self._lister.close()
            self._lister = None
        if self._jobs is not None:
            self._jobs.close()
            self._jobs = None
