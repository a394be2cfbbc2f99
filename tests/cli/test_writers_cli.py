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
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()  # until told (or the test is gone)
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


def _hold(db: Path) -> subprocess.Popen[str]:
    """A process holding the write lock of ``db`` (taken when this returns) until a line on its stdin."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def _waits_then_succeeds(db: Path, *args: str) -> str:
    """Run copydesk ``args`` while another process holds the write lock, let go of it when copydesk says
    that it waits (its first line on stderr), and return the rest of its stderr once it succeeded."""
    holder = _hold(db)
    run = _copydesk(*args)
    assert run.stderr is not None and holder.stdin is not None
    first = run.stderr.readline()
    holder.stdin.write("go\n")
    holder.stdin.close()
    _, rest = run.communicate(timeout=300)
    assert holder.wait(timeout=60) == 0
    assert run.returncode == 0, first + rest
    assert first.startswith(f"{WAITING} {db}"), first
    assert WAITING not in rest and "Traceback" not in rest
    return rest


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
    rest = _waits_then_succeeds(db, "stories", "--db", str(db), "--limit", "1")
    assert "stories updated" in rest and "200" in rest


def test_export_waits_for_a_writer_and_says_so(tmp_path: Path) -> None:
    db = unrelated_index(tmp_path, 200, stories=False)
    out = tmp_path / "x.jsonl"
    _waits_then_succeeds(db, "export", "stories", "--db", str(db), "-o", str(out), "-q")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 200


def test_add_waits_for_a_writer_and_says_so(tmp_path: Path) -> None:
    db = unrelated_index(tmp_path, 10, stories=False)
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "late", "text": "A late article of a few words."}\n', encoding="utf-8")
    _waits_then_succeeds(db, "add", str(more), "--db", str(db), "-q")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 11
