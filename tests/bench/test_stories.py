"""Scoring of stories against METER-style gold, on hand-made stories with hand-counted answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copydesk.bench.stories import MeterGold, evaluate_meter, score_stories
from copydesk.errors import InputError
from copydesk.model import HIDDEN, Story, StoryEdge, StoryMember
from tests.conftest import ROOT, shared_file

DATA = ROOT / "tests" / "data"

ROWS = [
    {"id": "PA/s1a", "story": "F1", "role": "source", "label": None},
    {"id": "PA/s1b", "story": "F1", "role": "source", "label": None},
    {"id": "c1", "story": "F1", "role": "copy", "label": "wholly-derived"},
    {"id": "c2", "story": "F1", "role": "copy", "label": "partially-derived"},
    {"id": "c3", "story": "F1", "role": "copy", "label": "partially-derived"},
    {"id": "n1", "story": "F1", "role": "copy", "label": "non-derived"},
    {"id": "PA/s2", "story": "F2", "role": "source", "label": None},
    {"id": "c4", "story": "F2", "role": "copy", "label": "wholly-derived"},
    {"id": "n2", "story": "F2", "role": "copy", "label": "non-derived"},
    {"id": "PA/s3", "story": "F3", "role": "source", "label": None},  # the same text as PA/s1a
    {"id": "c5", "story": "F3", "role": "copy", "label": "wholly-derived"},
]
DUPLICATE_OF = {"PA/s3": "PA/s1a"}


def member(id: str, parent: str | None, role: str = "copy") -> StoryMember:
    return StoryMember(id=id, role=role, parent=parent, confidence=0.9, containment=0.8)  # type: ignore[arg-type]


def story(id: str, root: str | None, members: list[tuple[str, str | None]]) -> Story:
    ms = tuple(
        member(i, p, "single" if len(members) == 1 else ("source" if p is None else "copy"))
        for i, p in members
    )
    edges = tuple(StoryEdge(source=p, copy=i, confidence=0.9, containment=0.8) for i, p in members if p)
    return Story(id=id, root=root, hidden_source=root is None and len(members) > 1, members=ms, edges=edges)


STORIES = [
    story(
        "S1",
        "PA/s1a",
        [
            ("PA/s1a", None),
            ("PA/s1b", "PA/s1a"),
            ("c1", "PA/s1b"),
            ("c2", "c1"),
            ("n1", "PA/s1a"),
            ("c5", "PA/s1a"),
        ],
    ),
    story("S2", None, [("c4", HIDDEN), ("PA/s2", HIDDEN)]),
    story("S3", "c3", [("c3", None)]),
    story("S4", "n2", [("n2", None)]),
]


@pytest.fixture
def scored() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return score_stories(STORIES, MeterGold.from_rows(ROWS), duplicate_of=DUPLICATE_OF)


def test_gold_joins_folders_that_share_a_text() -> None:
    gold = MeterGold.from_rows(ROWS)
    assert (
        gold.story["n1"] == "n1" and gold.story["c5"] == "F3" and gold.sources["F1"] == ["PA/s1a", "PA/s1b"]
    )
    joined = gold.joined(DUPLICATE_OF)
    assert joined["c5"] == joined["PA/s3"] == joined["c1"] == "F1" and joined["c4"] == "F2"
    assert gold.joined({}) == gold.story


def test_clustering_figures(scored: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    f, _ = scored
    # Gold F1+F3 (7), n1, F2 (2), n2 / predicted S1 (7, with PA/s3 through its alias), S2, S3, S4.
    # Pairs together in both: C(6,2) + 1 = 16; 22 gold pairs, 22 predicted pairs, 55 in all.
    assert f["ari"] == round((16 - 22 * 22 / 55) / (22 - 22 * 22 / 55), 4)
    assert f["bcubed_precision"] == f["bcubed_recall"] == round(65 / 77, 4)
    assert (f["articles"], f["stored"], f["identical_texts"]) == (11, 10, 1)
    assert (f["stories"], f["non_singleton_stories"], f["hidden_source_stories"]) == (4, 2, 1)
    assert (
        f["gold_stories"],
        f["gold_non_singleton_stories"],
        f["gold_stories_joined_by_identical_text"],
    ) == (
        4,
        2,
        1,
    )
    assert (f["gold_stories_split"], f["stories_mixing_gold_stories"], f["non_derived_in_a_story"]) == (
        1,
        1,
        1,
    )
    assert f["examples"]["gold_stories_split"] == [
        {"gold": "F1", "parts": [["PA/s1a", "PA/s1b", "PA/s3", "c1", "c2", "c5"], ["c3"]]}
    ]
    assert f["examples"]["non_derived_in_a_story"][0]["id"] == "n1"
    assert f["by_folder_gold"]["ari"] < f["ari"]


def test_direction(scored: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    f, details = scored
    # c1: PA parent; c2: copy parent, PA root; c5: PA parent of the joined gold; c3 alone; c4 hidden.
    assert f["direction_outcomes"] == {
        "alone": 1,
        "copy_parent_source_root": 1,
        "hidden": 1,
        "source_parent": 2,
    }
    assert f["direction_accuracy"] == 0.6 and f["direction_accuracy_hidden_ok"] == 0.8
    assert f["derived_copies"] == 5 and f["derived_alone"] == 1
    assert [x["id"] for x in f["examples"]["direction_failures"]] == ["c3", "c4"]
    by_id = {d["id"]: d for d in details}
    assert by_id["PA/s3"]["stored_as"] == "PA/s1a" and by_id["PA/s3"]["story"] == "S1"
    assert by_id["c2"]["parent"] == "c1" and by_id["n1"]["direction"] is None


def test_wrong_sources_and_identical_copies() -> None:
    stories = [
        story("S1", "PA/s2", [("PA/s2", None), ("c1", "PA/s2"), ("c2", "c1")]),
        story("S2", "c4", [("c4", None), ("PA/s1a", "c4"), ("PA/s1b", "PA/s1a")]),
        story("S3", "c3", [("c3", None)]),
    ]
    dup = {"c5": "PA/s1a", "PA/s3": "PA/s1a"}
    f, _ = score_stories(
        stories,
        MeterGold.from_rows([r for r in ROWS if r["role"] == "source" or r["id"] != "n1"]),
        duplicate_of=dup,
    )
    assert f["direction_outcomes"] == {
        "alone": 1,  # c3
        "copy_parent_other_root": 1,  # c2: root PA/s2 is not of its story
        "identical_to_source": 1,  # c5 is PA/s1a's text
        "other_source_parent": 1,  # c1 under PA/s2
        "root": 1,  # c4 is given as the source of its own PA text
    }
    assert f["direction_accuracy"] == 0.2


def test_evaluate_meter_on_the_fixture(tmp_path: Path) -> None:
    details = tmp_path / "details.jsonl"
    f = evaluate_meter(DATA / "meter_mini.jsonl", details=details)
    # The wire and its two copies are one story, the other PA text and the non-derived copy stand alone.
    assert (f["articles"], f["gold_stories"], f["derived_copies"]) == (5, 3, 2)
    assert f["ari"] == 1.0 and f["bcubed_f1"] == 1.0 and f["direction_accuracy"] == 1.0
    assert f["non_singleton_stories"] == 1 and f["non_derived_in_a_story"] == 0
    records = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert {
        r["id"]: r["parent"] for r in records if r["label"] != "source" and r["label"] != "non-derived"
    } == {
        "news/storm_ledger": "PA/storm1",
        "news/storm_weekly": "PA/storm1",
    }


def test_evaluate_meter_needs_the_meter_fields(tmp_path: Path) -> None:
    path = tmp_path / "other.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"other.jsonl:1: missing field\(s\) story, role"):
        evaluate_meter(path)
    path.write_text(
        json.dumps({"id": "1", "story": "s", "role": "source", "text": "x"}) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="no labelled copies"):
        evaluate_meter(path)


def test_evaluate_meter_on_real_data() -> None:
    path = shared_file("meter", "documents.jsonl.gz")
    f = evaluate_meter(path)
    assert (
        f["articles"] == 824
        and f["derived_copies"] == 359
        and f["gold_stories_joined_by_identical_text"] >= 1
    )
    assert -1.0 <= f["ari"] <= 1.0
    for key in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "direction_accuracy"):
        assert 0.0 <= f[key] <= 1.0
    assert sum(f["direction_outcomes"].values()) == f["derived_copies"]


def test_a_copy_of_a_copy_is_followed_up_to_the_first_source_text() -> None:
    rows = [
        {"id": "PA/a", "story": "F", "role": "source", "label": None},
        {"id": "PA/b", "story": "G", "role": "source", "label": None},
        {"id": "c1", "story": "F", "role": "copy", "label": "wholly-derived"},
        {"id": "c2", "story": "F", "role": "copy", "label": "wholly-derived"},
        {"id": "c3", "story": "F", "role": "copy", "label": "partially-derived"},
        {"id": "d1", "story": "G", "role": "copy", "label": "wholly-derived"},
        {"id": "d2", "story": "G", "role": "copy", "label": "wholly-derived"},
    ]
    stories = [
        # Two trees joined in one story: PA/a -> c1 -> c2 -> c3, and PA/b under a newspaper copy d1.
        story(
            "S",
            "PA/a",
            [("PA/a", None), ("c1", "PA/a"), ("c2", "c1"), ("c3", "c2"), ("d1", None), ("PA/b", "d1")],
        ),
        story("T", None, [("d2", HIDDEN), ("x", "d2")]),
    ]
    f, _ = score_stories(stories, MeterGold.from_rows(rows), duplicate_of={})
    assert f["direction_outcomes"] == {
        "copy_parent_source_root": 2,
        "root": 1,
        "source_parent": 1,
        "hidden": 1,
    }
    assert f["stories_with_several_sources"] == 1
    stories[1] = story("T", None, [("d2", "y"), ("y", HIDDEN)])
    f, _ = score_stories(stories, MeterGold.from_rows(rows), duplicate_of={})
    assert f["direction_outcomes"]["copy_parent_hidden_root"] == 1
