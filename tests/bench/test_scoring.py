"""Scoring of reported matches against corpus labels, on hand-made inputs with hand-counted answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.bench.scoring import Labels, score
from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

LABELS = [
    {"id": "o1", "kind": "original", "sources": []},
    {"id": "o2", "kind": "original", "sources": []},
    {"id": "o3", "kind": "original", "sources": []},
    {"id": "r2", "kind": "reissue", "sources": ["o2"]},
    {"id": "v1", "kind": "verbatim", "sources": ["o1"]},
    {"id": "l1", "kind": "light", "sources": ["o1"]},
    {"id": "h2", "kind": "heavy", "sources": ["r2"]},
    {"id": "e3", "kind": "excerpt", "sources": ["o3"]},
    {"id": "m12", "kind": "merge", "sources": ["o1", "o2"]},
    {"id": "n1", "kind": "near_miss", "sources": [], "imitates": ["o1"]},
]
RESULTS = [
    ("v1", ["o1", "l1"]),  # its source, and a sibling copy: both true
    ("l1", []),  # missed
    ("h2", ["o2"]),  # true (o2 is the root of its source r2), but not its source: a miss copy -> source
    ("e3", ["o3", "o1"]),  # o3 true, o1 false
    ("m12", ["o2"]),  # one of its two sources is enough
    ("n1", ["o1"]),  # false
    ("o1", ["v1", "m12"]),  # (o1, v1) again: counted once
    ("r2", ["h2", "o2"]),
    ("o3", ["o3"]),  # itself: ignored
]


@pytest.fixture
def labels() -> Labels:
    return Labels.from_records(LABELS)


def test_related_follows_sources_to_their_roots(labels: Labels) -> None:
    assert labels.roots_of("h2") == {"o2"} and labels.roots_of("m12") == {"o1", "o2"}
    assert labels.related("h2", "m12") and labels.related("v1", "l1") and labels.related("o2", "r2")
    assert not labels.related("e3", "o1") and not labels.related("n1", "o1")
    assert labels.related("o3", "o3")


def test_precision_counts_each_pair_once(labels: Labels) -> None:
    s = score(RESULTS, labels)
    assert s["queries"] == 9
    assert (s["reported_pairs"], s["true_pairs"], s["precision"]) == (10, 8, 0.8)
    assert s["false_pairs_by_kinds"] == {"excerpt+original": 1, "near_miss+original": 1}
    assert s["near_miss"] == {"queries": 1, "with_a_match": 1, "rate": 1.0}


def test_recall_per_kind_in_both_directions(labels: Labels) -> None:
    r = score(RESULTS, labels)["recall"]
    assert list(r) == ["verbatim", "light", "heavy", "excerpt", "merge", "reissue"]
    expected = {
        "verbatim": (1.0, 1.0, 1.0),
        "light": (0.0, 0.0, 0.0),
        "heavy": (0.0, 1.0, 1.0),
        "excerpt": (1.0, 0.0, 1.0),
        "merge": (1.0, 1.0, 1.0),
        "reissue": (1.0, None, 1.0),  # its source o2 was never queried
    }
    for kind, (down, up, either) in expected.items():
        assert (r[kind]["copy_to_source"], r[kind]["source_to_copy"], r[kind]["either"]) == (down, up, either)
        assert r[kind]["n"] == 1


def test_targets(labels: Labels) -> None:
    t = score(RESULTS, labels)["targets"]
    assert {k: v["met"] for k, v in t.items()} == {
        "verbatim": True,
        "light": False,
        "excerpt": True,
        "heavy": False,
        "precision": False,
    }
    assert t["heavy"] == {"target": 0.85, "value": 0.0, "met": False}


def test_nothing_reported(labels: Labels) -> None:
    s = score([("v1", []), ("n1", [])], labels)
    assert s["precision"] is None and s["reported_pairs"] == 0
    assert s["recall"]["verbatim"]["copy_to_source"] == 0.0 and s["recall"]["light"]["either"] is None
    assert s["near_miss"]["rate"] == 0.0


def test_source_cycle_is_an_error() -> None:
    with pytest.raises(ValueError, match="source cycle"):
        Labels.from_records(
            [{"id": "a", "kind": "light", "sources": ["b"]}, {"id": "b", "kind": "light", "sources": ["a"]}]
        )


def test_cli_reads_jsonl(tmp_path: Path) -> None:
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in LABELS))
    (tmp_path / "results.jsonl").write_text(
        "".join(json.dumps({"query": q, "matches": m}) + "\n" for q, m in RESULTS)
    )
    args = ["bench", "score", str(tmp_path / "labels.jsonl"), str(tmp_path / "results.jsonl")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["precision"] == 0.8 and out["recall"]["merge"]["either"] == 1.0
