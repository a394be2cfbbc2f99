"""Body layouts of a batch of articles, computed in worker processes while the index reads, fingerprints and
writes (see `Index.add`).

A layout (`copydesk.text.layout.body_layout`) costs several times what fingerprinting does, and is pure
Python, so threads would not run it alongside the rest. Workers are started only once a batch is large
enough to pay for their start-up (smaller batches are laid out in this process), by ``fork`` where there is
one: a spawned worker imports the caller's main module again, which breaks scripts without a ``__main__``
guard. `Index.add` starts them before its writer thread; they never touch the parent's SQLite connection.
Workers receive texts and body offsets and return `BodyLayout` records, through the standard library's
process pool.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from copydesk.model import BodyLayout
from copydesk.text.layout import body_layout

# Smallest batch sent to the workers: below it, starting them costs more than they save.
MIN_PARALLEL = 2000


def layout_batch(texts: Sequence[str], starts: Sequence[int]) -> list[BodyLayout]:
    """`body_layout` of each ``texts[i][starts[i]:]``, in order."""
    return [body_layout(t, start=s) for t, s in zip(texts, starts, strict=True)]


class LayoutPool:
    """Lays out batches, in ``workers`` processes (0: in this process). Use as a context manager."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LayoutPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, texts: list[str], starts: list[int]) -> list[Future[list[BodyLayout]]]:
        """Futures whose results, concatenated, are ``layout_batch(texts, starts)``."""
        if self._workers < 1 or len(texts) < MIN_PARALLEL:
            done: Future[list[BodyLayout]] = Future()
            done.set_result(layout_batch(texts, starts))
            return [done]
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context(method))
        step = -(-len(texts) // self._workers)
        return [
            self._pool.submit(layout_batch, texts[i : i + step], starts[i : i + step])
            for i in range(0, len(texts), step)
        ]


def gather(futures: list[Future[list[BodyLayout]]]) -> list[BodyLayout]:
    return [layout for f in futures for layout in f.result()]
