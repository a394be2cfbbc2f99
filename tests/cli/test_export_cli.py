"""`copydesk export stories` and `copydesk export dedup` on a small index: the examples (a wire story and
two copies), the METER fixture, and two copies of a wire story that is not in the index (a hidden source)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine.index import Index
from tests.cli.corpus import unrelated_index

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
METER_MINI = ROOT / "tests" / "data" / "meter_mini.jsonl"

WIRE = [
    "GRANITE FALLS (CPA) - The county council voted on Monday to close the old stone bridge over the Granite "
    "river to all traffic after engineers found deep cracks in two of its three arches.",
    "The bridge, built in 1874, carries about 6,000 vehicles a day between the town centre and the northern "
    "villages, and drivers face a detour of at least twenty minutes.",
    "Council leader Ada Brennan said the decision was painful but that safety had to come first, and promised "
    "a temporary crossing for pedestrians within a month.",
    "Engineers will spend the summer surveying the foundations, which were last repaired after the floods of "
    "1953, before the council decides whether the bridge can be saved.",
    "Shopkeepers on Market Street said the closure would cost them customers at the busiest time of the year, "
    "and asked the council for help with business rates.",
    "A public meeting on the closure will be held at the town hall on Thursday evening, the council said.",
]
HIDDEN_PAIR = [
    {
        "id": "gazette/bridge",
        "title": "Bridge closed",
        "date": "2026-04-07",
        "url": "https://gazette.example/bridge",
        "outlet": "gazette",
        "text": "\n\n".join(WIRE[:5]) + "\n\nThe Granite Gazette has asked the council for the full report.",
    },
    {
        "id": "herald/bridge",
        "title": "Old bridge shut",
        "date": "2026-04-07",
        "outlet": "herald",
        "text": "\n\n".join(WIRE[1:]).replace("Council leader", "The council leader")
        + "\n\nLocal historians have started a petition to save the bridge, which appears on the county's "
        "coat of arms.",
    },
]
STORY_KEYS = [
    "story",
    "id",
    "role",
    "parent",
    "confidence",
    "containment",
    "story_size",
    "root",
    "hidden_source",
    "hidden_agency",
    "outlet",
    "date",
    "title",
    "credits",
    "credits_source",
    "uncredited",
]


def _index(tmp_path: Path, name: str = "x.db") -> Path:
    db = tmp_path / name
    pair = tmp_path / "pair.jsonl"
    pair.write_text("".join(json.dumps(r) + "\n" for r in HIDDEN_PAIR), encoding="utf-8")
    # The examples on their own, so that their ids are relative to their folder (wire.txt ...): given
    # with inputs from elsewhere, they would be named from the folder holding all of them.
    for paths in ([str(EXAMPLES)], [str(METER_MINI), str(pair)]):
        r = CliRunner().invoke(cli, ["add", *paths, "--db", str(db), "-q"])
        assert r.exit_code == 0, r.output
    return db


def _run(*args: str) -> Any:
    r = CliRunner().invoke(cli, ["export", *args])
    assert r.exit_code == 0, r.output
    return r


def test_export_stories_jsonl_rows(tmp_path: Path) -> None:
    db = _index(tmp_path)
    r = _run("stories", "--db", str(db))
    assert r.stderr.startswith("stories updated:")  # the first export placed the articles
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    with Index(db, readonly=True) as ix:
        stats = ix.stats()
        assert len(rows) == stats.articles + stats.aliases  # an alias (same text, other id) has its row
    assert all(list(row) == STORY_KEYS for row in rows)
    by_id = {row["id"]: row for row in rows}
    wire = by_id["wire.txt"]
    assert wire["title"] == "Storm tears through Port Aldren harbour, ferry link cut"
    assert wire["date"] == "2026-03-14" and wire["credits"] == ["CPA"] and wire["credits_source"] is True
    for row in rows:
        assert 0 <= row["confidence"] <= 1 and 0 <= row["containment"] <= 1
        assert row["role"] in ("source", "copy", "single", "alias")
        assert (row["parent"] is None) == (row["role"] not in ("copy", "alias"))
        assert sum(r["story"] == row["story"] for r in rows) == row["story_size"]
    hidden = [row for row in rows if row["hidden_source"]]
    assert {row["id"] for row in hidden} == {"gazette/bridge", "herald/bridge"}
    assert all(row["parent"] == "hidden" and row["root"] is None for row in hidden)
    storm = by_id["ledger.txt"]["story"]
    assert {row["root"] for row in rows if row["story"] == storm} == {by_id["ledger.txt"]["root"]}
    assert any(row["role"] == "single" and row["root"] == row["id"] for row in rows)

    again = _run("stories", "--db", str(db))
    assert again.stderr == "" and again.stdout == r.stdout  # up to date: no note, same rows


def test_export_stories_csv_and_parquet(tmp_path: Path) -> None:
    db = _index(tmp_path)
    jsonl = [json.loads(line) for line in _run("stories", "--db", str(db)).stdout.splitlines()]
    out = tmp_path / "stories.csv"
    r = _run("stories", "--db", str(db), "-o", str(out))
    assert f"to {out}" in r.stderr
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == STORY_KEYS and len(rows) == len(jsonl)
    for c, j in zip(rows, jsonl, strict=True):
        assert c["id"] == j["id"] and c["parent"] == (j["parent"] or "") and c["root"] == (j["root"] or "")
        assert c["credits"] == "; ".join(j["credits"]) and float(c["confidence"]) == j["confidence"]
        assert c["hidden_source"] == ("true" if j["hidden_source"] else "false")

    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "stories.parquet"
    _run("stories", "--db", str(db), "-o", str(out))
    table = pq.read_table(out)
    assert table.column_names == STORY_KEYS
    for p, j in zip(table.to_pylist(), jsonl, strict=True):
        assert p == {**j, "date": None if j["date"] is None else dt.date.fromisoformat(j["date"])}


def test_export_stories_pages(tmp_path: Path) -> None:
    from copydesk.engine.export import export_stories
    from copydesk.io.write import RowWriter

    class Pages(RowWriter):
        def __init__(self) -> None:
            self.pages: list[list[str]] = []

        def write(self, rows: Any) -> None:
            self.pages.append([r["id"] for r in rows])

        def close(self) -> None:
            pass

        def discard(self) -> None:
            pass

    db = _index(tmp_path)
    with Index(db) as ix:
        ix.update_stories()
        one, two = Pages(), Pages()
        export_stories(ix, one, page_size=1)
        summary = export_stories(ix, two, page_size=1000)
        assert summary.stories == len(one.pages) > 1 and len(two.pages) == 1
        assert [i for page in one.pages for i in page] == two.pages[0]


@pytest.mark.parametrize("name", ["dedup.jsonl", "dedup.csv", "dedup.parquet", "dedup_txt"])
def test_export_dedup_round_trip(tmp_path: Path, name: str) -> None:
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    db = _index(tmp_path)
    out = tmp_path / name
    r = _run("dedup", "--db", str(db), "-o", str(out))
    assert "one per story" in r.stderr
    with Index(db, readonly=True) as ix:
        stories = ix.stories(update=False)
        expected = {}
        for s in stories:
            if s.root is not None:
                pick = s.root
            else:  # hidden source: the member with the most body words
                pick = max((m.id for m in s.members), key=lambda i: len(ix.get(i).body.split()))
            expected[pick] = ix.get(pick)
    assert ("gazette/bridge" in expected) != ("herald/bridge" in expected)
    assert "wire.txt" not in expected and len(expected) == len(stories)

    db2 = tmp_path / "back.db"
    r = CliRunner().invoke(cli, ["add", str(out), "--db", str(db2), "-q"])
    assert r.exit_code == 0, r.output
    txt = name.endswith("_txt")
    # a text folder names each file after its id, made safe for file names: .ids.jsonl says which is which
    files = (
        {r["id"]: r["file"] for r in map(json.loads, (out / ".ids.jsonl").read_text().splitlines())}
        if txt
        else {}
    )
    with Index(db2, readonly=True) as ix:
        assert ix.stats().articles == len(expected)
        for id_, a in expected.items():
            b = ix.get(files.get(id_, id_))
            assert b.body == a.body
            assert b.date == a.date
            if not txt:
                assert b.text == a.body  # the body: a text file's header line is in title and date
                assert (b.title, b.url, b.outlet) == (a.title, a.url, a.outlet)
                assert b.meta["story"] in {s.id for s in stories}
            elif a.date is not None:
                assert b.title == a.title


def test_export_dedup_format_option_and_errors(tmp_path: Path) -> None:
    db = _index(tmp_path)
    out = tmp_path / "corpus.data"
    _run("dedup", "--db", str(db), "-o", str(out), "--format", "jsonl")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    runner = CliRunner()
    r = runner.invoke(cli, ["export", "dedup", "--db", str(db), "-o", str(tmp_path / "x.data")])
    assert r.exit_code == 1 and "cannot tell the output format" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["export", "dedup", "--db", str(db), "-o", str(tmp_path)])  # not empty
    assert r.exit_code == 1 and "not empty" in r.stderr
    r = runner.invoke(cli, ["export", "stories", "--db", str(db), "--format", "parquet"])
    assert r.exit_code == 1 and "needs a file name" in r.stderr
    for args in (["stories"], ["dedup", "-o", str(tmp_path / "y.jsonl")]):
        r = runner.invoke(cli, ["export", *args, "--db", str(tmp_path / "none.db")])
        assert r.exit_code == 2 and "no index at" in r.output
        assert not (tmp_path / "none.db").exists()


def test_export_dedup_txt_long_ids(tmp_path: Path) -> None:
    long_ids = ["x" * 300, "x" * 300 + "/y", "é" * 200]
    data = tmp_path / "long.jsonl"
    rows = [
        {"id": i, "text": f"Article number {n} has words of its own, {i[:5]} and more."}
        for n, i in enumerate(long_ids)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "long.db"
    r = CliRunner().invoke(cli, ["add", str(data), "--db", str(db), "-q"])
    assert r.exit_code == 0, r.output
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["export", "dedup", "--db", str(db), "-o", str(out), "--format", "txt", "-q"])
    assert r.exit_code == 0, r.output
    assert ".ids.jsonl" in r.stderr
    mapping = {
        d["id"]: d["file"] for d in map(json.loads, (out / ".ids.jsonl").read_text("utf-8").splitlines())
    }
    assert set(mapping) == set(long_ids)
    for n, id_ in enumerate(long_ids):
        assert (out / mapping[id_]).read_text(encoding="utf-8").startswith(f"Article number {n} ")


def test_killed_txt_export_leaves_no_folder_and_a_rerun_works(tmp_path: Path) -> None:
    n = 3000
    db = unrelated_index(tmp_path, n)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "copydesk", "export", "dedup", "--db", str(db), "-o", str(out), "-q"]
    proc = subprocess.Popen(command, env=dict(os.environ), stderr=subprocess.PIPE)
    seen = 0
    deadline = time.monotonic() + 60
    while seen < 10 and proc.poll() is None and time.monotonic() < deadline:
        seen = sum(1 for p in tmp_path.rglob("*.txt"))  # in the folder, or a temporary one beside it
        time.sleep(0.002)
    proc.kill()
    proc.wait()
    assert 10 <= seen < n, "the export was not caught midway"
    assert not out.exists() or len(list(out.glob("*.txt"))) == n  # no folder, or a complete one
    left = sorted(p.name for p in tmp_path.glob(".out.*.partial"))
    assert len(left) == 1  # the killed run's temporary folder, beside the target
    r = subprocess.run(command, env=dict(os.environ), capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert f"note: {left[0]} beside {out} was left by an export that was stopped" in r.stderr
    assert len(list(out.glob("*.txt"))) == n
    assert len((out / ".ids.jsonl").read_text(encoding="utf-8").splitlines()) == n
