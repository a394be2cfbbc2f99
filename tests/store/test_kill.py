"""Kill safety and concurrency across processes: SIGKILL in the middle of an ingest, readers during a write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.store import open_store, postings
from tests.store.ingest_script import CONFIG, make_batch

ROOT = Path(__file__).resolve().parents[2]
BATCHES = 10
BATCH_SIZE = 2000

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def start_ingest(
    path: Path, batches: int = BATCHES, batch_size: int = BATCH_SIZE, cache_mb: int = 64
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.store.ingest_script",
            str(path),
            *("--batches", str(batches), "--batch-size", str(batch_size), "--cache-mb", str(cache_mb)),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_while_adding(path: Path, batch: int, *, cache_mb: int = 64) -> None:
    """Run the ingest and SIGKILL it once it has started adding ``batch`` (inside that transaction).

    With a 1 MiB page cache the open transaction has already spilled pages into the write-ahead log (about
    500 uncommitted frames), so the reopening must discard them; with 64 MiB it holds them in memory."""
    proc = start_ingest(path, cache_mb=cache_mb)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == f"adding {batch}":
            time.sleep(0.08)  # past encoding, inside the write transaction (~0.2 s)
            os.kill(proc.pid, signal.SIGKILL)
            break
        assert line.startswith(("adding", "committed")), line
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""


def check_consistent(path: Path) -> int:
    """The index holds whole batches only, and every table agrees; returns the number of articles."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        assert articles % BATCH_SIZE == 0
        per_batch = dict(con.execute("SELECT added_batch, count(*) FROM articles GROUP BY added_batch"))
        logged = dict(con.execute("SELECT batch, added FROM batches WHERE added > 0"))
        assert per_batch == logged
        assert con.execute("SELECT count(*) FROM fingerprints").fetchone()[0] == articles
        assert con.execute("SELECT coalesce(sum(docs), 0) FROM segments").fetchone()[0] == articles
        stored = "SELECT coalesce(sum(length(postings)), 0) / ? FROM {}"
        size = postings.RECORD.itemsize
        assert con.execute(stored.format("band_blocks"), (size,)).fetchone()[0] == articles * CONFIG.bands
        batches = articles // BATCH_SIZE
        passages = sum(
            len(i.fingerprints.passages) for k in range(batches) for i in make_batch(k, BATCH_SIZE)
        )
        assert con.execute(stored.format("passage_blocks"), (size,)).fetchone()[0] == passages
        ids = [row[0] for row in con.execute("SELECT id FROM articles ORDER BY doc")]
        assert ids == [f"doc{n:07d}" for n in range(articles)]
    finally:
        con.close()
    return int(articles)


def test_kill_mid_batch_leaves_whole_batches_and_rerun_finishes(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    kill_while_adding(path, 3, cache_mb=1)
    first = check_consistent(path)
    assert 3 * BATCH_SIZE <= first < BATCHES * BATCH_SIZE

    kill_while_adding(path, 7)  # the re-run skips what is stored, then is killed again
    second = check_consistent(path)
    assert first <= second < BATCHES * BATCH_SIZE

    proc = start_ingest(path)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    added = {
        int(line.split()[1]): int(line.split("added=")[1]) for line in out.splitlines() if "added=" in line
    }
    assert sum(added.values()) == BATCHES * BATCH_SIZE - second
    assert all(added[k] == 0 for k in range(second // BATCH_SIZE))
    assert check_consistent(path) == BATCHES * BATCH_SIZE
    with open_store(path, readonly=True) as store:
        assert store.count() == BATCHES * BATCH_SIZE
        assert len(set(store.ids())) == BATCHES * BATCH_SIZE


def test_reader_process_sees_whole_batches_while_another_process_adds(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    with open_store(path, config=CONFIG):
        pass  # create the file, so the reader can open it read-only from the start
    probe = make_batch(0, BATCH_SIZE)[5]
    proc = start_ingest(path, batches=20)
    seen: list[int] = []
    with open_store(path, readonly=True) as reader:
        while proc.poll() is None:
            count = reader.count()
            assert count % BATCH_SIZE == 0
            if count:
                assert reader.band_candidates(probe.fingerprints.band_keys)[f"doc{5:07d}"] == CONFIG.bands
            seen.append(count)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert reader.count() == 20 * BATCH_SIZE
    assert seen == sorted(seen)
    assert len(set(seen)) > 2, f"the reader saw too few states to show anything: {sorted(set(seen))}"
