"""The text view of one story (`copydesk story ID`): what each edge's figures mean."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.terminal import piped
from tests.cli.test_export_cli import HIDDEN_PAIR


def test_copies_of_a_hidden_source_show_what_they_share_not_what_it_contains(tmp_path: Path) -> None:
    pair = tmp_path / "pair.jsonl"
    pair.write_text("".join(json.dumps(r) + "\n" for r in HIDDEN_PAIR), encoding="utf-8")
    db = str(tmp_path / "p.db")
    piped("add", str(pair), "--db", db, "-q", cwd=tmp_path).ok()
    text = piped("story", "gazette/bridge", "--db", db, cwd=tmp_path).ok().text
    assert "hidden source" in text and "from the parent" not in text
    assert text.count("of its words found in another copy") == 2, text
