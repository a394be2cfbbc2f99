from __future__ import annotations

import builtins
import csv
import datetime as dt
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from copydesk.errors import ConfigError, MissingDependency
from copydesk.io import write
from copydesk.io.write import Column, open_rows, output_format

COLUMNS = (
    Column("id"),
    Column("score", "float"),
    Column("n", "int"),
    Column("flag", "bool"),
    Column("day", "date"),
    Column("names", "list"),
)
ROWS: list[dict[str, Any]] = [
    {"id": "a", "score": 0.5, "n": 3, "flag": True, "day": dt.date(2026, 3, 14), "names": ["AFP", "AP"]},
    {"id": 'b "quoted",\ntwo lines', "score": None, "n": None, "flag": False, "day": None, "names": []},
]


def test_jsonl_to_stream_keeps_types() -> None:
    out = io.StringIO()
    with open_rows(out, COLUMNS, fmt="jsonl") as w:
        w.write(ROWS[:1])
        w.write(ROWS[1:])
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {
        "id": "a",
        "score": 0.5,
        "n": 3,
        "flag": True,
        "day": "2026-03-14",
        "names": ["AFP", "AP"],
    }
    assert lines[1]["day"] is None and lines[1]["names"] == [] and lines[1]["id"] == ROWS[1]["id"]
    assert list(lines[0]) == [c.name for c in COLUMNS]


def test_csv_cells_and_quoting(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with open_rows(path, COLUMNS, fmt="csv") as w:
        w.write(ROWS)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [c.name for c in COLUMNS]
    assert rows[1] == ["a", "0.5", "3", "true", "2026-03-14", "AFP; AP"]
    assert rows[2] == [ROWS[1]["id"], "", "", "false", "", ""]
    assert not list(tmp_path.glob(".*partial"))


def test_gzip_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl.gz"
    assert output_format(path, None, allowed=("jsonl", "csv")) == "jsonl"
    with open_rows(path, COLUMNS, fmt="jsonl") as w:
        w.write(ROWS)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        assert [json.loads(line)["id"] for line in f] == ["a", ROWS[1]["id"]]


def test_parquet_schema_and_values(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "rows.parquet"
    with open_rows(path, COLUMNS, fmt="parquet") as w:
        w.write(ROWS)
    table = pq.read_table(path)
    types = table.schema.types
    assert types[:5] == [pa.string(), pa.float64(), pa.int64(), pa.bool_(), pa.date32()]
    assert pa.types.is_list(types[5]) and types[5].value_type == pa.string()
    assert table.to_pylist() == ROWS


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(MissingDependency, match=r"pip install 'copydesk\[parquet\]'"):
        open_rows(tmp_path / "x.parquet", COLUMNS, fmt="parquet")
    assert not list(tmp_path.iterdir())


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    with pytest.raises(KeyError), open_rows(path, COLUMNS, fmt="jsonl") as w:
        w.write(ROWS)
        w.write([{"id": "missing columns"}])
    assert not list(tmp_path.iterdir())


def test_output_format() -> None:
    rows = ("jsonl", "csv", "parquet")
    assert output_format(None, None, allowed=rows) == "jsonl"
    assert output_format("x.CSV", None, allowed=rows) == "csv"
    assert output_format("x.ndjson", None, allowed=rows) == "jsonl"
    assert output_format("x.parquet", None, allowed=rows) == "parquet"
    assert output_format("x.data", "csv", allowed=rows) == "csv"
    assert output_format("corpus", None, allowed=(*rows, "txt")) == "txt"
    with pytest.raises(ConfigError, match="cannot tell the output format"):
        output_format("corpus", None, allowed=rows)
    with pytest.raises(ConfigError, match="needs a file name"):
        output_format(None, "parquet", allowed=rows)
    with pytest.raises(ConfigError, match="one of"):
        output_format("x.jsonl", "txt", allowed=rows)
    with pytest.raises(ConfigError, match=r"drop the \.gz"):
        output_format("x.parquet.gz", "parquet", allowed=rows)


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    return victim


@pytest.mark.parametrize("name", ["x.jsonl", "x.csv.gz", "x.parquet"])
def test_export_never_writes_through_a_link_at_its_temporary_name(tmp_path: Path, name: str) -> None:
    victim = _victim(tmp_path)
    (tmp_path / f".{name}.partial").symlink_to(victim)
    fmt = output_format(name, None, allowed=("jsonl", "csv", "parquet"))
    with open_rows(tmp_path / name, COLUMNS, fmt=fmt) as w:
        w.write(ROWS)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (tmp_path / name).is_file() and not (tmp_path / name).is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "victim.txt", f".{name}.partial"])


def test_partial_file_is_created_exclusively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a link (and a file) at the names the writer draws first: it draws again, never opening them
    victim = _victim(tmp_path)
    tokens = iter(["deadbeef", "deadbeef", "cafef00d"])
    monkeypatch.setattr(write.secrets, "token_hex", lambda n: next(tokens))
    (tmp_path / ".x.jsonl.deadbeef.partial").symlink_to(victim)
    with open_rows(tmp_path / "x.jsonl", COLUMNS, fmt="jsonl") as w:
        w.write(ROWS)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".x.jsonl.deadbeef.partial",
        "victim.txt",
        "x.jsonl",
    ]


def test_link_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    (tmp_path / "x.jsonl").symlink_to(victim)
    with open_rows(tmp_path / "x.jsonl", COLUMNS, fmt="jsonl") as w:
        w.write(ROWS)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "x.jsonl").is_symlink()
    assert len((tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_partial_name_fits_a_long_target_name(tmp_path: Path) -> None:
    name = "é" * 121 + ".jsonl"  # 248 bytes: the usual temporary name would be over 255
    with open_rows(tmp_path / name, COLUMNS, fmt="jsonl") as w:
        w.write(ROWS)
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_leftovers_are_the_temporary_names_of_the_target(tmp_path: Path) -> None:
    for name in (".x.jsonl.0123abcd.partial", ".x.jsonl.partial", ".y.jsonl.0123abcd.partial", "x.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / ".x.jsonl.99999999.partial").mkdir()
    assert [p.name for p in write.leftovers(tmp_path / "x.jsonl")] == [
        ".x.jsonl.0123abcd.partial",
        ".x.jsonl.99999999.partial",
    ]
