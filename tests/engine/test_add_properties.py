"""Property (issue 17, B): for any mix of good records and records with bad fields, in JSONL and Parquet files
read in one `add`, every good record is stored, every bad one is reported with its file and line, and
`stories`, `story`, `find` and every export still succeed afterwards."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine.index import Index
from copydesk.io import read

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXTS = [(EXAMPLES / n).read_text(encoding="utf-8") for n in ("wire.txt", "ledger.txt", "weekly.txt")]
MAX_CHARS = 20_000

# A record spec: the record number k -> (the JSON object, or a raw line as a str; whether it is stored).
Spec = Callable[[int], tuple[dict[str, Any] | str, bool]]


def _text(k: int) -> str:
    # Copies of the examples (so that stories form), each made unique so that none is another's duplicate.
    return f"{TEXTS[k % 3]}\nRecord {k} of the property test.\n"


def _good(k: int, **fields: Any) -> tuple[dict[str, Any], bool]:
    return {"id": f"g{k}", "text": _text(k), **fields}, True


def _bad(k: int, **fields: Any) -> tuple[dict[str, Any], bool]:
    return {"id": f"b{k}", "text": _text(k), **fields}, False


JSONL_SPECS: list[Spec] = [
    # good, or repaired and stored
    lambda k: _good(k),
    lambda k: _good(k, title="A title", outlet="Ledger", url="https://x.example/a", date="2024-11-08"),
    lambda k: _good(k, id=f"[/]{k}", title="[red]markup[/] [/]", outlet="[bold]"),
    lambda k: _good(k, title="t\udc80", outlet="o\ud800", url="https://x.example/\udfff"),
    lambda k: (dict(_good(k)[0], text=_text(k) + "\udc80 end."), True),
    lambda k: _good(k, title="bell\x07 esc\x1b[2J nul\x00", outlet="tab\there"),
    lambda k: _good(
        k, n=float("nan"), inf=float("inf"), big=10**40, deep=[[[{"a": None}]]], **{"s\udc80": "v\udc80"}
    ),
    lambda k: _good(k, title=12345, outlet=1.5),
    # bad: skipped with file and line
    lambda k: _bad(k, id=f"b\x00{k}"),
    lambda k: _bad(k, id=f"esc\x1b]0;x\x07{k}"),
    lambda k: _bad(k, id=f"s\udc80{k}"),
    lambda k: _bad(k, text=123),
    lambda k: _bad(k, text=["a", "list"]),
    lambda k: _bad(k, text=""),
    lambda k: _bad(k, text="x" * (MAX_CHARS + 1)),
    lambda k: _bad(k, title={"a": 1}),
    lambda k: _bad(k, date="not a date"),
    lambda k: ("{broken json", False),
    lambda k: ("[1, 2, 3]", False),
]

PARQUET_SPECS: list[Spec] = [
    lambda k: _good(k),
    lambda k: _good(k, title="[/]", outlet="o"),
    lambda k: (dict(_good(k)[0], text=None), False),
    lambda k: (dict(_good(k)[0], text="   "), False),
]


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = len(rows)
    table = pa.table(
        {
            "id": pa.array([r["id"] for r in rows], type=pa.string()),
            "text": pa.array([r["text"] for r in rows], type=pa.string()),
            "title": pa.array([r.get("title") for r in rows], type=pa.string()),
            "outlet": pa.array([r.get("outlet") for r in rows], type=pa.string()),
            "seen": pa.array(
                [dt.datetime(2024, 11, 8, 9, i % 60) for i in range(n)], type=pa.timestamp("ms")
            ),
            "blob": pa.array([bytes([i % 256, 0, 255]) for i in range(n)], type=pa.binary()),
            "price": pa.array([decimal.Decimal(f"{i}.25") for i in range(n)], type=pa.decimal128(9, 2)),
            "far": pa.array([10**15 * (i % 2) for i in range(n)], type=pa.timestamp("s")),  # past 9999
            "tags": pa.array([["a", "b"][: i % 3] for i in range(n)], type=pa.list_(pa.string())),
        }
    )
    pq.write_table(table, path)


def _everything_works(db: Path, out: Path) -> None:
    with Index(db) as index:
        stories = index.stories()
        assert stories
        for story in stories:
            assert index.story(story.id).id == story.id
            assert index.story_of(story.members[0].id).id == story.id
        for story in stories[:3]:
            index.find(story.members[0].id)
    runner = CliRunner()
    exports = [("stories", f) for f in ("jsonl", "csv", "parquet")]
    exports += [("dedup", f) for f in ("jsonl", "csv", "parquet", "txt")]
    for i, (verb, fmt) in enumerate(exports):
        target = out / (f"{verb}-{i}.{fmt}" if fmt != "txt" else f"{verb}-{i}")
        r = runner.invoke(cli, ["export", verb, "--db", str(db), "-o", str(target), "--format", fmt, "-q"])
        assert r.exit_code == 0, (verb, fmt, r.output, r.exception)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    jsonl=st.lists(st.sampled_from(JSONL_SPECS), min_size=1, max_size=10),
    parquet=st.lists(st.sampled_from(PARQUET_SPECS), max_size=4),
    batch_size=st.sampled_from([2, 5, 100]),
)
def test_every_good_record_is_stored_and_every_bad_one_reported(
    tmp_path_factory: pytest.TempPathFactory, jsonl: list[Spec], parquet: list[Spec], batch_size: int
) -> None:
    folder = tmp_path_factory.mktemp("mix")
    good: list[str] = []
    bad: set[tuple[str, int]] = set()
    lines = []
    for line, spec in enumerate(jsonl, 1):
        record, stored = spec(line)
        lines.append(record if isinstance(record, str) else json.dumps(record))
        if stored:
            assert isinstance(record, dict)
            good.append(record["id"])
        else:
            bad.add((str(folder / "a.jsonl"), line))
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inputs = [folder / "a.jsonl"]
    if parquet:
        rows = []
        for row, spec in enumerate(parquet, 1):
            record, stored = spec(1000 + row)
            assert isinstance(record, dict)
            rows.append(record)
            if stored:
                good.append(record["id"])
            else:
                bad.add((str(folder / "b.parquet"), row))
        _write_parquet(folder / "b.parquet", rows)
        inputs.append(folder / "b.parquet")

    db = folder / "x.db"
    with Index(db) as index:
        summary = index.add(read(inputs, max_chars=MAX_CHARS), batch_size=batch_size, workers=0)
        assert index.store.known(good) == set(good)
        assert summary.added == len(good) and summary.read == len(good)
        assert {(s.path, s.line) for s in summary.skipped} == bad
        for id_ in good:  # nothing stored carries what cannot be written as UTF-8
            article = index.get(id_)
            for value in (article.text, article.title, article.url, article.outlet, json.dumps(article.meta)):
                assert value is None or value.encode("utf-8")
    if good:
        out = folder / "out"
        out.mkdir()
        _everything_works(db, out)
