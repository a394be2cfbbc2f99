from __future__ import annotations

import json
from pathlib import Path

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
    r = runner.invoke(cli, ["add", str(EXAMPLES / "wire.txt"), str(bad), "--db", str(db), "--format", "json"])
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
