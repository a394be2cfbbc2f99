"""JSONL, CSV and Parquet: row by row, bad rows reported with their line, streaming."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.io import FieldMap, Record, Skipped, read, tabular
from copydesk.model import Article


def records(*paths: str | Path, **options: Any) -> list[Record]:
    return list(read(paths, **options))


def describe(recs: list[Record]) -> list[tuple[str, object]]:
    """(id, None) for each article, (reason, line) for each skip: one list to compare at a glance."""
    return [(r.id or "", None) if isinstance(r, Article) else (r.reason, r.line) for r in recs]


def jsonl(path: Path, rows: list[Any], *, compress: bool = False) -> Path:
    data = "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


# JSONL


def test_jsonl_rows_become_articles_with_their_fields(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "id": "afp-1",
                "text": "Kyiv fended off drones.",
                "title": "Drones",
                "date": "2024-11-08T06:00:00Z",
                "url": "https://example.com/a",
                "outlet": "AFP",
                "lang": "en",
                "tags": ["war"],
            }
        ],
    )
    [article] = records(path)
    assert article == Article(
        text="Kyiv fended off drones.",
        id="afp-1",
        title="Drones",
        date=dt.date(2024, 11, 8),
        url="https://example.com/a",
        outlet="AFP",
        meta={"lang": "en", "tags": ["war"]},
    )
    assert isinstance(article, Article)
    assert article.meta == {"lang": "en", "tags": ["war"]}


@pytest.mark.parametrize("compress", [False, True])
def test_a_broken_jsonl_line_in_the_middle_is_reported_and_the_rest_read(
    tmp_path: Path, compress: bool
) -> None:
    name = "a.jsonl.gz" if compress else "a.jsonl"
    rows: list[Any] = [
        {"text": "one"},
        '{"text": "two", ',
        {"text": "three"},
        "",
        "[1, 2]",
        {"body": "x"},
        {"text": "7"},
    ]
    path = jsonl(tmp_path / name, rows, compress=compress)
    assert describe(records(path)) == [
        (f"{name}:1", None),
        ("invalid JSON: Expecting property name enclosed in double quotes (column 17)", 2),
        (f"{name}:3", None),
        ("invalid JSON: expected an object per line, got list", 5),
        ("missing text field 'text' (keys: body)", 6),
        (f"{name}:7", None),
    ]
    skip = records(path)[1]
    assert isinstance(skip, Skipped)
    assert (
        skip.message
        == f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 17)"
    )


def test_invalid_utf8_in_a_jsonl_line_names_the_line_and_file_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "fine"}\n')
    assert describe(records(path)) == [
        ("a.jsonl:1", None),
        ("invalid UTF-8 at byte 28", 2),
        ("a.jsonl:3", None),
    ]


def test_a_byte_order_mark_and_crlf_endings_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n')
    assert [r.text for r in records(path) if isinstance(r, Article)] == ["one", "two"]


def test_a_jsonl_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl.gz", ["", "  "], compress=True)
    assert records(path) == [Skipped(str(path), None, "empty file")]


def test_a_truncated_gzip_yields_what_it_could_then_one_skip(tmp_path: Path) -> None:
    rows = [{"id": str(i), "text": f"story number {i} " * 20} for i in range(2000)]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode())
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    recs = records(path, write(tmp_path / "z.jsonl", '{"text": "after"}\n'))
    got = [r for r in recs[:-2] if isinstance(r, Article)]
    assert len(got) == len(recs) - 2 > 100
    assert [a.id for a in got] == [str(i) for i in range(len(got))]
    skip = recs[-2]
    assert isinstance(skip, Skipped)
    assert skip.path == str(path)
    assert skip.reason.startswith(f"truncated or corrupt file after line {len(got)}: Compressed file ended")
    assert isinstance(recs[-1], Article)


def test_a_file_that_is_not_gzip_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl.gz", '{"text": "plain"}\n')
    [skip] = records(path)
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("cannot read file: Not a gzipped file")


def test_a_line_over_the_byte_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    with path.open("w") as out:
        out.write('{"text": "one"}\n')
        out.write('{"text": "' + "x" * 1_200_000 + '"}\n')
        out.write('{"text": "three"}\n')
    recs = records(path, max_chars=10)
    assert describe(recs)[0] == ("a.jsonl:1", None)
    assert describe(recs)[2] == ("a.jsonl:3", None)
    assert recs[1] == Skipped(
        str(path), 2, "line of 1,200,013 bytes is over the 1,048,696-byte limit for max_chars=10; not read"
    )


def test_jsonl_ids_from_the_id_field_or_the_line(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"id": 7, "text": "x"}, {"id": "", "text": "y"}, {"text": "z"}])
    assert [r.id for r in records(path) if isinstance(r, Article)] == ["7", "a.jsonl:2", "a.jsonl:3"]


def test_a_bad_date_skips_the_row_and_says_how_to_read_it(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "a.jsonl", [{"text": "x", "date": "08/11/2024"}])
    assert describe(records(path)) == [
        ("field 'date': invalid date '08/11/2024': expected ISO 8601 (YYYY-MM-DD...) or RFC 2822", 1)
    ]
    [article] = records(path, fields=FieldMap(date=None))
    assert isinstance(article, Article)
    assert article.meta == {"date": "08/11/2024"}


# streaming


def big_jsonl(path: Path, lines: int) -> Path:
    with gzip.open(path, "wt") if path.name.endswith(".gz") else path.open("w") as out:
        for i in range(lines):
            out.write(
                json.dumps({"id": str(i), "text": f"story {i} about the drones over Kyiv. " * 4}) + "\n"
            )
    return path


def test_the_first_records_come_without_reading_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_jsonl(tmp_path / "big.jsonl", 200_000)
    size = path.stat().st_size
    assert size > 30_000_000
    consumed = [0]

    class Counting(io.BufferedReader):
        def read(self, n: int | None = -1) -> bytes:
            data = super().read(n)
            consumed[0] += len(data)
            return data

        def readline(self, n: int | None = -1) -> bytes:
            data = super().readline(n)
            consumed[0] += len(data)
            return data

    def counting_open(p: Path) -> io.BufferedIOBase:
        return Counting(io.FileIO(p, "rb"))

    monkeypatch.setattr(tabular, "_open", counting_open)
    tracemalloc.start()
    try:
        first = list(itertools.islice(read([path]), 3))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [a.id for a in first if isinstance(a, Article)] == ["0", "1", "2"]
    assert consumed[0] < 100_000
    assert peak < 1_000_000


def test_a_whole_gzip_jsonl_goes_through_in_little_memory(tmp_path: Path) -> None:
    path = big_jsonl(tmp_path / "big.jsonl.gz", 20_000)
    tracemalloc.start()
    try:
        count = sum(1 for r in read([path]) if isinstance(r, Article))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    # The decompressed file is about 3.8 MB; one line at a time costs a few kB.
    assert peak < 1_000_000


# CSV


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_with_quoted_newlines_keep_their_first_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.csv",
        'id,text,title,date,source\n1,"first\nstory, two lines",T1,2024-11-08,wire\n\n2,second,,,\n3,"x",only three\n',
    )
    recs = records(path)
    assert describe(recs) == [("1", None), ("2", None), ("record has 3 fields, the header has 5", 6)]
    first = recs[0]
    assert isinstance(first, Article)
    assert (first.text, first.title, first.date) == ("first\nstory, two lines", "T1", dt.date(2024, 11, 8))
    assert first.meta == {"source": "wire"}
    second = recs[1]
    assert isinstance(second, Article)
    assert (second.title, second.date, second.meta) == (None, None, {"source": ""})


def test_a_csv_without_the_text_column_is_skipped_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "id,body\n" + "".join(f"{i},story {i}\n" for i in range(100)))
    after = write(tmp_path / "b.csv", "text\nread on\n")
    recs = records(tmp_path)
    assert recs == [
        Skipped(str(path), 1, "missing text field 'text' (columns: id, body)"),
        Article(text="read on", id="b.csv:2"),
    ]
    assert after.exists()


def test_csv_field_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "doc_id,body,headline\nd1,hello,Hi\n")
    [article] = records(path, fields=FieldMap(id="doc_id", text="body", title="headline"))
    assert article == Article(text="hello", id="d1", title="Hi")


def test_invalid_utf8_in_a_csv_record_skips_that_record(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'text\n"good"\n"bad \xff\nstill bad"\nafter\n')
    assert describe(records(path)) == [("a.csv:2", None), ("invalid UTF-8 at byte 17", 3), ("a.csv:5", None)]


def test_a_csv_with_only_a_header_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "id,text\n")
    assert records(path) == [Skipped(str(path), None, "empty file (a header row, no records)")]


def test_a_gzip_csv_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress("\ufefftext,id\r\nhello,x\r\n".encode()))
    assert records(path) == [Article(text="hello", id="x")]


def test_a_csv_field_over_max_chars(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "text\n" + "x" * 11 + "\nshort\n")
    assert describe(records(path, max_chars=10)) == [
        ("text longer than max_chars (11 characters > 10)", 2),
        ("a.csv:3", None),
    ]


# Parquet


def parquet(path: Path, rows: dict[str, list[Any]], **options: Any) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(rows), path, **options)
    return path


def test_parquet_rows_in_batches_keep_their_row_numbers(tmp_path: Path) -> None:
    path = parquet(
        tmp_path / "a.parquet",
        {
            "doc": [f"d{i}" if i % 3 else None for i in range(10)],
            "body": [f"story {i}" if i != 4 else "" for i in range(10)],
            "published": [dt.datetime(2024, 11, 8, 6, 0)] * 10,
            "lang": ["en"] * 10,
        },
        row_group_size=3,
    )
    fields = FieldMap(id="doc", text="body", date="published")
    recs = list(tabular.read_parquet(path, name="a.parquet", fields=fields, max_chars=100, batch_size=2))
    assert describe(recs) == [
        ("a.parquet:1", None),
        ("d1", None),
        ("d2", None),
        ("a.parquet:4", None),
        ("empty text in field 'body'", 5),
        ("d5", None),
        ("a.parquet:7", None),
        ("d7", None),
        ("d8", None),
        ("a.parquet:10", None),
    ]
    first = recs[0]
    assert isinstance(first, Article)
    assert (first.date, first.meta) == (dt.date(2024, 11, 8), {"lang": "en"})


def test_a_parquet_without_the_text_column_is_skipped_once(tmp_path: Path) -> None:
    path = parquet(tmp_path / "a.parquet", {"id": ["1", "2"], "body": ["a", "b"]})
    assert records(path) == [Skipped(str(path), None, "missing text field 'text' (columns: id, body)")]


def test_a_parquet_without_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    path = parquet(tmp_path / "a.parquet", {"text": pa.array([], pa.string())})
    assert records(path) == [Skipped(str(path), None, "empty file (no rows)")]


def test_a_file_that_is_not_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = write(tmp_path / "a.parquet", "text\nnot parquet at all\n")
    [skip] = records(path)
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("not a Parquet file:")


# properties

_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)
_rows = st.lists(
    st.fixed_dictionaries(
        {"text": _text.filter(str.strip)},
        optional={
            "id": _text,
            "title": _text,
            "url": _text,
            "outlet": _text,
            "date": st.dates(min_value=dt.date(1900, 1, 1)),
            "extra": st.integers() | _text,
        },
    ),
    min_size=1,
    max_size=20,
)


def expected(row: dict[str, Any], default_id: str) -> Article:
    return Article(
        text=row["text"],
        id=row.get("id") or default_id,
        title=row.get("title"),
        date=row.get("date"),
        url=row.get("url"),
        outlet=row.get("outlet"),
        meta={"extra": row["extra"]} if "extra" in row else {},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows)
def test_any_jsonl_of_valid_articles_round_trips(tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    path = tmp_path / "p.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    got = records(path)
    assert got == [expected(row, f"p.jsonl:{i}") for i, row in enumerate(rows, 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows)
def test_any_csv_of_valid_articles_round_trips(tmp_path: Path, rows: list[dict[str, Any]]) -> None:
    columns = ["id", "text", "title", "date", "url", "outlet", "extra"]
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([str(row.get(c, "")).replace("\x00", "") for c in columns])
    got = [(a.text, a.title, a.date, a.url, a.outlet) for a in records(path) if isinstance(a, Article)]

    def clean(value: str | None) -> str | None:
        return (value or "").replace("\x00", "") or None

    assert got == [
        (
            clean(row["text"]),
            clean(row.get("title")),
            row.get("date"),
            clean(row.get("url")),
            clean(row.get("outlet")),
        )
        for row in rows
        if (clean(row["text"]) or "").strip()
    ]
