"""`copydesk bench semeval`: Spearman computed here (ties averaged), per language pair, before and after
reading Chinese, Japanese and Thai in characters."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.bench.semeval import containments, evaluate_semeval, ranks, spearman
from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.config import CompareConfig
from tests.conftest import shared_file

SPACELESS = Path(__file__).resolve().parents[1] / "data" / "spaceless"


def test_ranks_average_ties() -> None:
    assert ranks([3.0, 1.0, 3.0, 2.0, 3.0]).tolist() == [4.0, 1.0, 4.0, 2.0, 4.0]
    assert ranks([]).tolist() == []


def test_spearman_sign_and_undefined_cases() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None
    assert spearman([1, 2], [2, 1]) is None
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2, 3], [1, 2])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.floats(1, 4)), min_size=3, max_size=40))
def test_spearman_equals_scipy(values: list[tuple[int, float]]) -> None:
    stats = pytest.importorskip("scipy.stats", reason="scipy is not installed (pip install -e '.[bench]')")
    x = [float(a) for a, _ in values]
    y = [b for _, b in values]
    got = spearman(x, y)
    if len(set(x)) < 2 or len(set(y)) < 2:
        assert got is None
        return
    want = float(stats.spearmanr(x, y).statistic)
    assert got is not None and np.isclose(got, want, atol=1e-9)


def test_containments_read_chinese_in_characters_and_in_words() -> None:
    source = (SPACELESS / "zh_source.txt").read_text(encoding="utf-8")
    copy = (SPACELESS / "zh_copy.txt").read_text(encoding="utf-8")
    now, before, chars = containments(source, copy, config=CompareConfig())
    assert chars and now > 0.8
    assert before < now  # read in words, a Chinese sentence is one long "word"
    latin = "The council approved the harbour budget on Monday after a long debate."
    assert containments(latin, latin, config=CompareConfig()) == (1.0, 1.0, False)


def _pairs_file(tmp_path: Path) -> Path:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SPACELESS.glob("*.txt")}
    rows = []
    for k, lang in enumerate(["zh", "ja", "th"]):
        rows.append((f"{k}_1", lang, texts[f"{lang}_source"], texts[f"{lang}_copy"], 1.0))
        rows.append((f"{k}_2", lang, texts[f"{lang}_source"], texts[f"{lang}_unrelated"], 4.0))
        rows.append((f"{k}_3", lang, texts[f"{lang}_copy"], texts[f"{lang}_unrelated"], 3.5))
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {"pair_id": i, "lang1": lang, "lang2": lang, "text1": a, "text2": b, "overall": o},
                ensure_ascii=False,
            )
            + "\n"
            for i, lang, a, b, o in rows
        ),
        encoding="utf-8",
    )
    return path


def test_bench_semeval_command_on_fixture_pairs(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", "semeval", str(_pairs_file(tmp_path))])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["pairs"] == 9
    rows = {r["languages"]: r for r in out["by_languages"]}
    assert set(rows) == {"zh-zh", "ja-ja", "th-th", "all"}
    assert rows["all"]["pairs_read_in_characters"] == 9
    # More shared text, more similar (a lower rating): a negative correlation.
    assert rows["all"]["spearman"] < -0.5


def test_bench_semeval_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"pair_id": "1_2"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["bench", "semeval", str(bad)])
    assert result.exit_code == 1
    assert "missing field" in result.output and "Traceback" not in result.output


def test_semeval_development_file() -> None:
    path = shared_file("semeval2022", "pairs.jsonl.gz")
    out = evaluate_semeval(path)
    rows = {r["languages"]: r for r in out["by_languages"]}
    assert out["pairs"] == rows["all"]["pairs"] == 738
    assert rows["en-en"]["pairs"] == 168
    # No Chinese, Japanese or Thai pair in this sample: the two readings agree everywhere.
    assert all(
        r["pairs_read_in_characters"] == 0 and r["spearman"] == r["spearman_words"] for r in rows.values()
    )
    assert rows["all"]["spearman"] < 0
    scraped = evaluate_semeval(path, skip_mt=True)
    assert scraped["skipped_mt_suspect"] == 247 and scraped["pairs"] == 491
