"""`copydesk bench stories`, `bench ecb` and `bench reuters-groups`: JSON on stdout, one clean line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

DATA = Path(__file__).resolve().parent.parent / "data"
METER_MINI = DATA / "meter_mini.jsonl"


def test_bench_stories_on_fixture(tmp_path: Path) -> None:
    details = tmp_path / "details.jsonl"
    result = CliRunner().invoke(cli, ["bench", "stories", str(METER_MINI), "--details", str(details)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["ari"] == figures["bcubed_f1"] == figures["direction_accuracy"] == 1.0
    assert len(details.read_text(encoding="utf-8").splitlines()) == 5


def test_bench_ecb_and_reuters_on_small_files(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in METER_MINI.read_text(encoding="utf-8").splitlines()]
    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text(
        "".join(
            json.dumps({"id": r["id"], "topic": 1, "story": r["story"], "text": r["text"]}) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["bench", "ecb", str(ecb)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 5
    result = CliRunner().invoke(cli, ["bench", "reuters-groups", str(ecb), "--sample", "1"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["identical_groups"] == 0 and len(figures["sample"]) == 1


def test_bench_commands_reject_other_files() -> None:
    result = CliRunner().invoke(cli, ["bench", "ecb", str(METER_MINI)])
    assert result.exit_code == 1
    assert result.output.startswith("copydesk: error: ") and "missing field(s) topic" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(cli, ["bench", "reuters-groups", str(METER_MINI), "--sample", "-1"])
    assert result.exit_code == 2
