"""bench/stories_scale.py end to end on a small generated corpus: it builds, updates and scores."""

from __future__ import annotations

from pathlib import Path

from copydesk.bench.generator.corpus import generate
from tests.bench.scripts import load
from tests.bench.test_make_corpus import write_source

run = load("stories_scale").run


def test_build_then_update_on_a_labelled_corpus(tmp_path: Path) -> None:
    generate(write_source(tmp_path / "src.jsonl.gz"), tmp_path / "c", size=150, seed=5)
    out = run(tmp_path / "c", later=20, db=tmp_path / "i.db")
    assert out["later"] == 20 and out["build"]["articles"] + out["update"]["articles"] <= 150
    placed = sum(out[run][k] for run in ("build", "update") for k in ("articles", "aliases"))
    assert out["stories"]["members"] == placed  # the same text under another id is a member too (an alias)
    agreement = out["agreement"]
    assert agreement["verbatim"] == 1.0  # a verbatim copy is always in its source's story
    assert all(0.0 <= v <= 1.0 for v in agreement.values())
