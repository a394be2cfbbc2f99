"""bench/spark_scale.py end to end on a small generated corpus: the three builds run and Spark gives the
definition's stories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copydesk.bench.generator.corpus import generate
from tests.bench.scripts import load
from tests.bench.test_make_corpus import write_source

run = load("spark_scale").run


def test_in_memory_local_and_spark_on_a_labelled_corpus(spark: Any, tmp_path: Path) -> None:
    generate(write_source(tmp_path / "src.jsonl.gz"), tmp_path / "c", size=150, seed=5)
    out = run(tmp_path / "c", db=tmp_path / "i.db", work=tmp_path / "w", master="local[2]", partitions=4)
    assert out["articles"] == 150 and out["batch"]["links"] > 0
    assert out["spark"]["same_as_batch"] is True
    assert list(out["spark"]["stages"])[:2] == ["holders", "ranks"]
    assert isinstance(out["local"]["same_as_batch"], bool)
