"""The benchmarks' memory figures: a process tree's PSS from /proc, and copydesk's run reporting its workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.bench.memory import TreePeak, descendants, tree_pss_mb

pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")

# A child that holds 96 MiB of its own (written, so resident and not shared), says so, and waits.
_HOLD = (
    "import sys\n"
    "b = bytearray(96 << 20)\n"
    "b[::4096] = b'x' * len(b[::4096])\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
)


def _holder() -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def test_tree_counts_a_child_and_its_memory() -> None:
    alone = tree_pss_mb()
    assert alone is not None and alone > 0
    child = _holder()
    try:
        assert child.pid in descendants(os.getpid())
        with_child = tree_pss_mb()
        assert with_child is not None and with_child - alone >= 90
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait()


def test_peak_keeps_the_largest_sample_after_the_child_is_gone() -> None:
    with TreePeak(every=0.05) as peak:
        before = peak.peak_mb
        child = _holder()
        time.sleep(0.3)
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        child.wait()
    assert before is not None and peak.peak_mb is not None
    assert peak.peak_mb - before >= 90
    now = tree_pss_mb()
    assert now is not None and now < peak.peak_mb


def test_sampling_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="every"):
        TreePeak(every=0)


def test_copydesk_run_reports_main_workers_and_tree(tmp_path: Path) -> None:
    from copydesk.bench.endtoend import run_copydesk
    from copydesk.bench.generator.corpus import generate
    from tests.bench.test_make_corpus import write_source

    generate(write_source(tmp_path / "src.jsonl.gz"), tmp_path / "c", size=120, seed=3)
    out = run_copydesk(tmp_path / "c", queries=20)
    assert out["peak_rss_mb"] > 0 and out["peak_pss_tree_mb"] > 0
    assert out["peak_rss_upper_mb"] >= out["peak_rss_mb"]
    assert out["workers"] >= 0 and out["workers_peak_rss_mb"] >= 0
