"""The CLI at a keyboard: the README's demo and every verb with its progress bar, under a pseudo-terminal."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

from tests.cli.terminal import EXAMPLES, in_terminal

MAKEFILE = EXAMPLES.parent / "Makefile"
LIVE = b"\x1b[?25l"  # rich hides the cursor while a progress bar is live


def _demo_commands() -> list[list[str]]:
    lines = MAKEFILE.read_text(encoding="utf-8").split("\ndemo:", 1)[1].split("\n")[1:]
    commands = []
    for line in lines:
        if not line.startswith("\t"):
            break
        if line.strip().startswith("@echo"):
            continue  # a message to the reader (the command that serves the index), nothing to run
        commands.append(shlex.split(line.strip()))
    return commands


def test_the_demo_runs_in_a_terminal(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    commands = _demo_commands()
    ran = [c for c in commands if c[0] == "$(BIN)/copydesk"]
    assert len(ran) >= 8 and {c[1] for c in ran} >= {"compare", "add", "find", "stories", "story"}
    for command in commands:
        if command[0] == "$(BIN)/copydesk":
            in_terminal(*command[1:], cwd=tmp_path, columns=100).ok()
        else:  # mkdir, rm
            subprocess.run(command, cwd=tmp_path, check=True)
    assert (tmp_path / "out" / "story.html").stat().st_size > 1000
    assert json.loads((tmp_path / "out" / "wire-weekly.json").read_text(encoding="utf-8"))["verdict"]


def _more(path: Path, name: str, extra: str) -> Path:
    text = (EXAMPLES / "wire.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    path.write_text(json.dumps({"id": name, "text": text + "\n\n" + extra}) + "\n", encoding="utf-8")
    return path


def test_every_verb_and_its_progress_bar_in_a_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    add = in_terminal("add", str(EXAMPLES), "--db", db, cwd=tmp_path).ok()
    assert LIVE in add.out and "added 4" in add.text
    assert "wire.txt" in in_terminal("find", "wire.txt", "--db", db, cwd=tmp_path).ok().text
    stories = in_terminal("stories", "--db", db, cwd=tmp_path).ok()
    assert LIVE in stories.out and "wire.txt" in stories.text
    assert "ledger.txt" in in_terminal("story", "wire.txt", "--db", db, cwd=tmp_path).ok().text

    # each export finds new articles to place, under its bar, then writes under another
    in_terminal(
        "add", str(_more(tmp_path / "a.jsonl", "a-copy", "A late line.")), "--db", db, cwd=tmp_path
    ).ok()
    out = tmp_path / "stories.jsonl"
    export = in_terminal("export", "stories", "--db", db, "-o", str(out), cwd=tmp_path).ok()
    assert LIVE in export.out and "stories updated" in export.text and "a-copy" in out.read_text()
    in_terminal(
        "add", str(_more(tmp_path / "b.jsonl", "b-copy", "Another line.")), "--db", db, cwd=tmp_path
    ).ok()
    dedup = in_terminal("export", "dedup", "--db", db, "-o", str(tmp_path / "dedup.jsonl"), cwd=tmp_path).ok()
    assert LIVE in dedup.out and "one per story" in dedup.text

    compare = in_terminal("compare", str(EXAMPLES / "wire.txt"), str(EXAMPLES / "ledger.txt"), cwd=tmp_path)
    assert "Verdict" in compare.ok().text


def test_a_failing_verb_in_a_terminal_is_one_line(tmp_path: Path) -> None:
    run = in_terminal("story", "nope", "--db", str(tmp_path / "none.db"), cwd=tmp_path)
    assert run.code == 2 and "Traceback" not in run.text and "no index at" in run.text
