"""Commands that write to one index at once, in separate processes: they wait for each other, never fail
for it, and say on stderr when they wait."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli.corpus import unrelated_index

WAITING = "waiting for another copydesk process writing to"
HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("COMMIT")
"""


def _copydesk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "copydesk", *args],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    """A process holding the write lock of ``db`` for ``seconds`` (started when this returns)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_two_stories_updates_at_once_both_succeed(tmp_path: Path) -> None:
    db = unrelated_index(tmp_path, 6000, stories=False)
    runs = [_copydesk("stories", "--db", str(db), "--limit", "1") for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert "Traceback" not in err
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM story_members").fetchone()[0] == 6000


def test_stories_waits_for_a_writer_and_says_so(tmp_path: Path) -> None:
    db = unrelated_index(tmp_path, 200, stories=False)
    holder = _hold(db, 3)
    run = _copydesk("stories", "--db", str(db), "--limit", "1")
    _, err = run.communicate(timeout=300)
    assert holder.wait(timeout=60) == 0
    assert run.returncode == 0, err
    assert err.count(WAITING) == 1 and str(db) in err


def test_export_waits_for_a_writer_and_says_so(tmp_path: Path) -> None:
    db = unrelated_index(tmp_path, 200, stories=False)
    out = tmp_path / "x.jsonl"
    holder = _hold(db, 3)
    run = _copydesk("export", "stories", "--db", str(db), "-o", str(out), "-q")
    _, err = run.communicate(timeout=300)
    assert holder.wait(timeout=60) == 0
    assert run.returncode == 0, err
    assert WAITING in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 200
