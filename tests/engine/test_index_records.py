"""One bad record never costs the good ones: it is skipped (or repaired) where it enters, with its file and
line, and everything read after it still works (issue 17, items B4-B7)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine.index import Index
from copydesk.io import read
from copydesk.model import Article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIRE = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
LEDGER = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
OTHER = "A village fete raised money for the church roof on Saturday, with cakes, a tombola and a band."


def _jsonl(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _row(id: str, text: str, **extra: object) -> str:
    return json.dumps({"id": id, "text": text, **extra})


def _everything_works(db: Path, tmp_path: Path) -> None:
    """stories, story, find and every export succeed on the index ``db``; so do ``story --format html``
    and ``find --explain`` on the biggest story (before, a stored lone surrogate crashed them)."""
    with Index(db) as index:
        stories = index.stories()
        for story in stories:
            assert index.story(story.id).id == story.id
            for member in story.members:
                index.find(member.id)
    runner = CliRunner()
    ids = [m.id for m in stories[0].members]
    page = tmp_path / "story.html"
    r = runner.invoke(cli, ["story", ids[0], "--db", str(db), "--format", "html", "-o", str(page)])
    assert r.exit_code == 0, (r.output, r.exception)
    if len(ids) > 1:
        r = runner.invoke(cli, ["find", ids[0], "--db", str(db), "--explain", ids[1], "--format", "json"])
        assert r.exit_code == 0, (r.output, r.exception)
    for i, (verb, fmt) in enumerate(
        [("stories", "jsonl"), ("stories", "csv"), ("stories", "parquet")]
        + [("dedup", f) for f in ("jsonl", "csv", "parquet", "txt")]
    ):
        out = tmp_path / f"export-{i}.{fmt}" if fmt != "txt" else tmp_path / f"export-{i}"
        r = runner.invoke(cli, ["export", verb, "--db", str(db), "-o", str(out), "--format", fmt, "-q"])
        assert r.exit_code == 0, (verb, fmt, r.output, r.exception)


def test_nul_in_an_id_is_refused_with_its_line_and_the_store_never_fails_a_batch(tmp_path: Path) -> None:
    """B4: before, the NUL id was stored; stories and exports then failed for ever, and a later file with
    the same id and another text failed its whole batch (UNIQUE constraint failed)."""
    db = tmp_path / "x.db"
    first = _jsonl(tmp_path / "a.jsonl", [_row("b\x00c", WIRE), _row("good1", LEDGER)])
    with Index(db) as index:
        summary = index.add(read([first]))
    assert summary.added == 1
    assert [(s.path, s.line) for s in summary.skipped] == [(str(first), 1)]
    assert "control character" in summary.skipped[0].reason and "U+0000" in summary.skipped[0].reason
    second = _jsonl(tmp_path / "b.jsonl", [_row("b\x00c", OTHER), _row("good2", OTHER + " Again.")])
    with Index(db) as index:
        summary = index.add(read([second]))
        assert summary.added == 1 and [(s.path, s.line) for s in summary.skipped] == [(str(second), 1)]
        assert sorted(index.store.ids()) == ["good1", "good2"]
    _everything_works(db, tmp_path)


@pytest.mark.parametrize("field", ["id", "title", "url", "outlet", "text"])
def test_a_lone_surrogate_costs_no_other_article_and_is_never_stored(tmp_path: Path, field: str) -> None:
    """B5: before, a lone surrogate in id, title, url or outlet failed the whole batch ('utf-8' codec can't
    encode, no file or line); in text it was stored and then exports crashed."""
    db = tmp_path / "x.db"
    bad = {"id": "bad", "text": WIRE, "title": "T", "url": "https://x.example/a", "outlet": "X"}
    bad[field] = bad[field][:3] + "\udc80" + bad[field][3:]
    path = _jsonl(tmp_path / "a.jsonl", [_row("good1", LEDGER), json.dumps(bad), _row("good2", OTHER)])
    with Index(db) as index:
        summary = index.add(read([path]))
        ids = set(index.store.ids())
        assert {"good1", "good2"} <= ids
        if field == "id":  # refused: an id is a key
            assert summary.added == 2 and [(s.path, s.line) for s in summary.skipped] == [(str(path), 2)]
            assert "lone surrogate" in summary.skipped[0].reason
        else:  # repaired, and said
            assert summary.added == 3 and not summary.skipped
            assert any(n.startswith(f"{path}:2: {field}: 1 lone surrogate") for n in summary.notes)
            stored = index.get("bad")
            value = getattr(stored, field)
            assert "\ufffd" in value and value.encode("utf-8")
    _everything_works(db, tmp_path)


def test_odd_parquet_columns_are_kept_as_json_and_cost_no_article(tmp_path: Path) -> None:
    """B6: before, a timestamp, binary or decimal column aborted the whole add (meta must hold JSON values),
    losing the good JSONL articles of the same batch."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": ["p1", "p2"],
            "text": [WIRE, OTHER],
            "seen": pa.array([dt.datetime(2024, 11, 8, 9, 30), None], type=pa.timestamp("us")),
            "day": pa.array([dt.date(2024, 11, 8), dt.date(2024, 11, 9)]),
            "blob": pa.array([b"\x00\xff", b"ab"], type=pa.binary()),
            "price": pa.array([decimal.Decimal("1.50"), None], type=pa.decimal128(5, 2)),
            "span": pa.array([dt.timedelta(seconds=90), None], type=pa.duration("s")),
        }
    )
    parquet = tmp_path / "odd.parquet"
    pq.write_table(table, parquet)
    jsonl = _jsonl(tmp_path / "good.jsonl", [_row("j1", LEDGER), _row("j2", "x", bad=float("nan"))])
    db = tmp_path / "x.db"
    with Index(db) as index:
        summary = index.add(read([parquet, jsonl]))
        assert summary.added == 4 and not summary.skipped
        meta = index.get("p1").meta
        assert meta == {
            "seen": "2024-11-08T09:30:00",
            "day": "2024-11-08",
            "blob": "AP8=",
            "price": "1.50",
            "span": 90.0,
        }
        assert index.get("j2").meta == {"bad": "NaN"}
    _everything_works(db, tmp_path)


