"""bench/stories_scale.py end to end on a small generated corpus: it builds, updates and scores."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ lives at the repository root, outside the installed package
    sys.path.insert(0, str(ROOT))

from bench.make_corpus import generate  # noqa: E402
from bench.stories_scale import run  # noqa: E402

from tests.bench.test_make_corpus import write_source  # noqa: E402


def test_build_then_update_on_a_labelled_corpus(tmp_path: Path) -> None:
    generate(write_source(tmp_path / "src.jsonl.gz"), tmp_path / "c", size=150, seed=5)
    out = run(tmp_path / "c", later=20, db=tmp_path / "i.db")
    assert out["later"] == 20 and out["build"]["articles"] + out["update"]["articles"] <= 150
    placed = sum(out[run][k] for run in ("build", "update") for k in ("articles", "aliases"))
    assert out["stories"]["members"] == placed  # the same text under another id is a member too (an alias)
    agreement = out["agreement"]
    assert agreement["verbatim"] == 1.0  # a verbatim copy is always in its source's story
    assert all(0.0 <= v <= 1.0 for v in agreement.values())
