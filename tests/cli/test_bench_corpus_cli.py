"""`copydesk bench make-corpus`, `bench corpus` and `bench stages` on tiny corpora the tests write: JSON on
stdout, a table on stderr, one clean line for a missing library or a bad folder."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copydesk import core
from copydesk.bench.stages import STAGES
from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine.index import Index
from copydesk.io import read
from tests.bench.test_make_corpus import write_source

HAVE_BASELINES = all(importlib.util.find_spec(m) is not None for m in ("datasketch", "rensa"))
SCORE_KEYS = {"queries", "reported_pairs", "true_pairs", "precision", "recall", "near_miss", "targets"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 articles made by `bench make-corpus` from a small Reuters-format file."""
    tmp = tmp_path_factory.mktemp("corpus")
    source = write_source(tmp / "reuters.jsonl.gz")
    out = tmp / "c"
    args = ["bench", "make-corpus", str(source), "--size", "120", "--seed", "3", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["out"] == str(out) and sum(made["counts"].values()) == 120
    return out


def _words(folder: Path, kind: str) -> float:
    labels = [json.loads(line) for line in (folder / "labels.jsonl").open(encoding="utf-8")]
    articles = [json.loads(line) for line in (folder / "articles.jsonl").open(encoding="utf-8")]
    sizes = [len(a["text"].split()) for a, lab in zip(articles, labels, strict=True) if lab["kind"] == kind]
    return sum(sizes) / len(sizes)


def test_make_corpus_join_makes_longer_originals(corpus: Path, tmp_path: Path) -> None:
    source = write_source(tmp_path / "reuters.jsonl.gz")
    out = tmp_path / "long"
    args = [
        "bench",
        "make-corpus",
        str(source),
        "--size",
        "60",
        "--seed",
        "3",
        "--join",
        "3",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["join"] == 3 and manifest["pool"]["joined"] == 3
    assert manifest["pool"]["bodies_in_bases"] == 3 * manifest["pool"]["bases"]
    assert _words(out, "original") > 2 * _words(corpus, "original")
    labels = [json.loads(line) for line in (out / "labels.jsonl").open(encoding="utf-8")]
    ids = {lab["id"] for lab in labels}
    assert all(s in ids for lab in labels for s in lab["sources"])
    articles = [json.loads(line) for line in (out / "articles.jsonl").open(encoding="utf-8")]
    assert all(a["text"].strip() for a in articles)  # near-misses never run out of sentences


def _run(args: list[str]) -> tuple[Any, str]:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_corpus_without_baselines(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    results, table = _run(
        ["bench", "corpus", str(corpus), "--baselines", "", "--queries", "40", "--out", str(out)]
    )
    assert [r["engine"] for r in results] == ["copydesk"]
    r = results[0]
    assert r["articles"] == 120 and r["core"] == core.name()
    assert set(r["scores"]) >= SCORE_KEYS and r["query"]["queries"] == 40
    assert {"seconds", "articles_per_s", "stored"} <= set(r["ingest"])
    assert r["peak_rss_mb"] > 0
    assert json.loads(out.read_text(encoding="utf-8")) == results
    assert table.splitlines()[-2].startswith("engine") and table.splitlines()[-1].startswith("copydesk")


@pytest.mark.skipif(not HAVE_BASELINES, reason="datasketch and rensa are not installed (the bench extra)")
def test_corpus_with_baselines_in_the_same_run(corpus: Path) -> None:
    results, table = _run(["bench", "corpus", str(corpus), "--queries", "20"])
    assert [r["engine"] for r in results] == ["copydesk", "datasketch", "rensa"]
    for r in results:
        assert set(r["scores"]) >= SCORE_KEYS and r["articles"] == 120
    assert [line.split()[0] for line in table.splitlines()[-3:]] == ["copydesk", "datasketch", "rensa"]


def test_find_on_an_existing_index(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    with Index(db) as index:
        index.add(read([corpus / "articles.jsonl"]))
    dump = tmp_path / "hits.jsonl"
    result, _ = _run(
        ["bench", "corpus", str(corpus), "--db", str(db), "--queries", "10", "--dump", str(dump)]
    )
    assert result["db"] == str(db) and result["query"]["queries"] == 10
    assert set(result["scores"]) >= SCORE_KEYS
    assert len(dump.read_text(encoding="utf-8").splitlines()) == 10


def test_a_missing_baseline_library_is_one_line(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "rensa" else real(name, *a)
    )
    result = CliRunner().invoke(cli, ["bench", "corpus", str(corpus), "--baselines", "rensa"])
    assert result.exit_code == 1
    assert "pip install 'copydesk[bench]'" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""  # refused before any run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baselines", "minhashy"], "baseline must be one of datasketch, rensa, got 'minhashy'"),
        (["--dump", "x.jsonl"], "--dump needs --db"),
    ],
)
def test_bad_options(corpus: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["bench", "corpus", str(corpus), *args])
    assert result.exit_code in (1, 2) and message in result.output
    assert "Traceback" not in result.output


def test_a_folder_that_is_not_a_corpus(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "corpus", str(tmp_path), "--baselines", ""])
    assert result.exit_code == 1 and "labels.jsonl not found" not in result.stdout
    assert "articles.jsonl not found" in result.stderr and "make-corpus" in result.stderr


def test_stages_for_both_cores(corpus: Path) -> None:
    before = core.name()
    result, table = _run(
        [
            "bench",
            "stages",
            str(corpus / "articles.jsonl"),
            "--limit",
            "50",
            "--batch-size",
            "20",
            "--repeat",
            "2",
        ]
    )
    assert core.name() == before  # the core in use is restored
    assert set(result["cores"]) == {"python", "native"}
    py = result["cores"]["python"]
    assert py["records"] == py["articles"] == 50 and py["stored"] + py["repeated_texts"] == 50
    for name, figures in result["cores"].items():
        if "unavailable" in figures:  # the native extension is not installed here
            assert name == "native" and "native" not in table.splitlines()[0]
            continue
        assert set(figures["stages"]) == set(STAGES)
        for stage in figures["stages"].values():
            assert stage["cpu_us_per_article"] >= 0 and stage["wall_us_per_article"] >= 0
        assert figures["total_cpu_us_per_article"] >= 0
    if "stages" in result["cores"]["native"]:
        assert set(result["native_speedup"]) == {*STAGES, "total"}
    assert [line.split()[0] for line in table.splitlines()[1:7]] == [*STAGES, "total"]


def test_stages_without_the_native_core(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "native", lambda: None)
    result, table = _run(
        ["bench", "stages", str(corpus / "articles.jsonl"), "--limit", "10", "--repeat", "1"]
    )
    assert "not installed" in result["cores"]["native"]["unavailable"]
    assert "native_speedup" not in result and "stages" in result["cores"]["python"]
    assert table.splitlines()[0].split() == ["stage", "python", "cpu", "us"]
    assert table.splitlines()[-1].startswith("native core left out: python (the native extension")


def test_make_corpus_without_scipy_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_source(tmp_path / "reuters.jsonl.gz")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "scipy" else real(name, *a)
    )
    args = ["bench", "make-corpus", str(source), "--size", "60", "--out", str(tmp_path / "c")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "needs the 'scipy' package: install it with  pip install 'copydesk[bench]'" in result.stderr
