"""Peak memory of a process and of the processes it starts (`copydesk add`'s workers), for the benchmarks.

``ru_maxrss`` of the benchmark process leaves out worker processes, and adding up the workers' resident sets
counts twice the pages a forked worker shares with its parent. `TreePeak` samples the proportional set size
(PSS: each shared page split between the processes that map it) of this process and all its descendants
from ``/proc`` every ``every`` seconds while it is entered, and keeps the largest sum seen: the memory the
whole job held at its peak, to within what happens between two samples. Linux only; elsewhere ``peak_mb``
stays None.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

_PROC = Path("/proc")


def peak_rss_mb(*, children: bool = False) -> float:
    """``ru_maxrss`` in MiB: of this process, or with ``children`` of its largest ended child process."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from the ``children`` lists of its threads in ``/proc``."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            tasks = list((_PROC / str(p) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except (OSError, ValueError):
                continue
    return out


def pss_kb(pid: int) -> int | None:
    """The PSS of one process in KiB, or None if it is gone or ``/proc`` does not say."""
    try:
        text = (_PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return None


def tree_pss_mb(pid: int | None = None) -> float | None:
    """The summed PSS, in MiB, of ``pid`` (default: this process) and its descendants; None off Linux."""
    sizes = [pss_kb(p) for p in descendants(os.getpid() if pid is None else pid)]
    known = [s for s in sizes if s is not None]
    return sum(known) / 1024 if known else None


class TreePeak:
    """Context manager: the largest `tree_pss_mb` of this process seen while entered, in ``peak_mb``."""

    def __init__(self, every: float = 0.2) -> None:
        if every <= 0:
            raise ValueError(f"every must be positive, got {every!r}")
        self.every = every
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        now = tree_pss_mb()
        if now is not None and (self.peak_mb is None or now > self.peak_mb):
            self.peak_mb = now

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def __enter__(self) -> TreePeak:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()
