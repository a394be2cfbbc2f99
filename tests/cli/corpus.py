"""Indexes of many unrelated articles for the tests that run copydesk in processes."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)


def unrelated_index(tmp_path: Path, n: int, *, stories: bool = True, name: str = "many.db") -> Path:
    """An index of ``n`` unrelated articles of 40 random words (ids ``a00000``...), its stories brought up
    to date when ``stories``."""
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    data = tmp_path / "many.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(rng.choice(vocab) for _ in range(40))
            f.write(json.dumps({"id": f"a{i:05d}", "text": text}) + "\n")
    db = tmp_path / name
    for args in (["add", str(data), "-q"], *([["stories"]] if stories else [])):
        r = CliRunner().invoke(cli, [*args, "--db", str(db)])
        assert r.exit_code == 0, r.output
    return db
