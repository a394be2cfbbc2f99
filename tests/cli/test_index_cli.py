from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_add_find_stats(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "x.db"
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "good.jsonl").write_text(
        json.dumps({"id": "j1", "text": (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")})
        + "\n{broken json\n"
        + json.dumps({"id": "j2", "text": "A short unrelated note about a village fete."})
        + "\n",
        encoding="utf-8",
    )
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02")
    # wire.txt beside the folder: ids are relative to the folder holding both inputs (tmp_path).
    (tmp_path / "wire.txt").write_text((EXAMPLES / "wire.txt").read_text(encoding="utf-8"), encoding="utf-8")
    r = runner.invoke(cli, ["add", str(tmp_path / "wire.txt"), str(bad), "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["added"] == 3 and summary["skipped"] == 3
    reasons = "\n".join(summary["skipped_reasons"])
    assert "good.jsonl:2: invalid JSON" in reasons and "empty.txt" in reasons and "binary.txt" in reasons

    again = json.loads(
        runner.invoke(cli, ["add", str(EXAMPLES / "wire.txt"), "--db", str(db), "--format", "json"]).output
    )
    assert again["added"] == 0 and again["already_present_same_id"] == 1

    found = runner.invoke(cli, ["find", "wire.txt", "--db", str(db), "--format", "json"])
    assert found.exit_code == 0, found.output
    hits = json.loads(found.output)["hits"]
    assert [h["id"] for h in hits] == ["j1"] and hits[0]["direction"] == "copy"
    assert {"jaccard", "containment_query_in_hit", "containment_hit_in_query", "passages"} <= set(hits[0])

    from_file = runner.invoke(cli, ["find", str(EXAMPLES / "ledger.txt"), "--db", str(db)])
    assert from_file.exit_code == 0 and "wire.txt" in from_file.output

    explain = runner.invoke(cli, ["find", "wire.txt", "--db", str(db), "--explain", "j1"])
    assert explain.exit_code == 0 and "Edit script" in explain.output

    stats = json.loads(runner.invoke(cli, ["stats", "--db", str(db), "--format", "json"]).output)
    assert stats["articles"] == 3


def test_find_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(cli, ["find", "x", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "no index" in r.output
    db = tmp_path / "y.db"
    runner.invoke(cli, ["add", str(EXAMPLES / "wire.txt"), "--db", str(db)])
    r = runner.invoke(cli, ["find", "unknown-id", "--db", str(db)])
    assert r.exit_code == 1 and "unknown-id" in r.output and "Traceback" not in r.output


def test_add_reads_json_lines_from_standard_input(tmp_path: Path) -> None:
    """E20: before, ``add -`` was refused (path '-' does not exist)."""
    runner = CliRunner()
    db = tmp_path / "x.db"
    lines = (
        json.dumps({"id": "s1", "text": (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")}) + "\n{bad\n"
    )
    r = runner.invoke(cli, ["add", "-", "--db", str(db), "--format", "json"], input=lines)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["added"] == 1 and summary["skipped_reasons"][0].startswith("<stdin>:2: invalid JSON")


def test_add_that_reads_nothing_exits_1_after_the_skip_list(tmp_path: Path) -> None:
    """C12: before, an add that could read nothing at all exited 0."""
    runner = CliRunner()
    db = tmp_path / "x.db"
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"id": "a\\u0000b", "text": "x"}\n', encoding="utf-8")
    r = runner.invoke(cli, ["add", str(tmp_path / "empty.txt"), str(tmp_path / "bad.jsonl"), "--db", str(db)])
    assert r.exit_code == 1, r.output
    listed = " ".join(r.stderr.split())  # the skip list may be wrapped to the terminal's width
    assert "empty.txt: empty file" in listed and "bad.jsonl:1: id" in listed and "U+0000" in listed
    assert r.stderr.strip().splitlines()[-1].startswith("copydesk: error: no article could be read from")
    assert "Traceback" not in r.output
    r = runner.invoke(cli, ["add", "-", "--db", str(db), "--format", "json"], input="")
    assert r.exit_code == 1 and json.loads(r.stdout)["skipped_reasons"] == ["<stdin>: empty file"]


def test_add_names_an_id_met_again_with_another_text(tmp_path: Path) -> None:
    """B7: before, the text output only counted it (already present 1, same id)."""
    runner = CliRunner()
    db = tmp_path / "x.db"
    text = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "a", "text": text}) + "\n" + json.dumps({"id": "a", "text": "Other words."}) + "\n",
        encoding="utf-8",
    )
    assert runner.invoke(cli, ["add", str(tmp_path / "a.jsonl"), "--db", str(db)]).exit_code == 0
    r = runner.invoke(cli, ["add", str(tmp_path / "b.jsonl"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    expected = f"{tmp_path / 'b.jsonl'}:2: id 'a' is already in the index with another text"
    assert f"note: {expected}" in r.stderr and "already present 2 (same id)" in r.stdout
    r = runner.invoke(cli, ["add", str(tmp_path / "b.jsonl"), "--db", str(db), "--format", "json"])
    assert [n.startswith(expected) for n in json.loads(r.stdout)["notes"]] == [True]


def test_compact_merges_the_segments_and_find_gives_the_same(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "x.db")
    # one batch per article: one postings segment each
    r = runner.invoke(cli, ["add", str(EXAMPLES), "--db", db, "--batch-size", "1", "-q"])
    assert r.exit_code == 0, r.output

    def state() -> tuple[int, str]:
        stats = json.loads(runner.invoke(cli, ["stats", "--db", db, "--format", "json"]).output)
        hits = runner.invoke(cli, ["find", "wire.txt", "--db", db, "--format", "json"]).output
        return stats["segments"], hits

    segments, hits = state()
    assert segments > 1
    r = runner.invoke(cli, ["compact", "--db", db])
    assert r.exit_code == 0, r.output
    assert f"postings: {segments} segments -> 1" in r.output
    assert state() == (1, hits)
    again = runner.invoke(cli, ["compact", "--db", db])
    assert again.exit_code == 0 and "already in 1 segment; nothing to do" in again.output
    missing = runner.invoke(cli, ["compact", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no index at" in missing.output


def test_add_suggests_compact_once_the_segments_pile_up(tmp_path: Path, monkeypatch: Any) -> None:
    import copydesk.cli.index as index_cli

    monkeypatch.setattr(index_cli, "COMPACT_HINT", 3)
    runner = CliRunner()
    db = str(tmp_path / "x.db")
    first = runner.invoke(cli, ["add", str(EXAMPLES / "wire.txt"), "--db", db])
    assert first.exit_code == 0 and "copydesk compact" not in first.output
    more = runner.invoke(cli, ["add", str(EXAMPLES), "--db", db, "--batch-size", "1"])
    assert more.exit_code == 0, more.output
    assert "segments, and find looks in each; copydesk compact --db" in more.output
    runner.invoke(cli, ["compact", "--db", db])
    again = runner.invoke(cli, ["add", str(EXAMPLES), "--db", db])  # nothing new: no hint
    assert again.exit_code == 0 and "copydesk compact" not in again.output