def test_meta_without_a_json_form_is_dropped_with_a_note_not_fatal(tmp_path: Path) -> None:
    """B6 through the Python API: before, one such value failed the whole batch."""
    with Index(tmp_path / "x.db") as index:
        summary = index.add(
            [
                Article(WIRE, id="a", meta={"keep": 1, "obj": object(), "big": 10**5000}),
                Article(LEDGER, id="b"),
            ]
        )
        assert summary.added == 2
        assert index.get("a").meta == {"keep": 1}
        assert [n.split(": ", 1)[0] for n in summary.notes] == ["<input>:1", "<input>:1"]


def test_bad_articles_from_the_api_are_skipped_with_their_position(tmp_path: Path) -> None:
    """Before, an article without an id, or a mapping without text, failed the whole add."""
    with Index(tmp_path / "x.db") as index:
        summary = index.add(
            [Article(WIRE), {"title": "no text"}, Article(LEDGER, id="b"), Article(OTHER, id=5)]
        )  # type: ignore[arg-type,list-item]
        assert summary.added == 1
        assert [(s.path, s.line) for s in summary.skipped] == [("<input>", 1), ("<input>", 2), ("<input>", 4)]


def test_the_same_id_with_another_text_is_named_with_file_and_line(tmp_path: Path) -> None:
    """B7: before, it was only counted (already present 1, same id)."""
    db = tmp_path / "x.db"
    first = _jsonl(tmp_path / "a.jsonl", [_row("a", WIRE), _row("b", LEDGER)])
    second = _jsonl(
        tmp_path / "b.jsonl", [_row("a", WIRE), _row("b", OTHER), _row("c", OTHER), _row("c", WIRE)]
    )
    with Index(db) as index:
        index.add(read([first]))
        summary = index.add(read([second]), batch_size=2)
    assert summary.duplicate_id == 3 and summary.added == 1
    assert summary.notes == [
        f"{second}:2: id 'b' is already in the index with another text; this one was not stored "
        "(give it another id)",
        f"{second}:4: id 'c' came earlier in this input with another text; this one was not stored "
        "(give it another id)",
    ]


def test_json_values_python_cannot_hold_as_they_are_cost_no_article(tmp_path: Path) -> None:
    """B6 for JSONL: before, an integer of more than 4,300 digits made the whole line invalid JSON."""
    digits = "9" * 5000
    path = tmp_path / "a.jsonl"
    path.write_text(
        f'{{"id": "a", "text": "{OTHER}", "big": {digits}, "nan": NaN, "inf": -Infinity, "e": 1e400}}\n',
        encoding="utf-8",
    )
    with Index(tmp_path / "x.db") as index:
        summary = index.add(read([path]))
        assert summary.added == 1 and not summary.skipped
        assert index.get("a").meta == {"big": digits, "nan": "NaN", "inf": "-Infinity", "e": "Infinity"}
    _everything_works(tmp_path / "x.db", tmp_path)


def test_a_parquet_value_python_cannot_hold_is_dropped_with_a_note(tmp_path: Path) -> None:
    """B6: before, a timestamp or duration out of Python's range raised OverflowError out of `read`, a
    traceback that lost the whole add."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": ["p1", "p2"],
            "text": [WIRE, OTHER],
            "seen": pa.array([0, 10**15], type=pa.timestamp("s")),
            "span": pa.array([10**18, 5], type=pa.duration("s")),
        }
    )
    parquet = tmp_path / "odd.parquet"
    pq.write_table(table, parquet)
    with Index(tmp_path / "x.db") as index:
        summary = index.add(read([parquet]))
        assert summary.added == 2 and not summary.skipped
        assert index.get("p1").meta == {"seen": "1970-01-01T00:00:00"}
        assert index.get("p2").meta == {"span": 5.0}
        assert [n.split(": ", 2)[:2] for n in summary.notes] == [
            [f"{parquet}:1", "meta 'span' dropped"],
            [f"{parquet}:2", "meta 'seen' dropped"],
        ]


def test_a_text_over_the_index_cap_is_skipped_and_costs_no_article(tmp_path: Path) -> None:
    """`--max-chars` may let through a text the store cannot keep (over `MAX_TEXT_BYTES` in UTF-8): it is
    skipped where it enters, with its position, and the rest of its batch is stored."""
    from copydesk.store.codec import MAX_TEXT_BYTES

    huge = "é" * (MAX_TEXT_BYTES // 2 + 1)  # two bytes a character: just over the cap
    with Index(tmp_path / "i.db") as index:
        summary = index.add([{"id": "big", "text": huge}, {"id": "wire", "text": WIRE}])
        assert summary.added == 1 and index.stats().articles == 1
        assert [(s.path, s.line) for s in summary.skipped] == [("<input>", 1)]
        assert "cap" in summary.skipped[0].reason
