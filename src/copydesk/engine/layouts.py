"""Fingerprints and body layouts of a batch of articles, computed beside the index's reading and writing (see
`Index.add`).

Both are pure functions of the texts: fingerprints (`copydesk.sketch.batch`) and body layouts
(`copydesk.text.layout.body_layouts`). With the native core (`copydesk.core`) one thread prepares the next
batch: the native functions release the GIL and spread a batch over every core themselves, so nothing is
forked or pickled (which also suits a server). On the Python core they run in worker processes, the layout
being several times the cost of fingerprinting in Python, which threads would not run alongside the rest.
Workers are started only once a batch is large enough to pay for their start-up (smaller batches are
prepared in this process), by ``fork`` where there is one: a spawned worker imports the caller's main module
again, which breaks scripts without a ``__main__`` guard. `Index.add` starts them before its writer thread;
they never touch the parent's SQLite connection. They receive texts, body offsets and the content hashes
already laid out, and return the fingerprints as a few arrays (`BatchFingerprints`) and the layouts, through
the standard library's process pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk import core
from copydesk.config import IndexConfig
from copydesk.model import BodyLayout
from copydesk.sketch.batch import BatchFingerprints, fingerprint_arrays
from copydesk.store.codec import pack_texts
from copydesk.text.layout import body_layouts

U64 = npt.NDArray[np.uint64]

# Smallest batch sent to the workers: below it, starting them costs more than they save.
MIN_PARALLEL = 2000


def auto_workers() -> int:
    """Worker processes for `Index.add` by default: one per core this process may use, or none on a single
    core.

    Not one less than the cores: the main process reads and writes, which is about a third of the work, and
    waits for the workers the rest of the time, so with one worker fewer than the cores a core sits idle
    for much of an ingest (2 cores, 20k corpus: 4.3-5.0 s with one worker, 3.6-3.9 s with two)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """Fingerprints of every article of a batch, and the layouts and compressed texts (`pack_texts`) of those
    whose text was not laid out before (None for the others)."""

    fingerprints: BatchFingerprints
    layouts: list[BodyLayout | None]
    packed: list[bytes | None]


def prepare_batch(
    texts: Sequence[str], starts: Sequence[int], *, config: IndexConfig, known: U64
) -> PreparedBatch:
    """Fingerprints of ``texts[i][starts[i]:]``, and the body layout of each text whose content hash is
    neither in ``known`` (sorted uint64) nor met earlier in ``texts``."""
    fps = fingerprint_arrays(texts, config=config, starts=starts)
    hashes = fps.content_hashes
    at = np.searchsorted(known, hashes)
    done = at < len(known)
    done[done] = known[at[done]] == hashes[done]
    met: set[int] = set()
    todo: list[int] = []
    for i, (h, skip) in enumerate(zip(hashes.tolist(), done.tolist(), strict=True)):
        if not skip and h not in met:
            met.add(h)
            todo.append(i)
    layouts: list[BodyLayout | None] = [None] * len(texts)
    packed: list[bytes | None] = [None] * len(texts)
    chosen = [texts[i] for i in todo]
    laid = body_layouts(chosen, [starts[i] for i in todo])
    # the texts the store will keep, compressed here: off the thread that reads and encodes the batch
    for i, lay, blob in zip(todo, laid, pack_texts(chosen), strict=True):
        layouts[i] = lay
        packed[i] = blob
    return PreparedBatch(fps, layouts, packed)


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Initializer of a worker: a thread that ends the worker once its parent is gone.

    A worker blocked on its task queue does not notice that the process which started it was killed
    (kill -9 of `copydesk add`); without this it would wait there forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="copydesk-parent-watch", daemon=True).start()


class BatchPool:
    """Prepares batches, in ``workers`` processes (0: in this process). Use as a context manager."""

    def __init__(self, workers: int, *, config: IndexConfig) -> None:
        self._workers = workers
        self._config = config
        self._pool: ProcessPoolExecutor | None = None
        self._thread: ThreadPoolExecutor | None = None

    def __enter__(self) -> BatchPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None

    def submit(self, texts: list[str], starts: list[int], known: U64) -> list[Future[PreparedBatch]]:
        """Futures whose results, joined by `gather`, are ``prepare_batch(texts, starts, known=known)``."""
        if self._workers < 1 or len(texts) < MIN_PARALLEL:
            done: Future[PreparedBatch] = Future()
            done.set_result(prepare_batch(texts, starts, config=self._config, known=known))
            return [done]
        if core.native() is not None:
            # The native core releases the GIL and spreads a batch over every core itself: one thread
            # prepares the next batch while this one reads, no process is forked and nothing is pickled.
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="copydesk-prepare")
            return [self._thread.submit(prepare_batch, texts, starts, config=self._config, known=known)]
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        step = -(-len(texts) // self._workers)
        return [
            self._pool.submit(
                prepare_batch, texts[i : i + step], starts[i : i + step], config=self._config, known=known
            )
            for i in range(0, len(texts), step)
        ]


def gather(futures: list[Future[PreparedBatch]]) -> PreparedBatch:
    parts = [f.result() for f in futures]
    return PreparedBatch(
        BatchFingerprints.concat([p.fingerprints for p in parts]),
        [lay for p in parts for lay in p.layouts],
        [blob for p in parts for blob in p.packed],
    )
