"""bench/stories_order.py end to end on the project's fixture corpus: it builds twice and counts what differs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench.scripts import load
from tests.engine.test_stories_contract import corpus

script = load("stories_order")
differences, run = script.differences, script.run


def test_one_build_against_updates_counts_what_differs(tmp_path: Path) -> None:
    data = tmp_path / "a.jsonl"
    with data.open("w", encoding="utf-8") as f:
        for rec in corpus(3, same_text=False):
            f.write(json.dumps({**rec, "date": rec["date"].isoformat()}) + "\n")
    out = run(data, updates=3, seed=2, limit=None)
    assert out["articles"] == sum(out["update_sizes"]) and len(out["update_sizes"]) == 3
    assert out["scratch"]["members"] == out["history"]["members"] == out["articles"]
    diff = out["differences"]
    assert diff["partition"]["same_members"] <= out["scratch"]["stories"]
    assert {"other_id", "examples"} <= diff["story_ids"].keys()


def test_a_snapshot_against_itself_differs_in_nothing() -> None:
    snap = {
        "stories": {frozenset({"a", "b"}): ("s-1", "a", False), frozenset({"c"}): ("s-2", "c", False)},
        "members": {
            "a": (frozenset({"a", "b"}), None, "source"),
            "b": (frozenset({"a", "b"}), "a", "copy"),
            "c": (frozenset({"c"}), None, "single"),
        },
        "links": {("a", "b"): "b_from_a"},
    }
    diff = differences(snap, snap)
    assert diff["partition"]["scratch_only"] == diff["partition"]["history_only"] == 0
    assert diff["story_ids"]["other_id"] == diff["roots"]["other_root"] == 0
    assert diff["parents"]["other_parent_or_role"] == 0
    assert (
        diff["links"]["scratch_only"] == diff["links"]["history_only"] == diff["links"]["other_verdict"] == 0
    )
