"""The gold of a METER link for calibration, and the calibration figures on the project's METER fixture."""

from __future__ import annotations

from pathlib import Path

from copydesk.bench.confidence import _outcome, calibration_figures
from copydesk.bench.meter import read_jsonl
from copydesk.bench.stories import MeterGold

DATA = Path(__file__).parent.parent / "data" / "meter_mini.jsonl"

ROWS = [
    {"id": "pa1", "story": "s", "role": "source", "label": None},
    {"id": "pa2", "story": "s", "role": "source", "label": None},
    {"id": "c1", "story": "s", "role": "copy", "label": "wholly-derived"},
    {"id": "c2", "story": "s", "role": "copy", "label": "partially-derived"},
    {"id": "n1", "story": "s", "role": "copy", "label": "non-derived"},
    {"id": "pa9", "story": "t", "role": "source", "label": None},
]


def test_the_gold_of_a_link() -> None:
    gold = MeterGold.from_rows(ROWS)
    story = gold.joined({})
    assert _outcome("c1", "pa1", "a_from_b", gold, story) is True  # the copy from its PA text
    assert _outcome("c1", "pa1", "b_from_a", gold, story) is False
    assert _outcome("c1", "pa1", "common_source", gold, story) is False
    assert _outcome("c1", "c2", "common_source", gold, story) is True  # two copies of one wire story
    assert _outcome("c1", "c2", "b_from_a", gold, story) is False
    assert _outcome("n1", "pa1", "a_from_b", gold, story) is False  # a non-derived copy: no link is right
    assert _outcome("c1", "pa9", "a_from_b", gold, story) is False  # another story
    assert _outcome("pa1", "pa2", "common_source", gold, story) is None  # versions of a wire story: no gold


def test_calibration_figures_on_the_fixture() -> None:
    figures = calibration_figures(list(read_jsonl(DATA)))
    assert figures["links"] >= 1
    for part in ("raw", "shipped_in_sample", "cross_validated"):
        assert 0.0 <= figures[part]["ece"] <= 1.0
        assert sum(row["links"] for row in figures[part]["reliability"]) == figures["links"]
