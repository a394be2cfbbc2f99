"""The datasketch / rensa baselines: the verification rule against a plain reference, and a run end to end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from copydesk.bench.baselines import ENGINES, kept, lsh_params, run, shingles, tokens, verify, verify_set
from copydesk.bench.generator.corpus import generate
from tests.bench.test_make_corpus import write_source


def _reference(a: str, b: str) -> tuple[float, float, float, int]:
    ta, tb = tokens(a), tokens(b)
    sa = {tuple(ta[i : i + 3]) for i in range(len(ta) - 2)}
    sb = {tuple(tb[i : i + 3]) for i in range(len(tb) - 2)}
    n = len(sa & sb)
    return n / len(sa | sb), n / len(sa), n / len(sb), n


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The cat sat on the mat, said Ann.", "Ann said: the cat sat on the mat!"),
        ("One two three four five six seven eight nine ten.", "Zero one two three four five six seven."),
        ("Alpha beta gamma delta.", "Epsilon zeta eta theta."),
    ],
)
def test_verify_matches_a_plain_set_reference(a: str, b: str) -> None:
    got = verify(verify_set(tokens(a)), verify_set(tokens(b)))
    assert got == pytest.approx(_reference(a, b))


def test_decision_needs_containment_and_ten_shared_shingles() -> None:
    words = [f"w{i}" for i in range(100)]
    small = verify_set(words[:12])  # 10 shingles, all inside the long text
    assert kept(small, verify_set(words))
    assert not kept(verify_set(words[:11]), verify_set(words))  # only 9 shared
    assert not kept(verify_set(words[:50]), verify_set(words[40:] + [f"x{i}" for i in range(200)]))


def test_shingles_and_bands() -> None:
    assert shingles(["a", "b", "c"]) == ["a b c"]
    assert shingles(list("abcdef")) == ["a b c d e", "b c d e f"]
    assert lsh_params(0.5, 128) == (25, 5)  # datasketch's own choice
    assert lsh_params(0.5, 128, divisors_only=True) == (32, 4)


@pytest.mark.parametrize("engine", ENGINES)
def test_run_end_to_end(engine: str, tmp_path: Path) -> None:
    if importlib.util.find_spec(engine) is None:
        pytest.skip(f"{engine} is not installed (pip install -e '.[bench]')")
    generate(write_source(tmp_path / "src.jsonl.gz"), tmp_path / "c", size=120, seed=3)
    out = run(tmp_path / "c", engine=engine)
    assert out["articles"] == 120 and out["ingest"]["articles_per_s"] > 0 and out["peak_rss_mb"] > 0
    assert out["scores"]["recall"]["verbatim"]["copy_to_source"] == 1.0
    # The tiny source leaves a filler pool of a few hundred words, so excerpt articles share their filler
    # sentences (unlabelled, as documented); every other reported pair must be true.
    assert set(out["scores"]["false_pairs_by_kinds"]) <= {"excerpt+excerpt"}
    assert out["scores"]["near_miss"]["rate"] == 0.0
    assert out["verify_ceiling"]["verbatim"] == 1.0
