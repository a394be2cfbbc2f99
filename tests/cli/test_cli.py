from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from tests.conftest import SUITE_CORE

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_compare_text(runner: CliRunner, wire_path: Path, ledger_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(wire_path), str(ledger_path)])
    assert result.exit_code == 0, result.output
    assert "b_from_a" in result.output
    assert "Edit script" in result.output and "boilerplate" in result.output


def test_compare_json_schema(runner: CliRunner, wire_path: Path, ledger_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(wire_path), str(ledger_path), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["schema_version"] == 1 and data["verdict"] == "b_from_a"
    assert data["a"]["id"] == "wire" and data["a"]["date"] == "2026-03-14"
    text_b = ledger_path.read_text(encoding="utf-8")
    for s in data["sentences"]:
        if s["side"] == "b":
            assert text_b[s["start"] : s["end"]] == s["text"]


def test_compare_stdin(runner: CliRunner, wire_path: Path, ledger_path: Path) -> None:
    result = runner.invoke(
        cli,
        ["compare", str(wire_path), "-", "--format", "json"],
        input=ledger_path.read_text(encoding="utf-8"),
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["b"]["id"] == "stdin"


def test_compare_html_to_file(runner: CliRunner, wire_path: Path, weekly_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        cli, ["compare", str(wire_path), str(weekly_path), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Coastal Press Agency" in page


def test_missing_file_is_one_clean_line(runner: CliRunner, wire_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(wire_path), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "nope.txt" in result.output and "Traceback" not in result.output


def test_binary_and_bad_utf8_inputs(runner: CliRunner, wire_path: Path, tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"line one\nline \xff two\n")
    r1 = runner.invoke(cli, ["compare", str(wire_path), str(binary)])
    r2 = runner.invoke(cli, ["compare", str(wire_path), str(bad)])
    assert r1.exit_code == 1 and "binary file" in r1.output
    assert r2.exit_code == 1 and "bad.txt:2: invalid UTF-8" in r2.output


def test_usage_errors_exit_2(runner: CliRunner, wire_path: Path) -> None:
    assert runner.invoke(cli, ["compare", "-", "-"]).exit_code == 2
    assert runner.invoke(cli, ["compare", str(wire_path)]).exit_code == 2
    assert runner.invoke(cli, ["compare", str(wire_path), str(wire_path), "--format", "pdf"]).exit_code == 2


def test_bad_setting_is_one_clean_line(runner: CliRunner, wire_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(wire_path), str(wire_path), "--shingle-size", "0"])
    assert result.exit_code == 1 and "shingle_size must be" in result.output


def test_bench_meter_on_fixture(runner: CliRunner, tmp_path: Path) -> None:
    details = tmp_path / "details.jsonl"
    result = runner.invoke(cli, ["bench", "meter", str(DATA / "meter_mini.jsonl"), "--details", str(details)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["copies"] == 3 and figures["derived"] == 2
    assert figures["binary_f1"] == 1.0 and figures["auc"] == 1.0
    for key in ("best_f1", "macro_f1", "token_f1"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["token_precision"] > 0.0  # the verbatim span is found, the New paragraph is not
    assert len(details.read_text(encoding="utf-8").splitlines()) == 3


def test_bench_meter_real_data(runner: CliRunner) -> None:
    from tests.conftest import shared_file

    path = shared_file("meter", "documents.jsonl.gz")
    result = runner.invoke(cli, ["bench", "meter", str(path)])
    assert result.exit_code == 0
    figures = json.loads(result.output)
    assert figures["copies"] > 100 and 0.5 < figures["auc"] <= 1.0


def test_bench_compare_prints_timings(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["bench", "compare", "--repeat", "2", "--words", "200"])
    assert result.exit_code == 0
    assert json.loads(result.output)["runs"] == 2


def test_python_m_copydesk_runs() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "copydesk" in proc.stdout


def test_version_names_the_core_and_the_environment_can_force_the_reference(runner: CliRunner) -> None:
    from copydesk import core

    try:
        result = runner.invoke(cli, ["--version"], env={"COPYDESK_CORE": "python"})
        assert result.exit_code == 0 and "core: python" in result.output
        result = runner.invoke(cli, ["--version"], env={"COPYDESK_CORE": ""})
        assert result.exit_code == 0
        assert ("core: native" in result.output) == (core.native() is not None)
        result = runner.invoke(cli, ["--version"], env={"COPYDESK_CORE": "quick"})
        assert result.exit_code == 1 and "core must be one of native, python" in result.output
    finally:
        core.use(SUITE_CORE)


def test_output_files_of_compare_and_story_are_written_like_exports(tmp_path: Path) -> None:
    """`compare -o` and `story -o` write into a new file beside the target and rename it: a link at the
    target is replaced, never written through, and nothing else is left in the folder."""
    from tests.conftest import EXAMPLES

    group = cli
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    runner = CliRunner()
    db = tmp_path / "x.db"
    assert (
        runner.invoke(
            group, ["add", str(EXAMPLES / "wire.txt"), str(EXAMPLES / "ledger.txt"), "--db", str(db)]
        ).exit_code
        == 0
    )
    for name, args in (
        ("c.html", ["compare", str(EXAMPLES / "wire.txt"), str(EXAMPLES / "ledger.txt"), "--format", "html"]),
        ("s.json", ["story", "wire.txt", "--db", str(db), "--format", "json"]),
    ):
        (out / name).symlink_to(victim)
        r = runner.invoke(group, [*args, "-o", str(out / name)])
        assert r.exit_code == 0, r.output
        assert victim.read_text(encoding="utf-8") == "precious"
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 100
    assert sorted(p.name for p in out.iterdir()) == ["c.html", "s.json"]
