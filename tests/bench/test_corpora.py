"""The ECB+ and Reuters checks on small corpora written from the project's fixture texts, and on the real files
under ../shared/data when they are there."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from copydesk.bench.corpora import _runs, check_ecb, check_reuters, identical_groups, reuters_date
from copydesk.errors import InputError
from tests.conftest import ROOT, shared_file

TEXTS = {
    r["id"]: r["text"]
    for r in map(
        json.loads, (ROOT / "tests" / "data" / "meter_mini.jsonl").read_text(encoding="utf-8").splitlines()
    )
}
WIRE, LEDGER, WEEKLY = TEXTS["PA/storm1"], TEXTS["news/storm_ledger"], TEXTS["news/storm_weekly"]
LIBRARY, LIBRARY_TIMES = TEXTS["PA/library1"], TEXTS["news/library_times"]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_reuters_date() -> None:
    assert reuters_date("26-FEB-1987 15:01:01.79") == dt.date(1987, 2, 26)
    assert reuters_date("27-MAR-1987 00:02:59.13RM") == dt.date(1987, 3, 27)
    assert reuters_date("31-MAR-1987 605:12:19.12") == dt.date(1987, 3, 31)
    assert reuters_date("") is None and reuters_date(None) is None and reuters_date("sometime") is None


def test_identical_groups_ignore_whitespace_only() -> None:
    rows = [
        {"id": "3", "text": "a b  c"},
        {"id": "1", "text": "a b c\n"},
        {"id": "2", "text": "a b C"},
        {"id": "4", "text": "x"},
        {"id": "5", "text": " x"},
    ]
    assert identical_groups(rows) == [["1", "3"], ["4", "5"]]


def test_longest_passage_buckets() -> None:
    assert _runs([0, 7, 8, 11, 12, 20, 49, 50, 300]) == {
        "<8": 2,
        "8-11": 2,
        "12-19": 1,
        "20-49": 2,
        ">=50": 2,
    }


def test_ecb_check_lists_each_link_with_its_gold_relation(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ecb.jsonl",
        [
            {"id": "1_1ecb", "topic": 1, "story": "1_ecb", "text": WIRE, "url": None},
            {"id": "1_2ecb", "topic": 1, "story": "1_ecb", "text": LEDGER, "url": None},
            {"id": "1_1ecbplus", "topic": 1, "story": "1_ecbplus", "text": WEEKLY, "url": "http://x/storm"},
            {"id": "2_1ecb", "topic": 2, "story": "2_ecb", "text": LIBRARY, "url": None},
            {"id": "2_2ecb", "topic": 2, "story": "2_ecb", "text": LIBRARY_TIMES, "url": None},
        ],
    )
    f = check_ecb(path)
    assert (f["documents"], f["stored"], f["identical_texts"]) == (5, 5, 0)
    pairs = {(x["a"], x["b"]): x for x in f["link_list"]}
    assert pairs[("1_1ecb", "1_2ecb")]["gold"] == "same_story"
    assert pairs[("1_1ecb", "1_1ecbplus")]["gold"] == "same_topic"
    assert all(not a.startswith("2_") and not b.startswith("2_") for a, b in pairs)
    assert (
        f["links"]
        == len(pairs)
        == sum(f["links_by_gold"].values())
        == sum(f["links_by_longest_passage_words"].values())
    )
    for x in pairs.values():
        assert x["sample"] and x["longest_passage_words"] >= 5 and 0.0 < x["containment_a_in_b"] <= 1.0
    assert f["non_singleton_stories"] == 1 and f["stories"] == 3
    assert set(f["stories_listed"][0]["members"]) == {"1_1ecb", "1_2ecb", "1_1ecbplus"}


def test_reuters_check_finds_identical_groups_whole(tmp_path: Path) -> None:
    spaced = WIRE.replace(". ", ".  ")
    rows = [
        {"id": "1", "date": "14-MAR-2026 10:00:00.00", "title": "STORM", "text": WIRE},
        {"id": "2", "date": "14-MAR-2026 11:00:00.00", "title": "STORM (REPEAT)", "text": spaced},
        {"id": "3", "date": "14-MAR-2026 12:00:00.00", "title": "STORM", "text": WIRE},
        {"id": "4", "date": "15-MAR-2026 09:00:00.00", "title": "LIBRARY", "text": LIBRARY},
        {"id": "5", "date": "15-MAR-2026 10:00:00.00", "title": "STORM LEDGER", "text": LEDGER},
        {"id": "6", "date": "bad date", "title": "LIBRARY TIMES", "text": LIBRARY_TIMES},
    ]
    path = tmp_path / "reuters.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    f = check_reuters(path, sample=5)
    # "3" is stored once (the same text as "1"); "2" differs in whitespace, so it is stored and must be linked.
    assert (f["documents"], f["stored"], f["identical_texts"]) == (6, 5, 1)
    assert (f["identical_groups"], f["identical_groups_documents"], f["identical_groups_whole"]) == (1, 3, 1)
    assert f["identical_groups_broken"] == []
    assert f["non_singleton_stories"] == 1 and f["non_singleton_with_an_identical_group"] == 1
    (story,) = f["sample"]
    assert sorted(m["id"] for m in story["members"]) == ["1", "2", "5"]
    assert {m["id"]: m["same_text"] for m in story["members"]}["1"] == ["3"]
    assert story["links"] >= 2 and story["link_sample"][0]["sample"]
    assert f["largest"][0]["id"] == story["id"]


def test_checks_name_the_file_they_expect(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "meter.jsonl", [{"id": "a", "story": "s", "role": "source", "text": WIRE}])
    with pytest.raises(InputError, match=r"missing field.*topic.*ECB"):
        check_ecb(path)
    path = write_jsonl(tmp_path / "other.jsonl", [{"id": "a", "body": WIRE}])
    with pytest.raises(InputError, match=r"missing field.*text.*Reuters"):
        check_reuters(path)


def test_ecb_real_data() -> None:
    f = check_ecb(shared_file("ecbplus", "documents.jsonl.gz"))
    assert f["documents"] == 486 and f["links"] == len(f["link_list"])
    assert f["stories"] + sum(int(k) * v - v for k, v in f["non_singleton_sizes"].items()) == f["stored"]


def test_reuters_real_identical_groups(tmp_path: Path) -> None:
    """The identical-body groups of the real file, plus the first 1,000 other documents (the whole file
    takes about a minute: `copydesk bench reuters-groups` runs it)."""
    source = shared_file("reuters21578", "documents.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    in_groups = {i for g in identical_groups(rows) for i in g}
    assert len(in_groups) == 560
    others = [r for r in rows if r["id"] not in in_groups][:1000]
    path = write_jsonl(tmp_path / "subset.jsonl", [r for r in rows if r["id"] in in_groups] + others)
    f = check_reuters(path, sample=3)
    assert f["identical_groups"] == 279 and f["identical_groups_whole"] == 279
