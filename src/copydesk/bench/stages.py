"""CPU time per article of each stage of ``copydesk add``, for the Python core and the native core in one run.

Run by ``copydesk bench stages PATH [--limit N]``. For each core (`copydesk.core.use`), in this process and
with no worker processes, over the first ``limit`` records of ``PATH`` (any input ``copydesk add`` reads):

- ``read``: read and parse the file (`copydesk.io.read`, as ``add`` calls it), every record into a list;
- ``check``: the record checks of ``add`` (`copydesk.engine.intake.checked`);
- ``layout``: the body layout of every article (`copydesk.text.layout.body_layouts` on each batch). ``add``
  lays out only texts it has not met before, so this is an upper bound by the share of repeated texts
  (given as ``repeated_texts``);
- ``fingerprint``: `copydesk.sketch.batch.fingerprint_arrays` on each batch, and its records;
- ``store``: the store's encoding and write of each prepared batch, one transaction each
  (`Store.add_batch` of its `IndexedArticle` records; ``Index.add`` encodes a batch beside its reader and
  leaves only the SQL to its writer thread), into a fresh index file in a temporary folder.

Batches are of ``batch_size`` articles, as in ``add``. Each core first runs every stage untimed on the first
`WARM_UP` records; then the cores take turns for ``repeat`` rounds, and each figure is its least over them
(the least disturbed by other work on the machine). Each stage is timed over the whole input with
`time.process_time` (CPU of every thread of this process: the native core's threads count too) and
`time.perf_counter` (wall). Figures are microseconds per article read. The native core is left out, with a
note, when its extension is not installed. The stages run one after another, not in ``add``'s pipeline, so
their sum is CPU work, not ``add``'s wall time.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from copydesk import core
from copydesk.engine import intake
from copydesk.engine.index import Index
from copydesk.errors import ConfigError
from copydesk.io import Skipped, read
from copydesk.model import Article, Fingerprints, IndexedArticle
from copydesk.sketch.batch import fingerprint_arrays
from copydesk.text import layout

STAGES = ("read", "check", "layout", "fingerprint", "store")
WARM_UP = 500  # records of the untimed pass before each core's timed one
T = TypeVar("T")


class _Clock:
    """CPU and wall seconds summed per stage."""

    def __init__(self) -> None:
        self.cpu = dict.fromkeys(STAGES, 0.0)
        self.wall = dict.fromkeys(STAGES, 0.0)

    def time(self, stage: str, work: Callable[[], T]) -> T:
        c, w = time.process_time(), time.perf_counter()
        out = work()
        self.cpu[stage] += time.process_time() - c
        self.wall[stage] += time.perf_counter() - w
        return out


def _batches(items: list[Article], size: int) -> Iterator[list[Article]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run_core(path: Path, *, limit: int | None, batch_size: int) -> dict[str, Any]:
    """Every stage once over ``path`` with the core in use; a JSON-ready dict."""
    clock = _Clock()
    records = clock.time("read", lambda: list(itertools.islice(read([path]), limit)))
    skipped: list[Skipped] = []
    notes: list[str] = []
    articles = clock.time("check", lambda: list(intake.checked(records, skipped, notes)))
    hashes: set[int] = set()
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "stages.db") as index:
        for batch in _batches(articles, batch_size):
            texts = [a.text for a in batch]
            starts = [a.body_start for a in batch]
            layouts = clock.time("layout", lambda: layout.body_layouts(texts, starts))  # noqa: B023
            fps: list[Fingerprints] = clock.time(
                "fingerprint",
                lambda: fingerprint_arrays(texts, config=index.config, starts=starts).records(),  # noqa: B023
            )
            hashes.update(f.content_hash for f in fps)
            items = [IndexedArticle(a, f, lay) for a, f, lay in zip(batch, fps, layouts, strict=True)]
            clock.time("store", lambda: index.store.add_batch(items))  # noqa: B023
        stored = index.stats().articles
    n = max(len(records), 1)
    stages = {
        s: {
            "cpu_us_per_article": round(clock.cpu[s] / n * 1e6, 1),
            "wall_us_per_article": round(clock.wall[s] / n * 1e6, 1),
        }
        for s in STAGES
    }
    return {
        "core": core.describe(),
        "stages": stages,
        "total_cpu_us_per_article": round(sum(clock.cpu.values()) / n * 1e6, 1),
        "total_wall_us_per_article": round(sum(clock.wall.values()) / n * 1e6, 1),
        "records": len(records),
        "articles": len(articles),
        "skipped_records": len(skipped),
        "repeated_texts": len(articles) - len(hashes),
        "stored": stored,
    }


def time_stages(
    path: Path,
    *,
    limit: int | None = None,
    batch_size: int = 10_000,
    repeat: int = 3,
    cores: Sequence[str] = ("python", "native"),
) -> dict[str, Any]:
    """`run_core` for each of ``cores`` in turn, ``repeat`` rounds, in this process; each figure is its
    smallest over the rounds (the least disturbed by other work on the machine). The core in use before is
    restored.

    A JSON-ready dict: ``path``, ``limit``, ``batch_size``, ``repeat``, ``cores`` (core name -> `run_core`'s
    dict, or ``{"unavailable": reason}``) and ``native_speedup`` (python CPU / native CPU per stage, when
    both ran).
    """
    for label, value in (("limit", limit), ("batch_size", batch_size), ("repeat", repeat)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ConfigError(f"{label} must be a positive integer, got {value!r}")
    before = core.name()
    results: dict[str, dict[str, Any]] = {}
    ready: list[str] = []
    try:
        for name in cores:
            if name == "native":
                core.use(None)
                if core.native() is None:
                    results[name] = {"unavailable": core.describe()}
                    continue
            core.use(name)
            # Untimed first: the first pass of a process pays for imports, compiled patterns, the file's
            # first read from disk and SQLite's start, which would all count against the core run first.
            run_core(path, limit=min(limit or WARM_UP, WARM_UP), batch_size=batch_size)
            ready.append(name)
        for _ in range(repeat):
            for name in ready:
                core.use(name)
                run = run_core(path, limit=limit, batch_size=batch_size)
                results[name] = _least(results[name], run) if name in results else run
    finally:
        core.use(None if before == "native" else before)
    out: dict[str, Any] = {
        "path": str(path),
        "limit": limit,
        "batch_size": batch_size,
        "repeat": repeat,
        "cores": {name: results[name] for name in cores if name in results},
    }
    py, nat = results.get("python", {}), results.get("native", {})
    if "stages" in py and "stages" in nat:
        out["native_speedup"] = {
            s: _ratio(py["stages"][s]["cpu_us_per_article"], nat["stages"][s]["cpu_us_per_article"])
            for s in STAGES
        } | {"total": _ratio(py["total_cpu_us_per_article"], nat["total_cpu_us_per_article"])}
    return out


def _least(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``a`` with each timing the smaller of ``a``'s and ``b``'s."""
    out = dict(a)
    out["stages"] = {
        s: {k: min(v, b["stages"][s][k]) for k, v in fig.items()} for s, fig in a["stages"].items()
    }
    for k in ("total_cpu_us_per_article", "total_wall_us_per_article"):
        out[k] = min(a[k], b[k])
    return out


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b > 0 else None


def table(result: dict[str, Any]) -> list[str]:
    """Lines of a small table of `time_stages`'s result: CPU microseconds per article, a column per core."""
    ran = {k: v for k, v in result["cores"].items() if "stages" in v}
    lines = [f"{'stage':<12}" + "".join(f"{name + ' cpu us':>16}" for name in ran)]
    for s in (*STAGES, "total"):
        cells = [
            v["total_cpu_us_per_article"] if s == "total" else v["stages"][s]["cpu_us_per_article"]
            for v in ran.values()
        ]
        lines.append(f"{s:<12}" + "".join(f"{c:>16,.1f}" for c in cells))
    for name, v in result["cores"].items():
        if "unavailable" in v:
            lines.append(f"{name} core left out: {v['unavailable']}")
    return lines
