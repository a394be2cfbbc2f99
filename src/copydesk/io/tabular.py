"""JSON Lines, CSV and Parquet: one article per line, record or row, read as a stream.

- JSONL (``.jsonl``, ``.ndjson``, optionally ``.gz``): one JSON object per line, UTF-8; blank lines are
  ignored. An integer of more than 4,000 digits is read as a string of its digits (Python holds no longer
  ones); ``NaN`` and ``Infinity`` are read as floats (`copydesk.io.check` stores them as strings). Read line by line (gzip decompressed as a stream), so memory holds one line at a time.
- CSV (``.csv``, optionally ``.gz``): comma-separated, double-quoted, UTF-8, a header row naming the columns.
  A record may span several lines inside quotes; its `Skipped.line` is its first line.
- Parquet (``.parquet``): read by record batches; `Skipped.line` is the 1-based row number. Columns of any
  type are read; a value Python cannot hold (a timestamp past the year 9999) is read as an `Unreadable`
  (dropped from ``meta`` with a note by `copydesk.io.check`).

Columns map to `Article` fields through a `FieldMap`; the others go to ``meta``. A row without an id gets
``<file>:<line>`` (``<file>:<row>`` for Parquet), where ``<file>`` is the file's path relative to the base of
the `read` call (see `copydesk.io.read`); ``<stdin>:<line>`` for standard input. Each bad line or row becomes a `Skipped`; a file
without the text column is skipped once, not once per row.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from copydesk.errors import InputError, MissingDependency
from copydesk.io.check import Unreadable
from copydesk.io.fields import FieldMap, byte_limit, row_article
from copydesk.io.record import Record, Skipped
from copydesk.model import Origin

_SNIFF = 8192
# Decompression and read errors that end a file early: what was read before them is kept.
_STREAM_ERRORS = (EOFError, OSError, zlib.error)


def _open(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _is_binary(stream: io.BufferedIOBase | BinaryIO) -> bool:
    if not stream.seekable():  # standard input: look at what is buffered, read nothing
        peek = getattr(stream, "peek", None)
        return peek is not None and b"\x00" in peek(_SNIFF)[:_SNIFF]
    head = stream.read(_SNIFF)
    stream.seek(0)
    return b"\x00" in head


def _lines(stream: io.BufferedIOBase | BinaryIO, limit: int) -> Iterator[tuple[int, int, bytes | None, int]]:
    """(1-based line number, byte offset, line or None when longer than ``limit``, length in bytes).

    A line over the limit is skipped in chunks, never held whole.
    """
    lineno = 0
    offset = 0
    while data := stream.readline(limit + 1):
        lineno += 1
        start = offset
        offset += len(data)
        if len(data) > limit:
            while not data.endswith(b"\n"):
                data = stream.readline(1 << 20)
                if not data:
                    break
                offset += len(data)
            yield lineno, start, None, offset - start
            continue
        if lineno == 1 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
            start += len(codecs.BOM_UTF8)
        yield lineno, start, data, len(data)


def _over_limit(size: int, limit: int, max_chars: int) -> str:
    return f"line of {size:,} bytes is over the {limit:,}-byte limit for max_chars={max_chars:,}; not read"


def _broken(exc: BaseException, after: int, unit: str = "line") -> str:
    if after == 0:
        return f"cannot read file: {exc}"
    return f"truncated or corrupt file after {unit} {after}: {exc}"


def read_jsonl(path: Path, *, name: str, fields: FieldMap, max_chars: int) -> Iterator[Record]:
    """The articles of a JSON Lines file, one per non-blank line, with a `Skipped` for each bad line."""
    with _open(path) as stream:
        yield from read_jsonl_stream(stream, where=str(path), name=name, fields=fields, max_chars=max_chars)


def read_jsonl_stream(
    stream: io.BufferedIOBase | BinaryIO, *, where: str, name: str, fields: FieldMap, max_chars: int
) -> Iterator[Record]:
    """The articles of JSON Lines read from an open binary ``stream`` (a file, or standard input), as
    `read_jsonl`; ``where`` names the input in `Skipped` records (``<stdin>``), ``name`` in default ids."""
    limit = byte_limit(max_chars)
    last = 0
    seen = 0
    try:
        if _is_binary(stream):
            yield Skipped(where, None, "binary file (NUL bytes), not text")
            return
        for lineno, offset, data, size in _lines(stream, limit):
            last = lineno
            if data is None:
                seen += 1
                yield Skipped(where, lineno, _over_limit(size, limit, max_chars))
            elif data.strip():
                seen += 1
                yield _json_line(
                    data,
                    where=where,
                    line=lineno,
                    offset=offset,
                    name=name,
                    fields=fields,
                    max_chars=max_chars,
                )
    except _STREAM_ERRORS as exc:
        yield Skipped(where, None, _broken(exc, last))
        return
    if seen == 0:
        yield Skipped(where, None, "empty file")


# Python refuses to convert integers of more digits than this (sys.get_int_max_str_digits, 4,300 by default).
_MAX_INT_DIGITS = 4_000


def _int(digits: str) -> int | str:
    """A JSON integer, or its digits as a string when Python could not hold it as one (see `check`)."""
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits


# One decoder for every line: ``json.loads`` with an argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_int=_int)


def _json_line(
    data: bytes, *, where: str, line: int, offset: int, name: str, fields: FieldMap, max_chars: int
) -> Record:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Skipped(where, line, f"invalid UTF-8 at byte {offset + exc.start}")
    try:
        value = _DECODER.decode(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return Skipped(where, line, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return Skipped(where, line, "invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return Skipped(where, line, f"invalid JSON: {exc}")
    if not isinstance(value, dict):
        return Skipped(where, line, f"invalid JSON: expected an object per line, got {type(value).__name__}")
    try:
        return row_article(
            value, fields, default_id=f"{name}:{line}", max_chars=max_chars, origin=Origin(where, line)
        )
    except InputError as exc:
        return Skipped(where, line, exc.reason)


def _raise_field_limit(limit: int) -> None:
    # The csv module's field limit is process-wide; it is only ever raised here, never lowered, so that
    # other readers keep working. Lines over `limit` bytes never reach the parser anyway.
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def read_csv(path: Path, *, name: str, fields: FieldMap, max_chars: int) -> Iterator[Record]:
    """The articles of a CSV file with a header row, with a `Skipped` for each bad record.

    A file whose header has no text column is skipped once (line 1) and its rows are not read.
    """
    where = str(path)
    limit = byte_limit(max_chars)
    _raise_field_limit(limit)
    problems: dict[int, str] = {}

    def decoded(stream: io.BufferedIOBase) -> Iterator[str]:
        # Bad lines still reach the parser (replaced), so that record boundaries stay right; the record
        # that holds one is then skipped with the line's problem.
        for lineno, offset, data, size in _lines(stream, limit):
            if data is None:
                problems[lineno] = _over_limit(size, limit, max_chars)
                yield "\n"
                continue
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems[lineno] = f"invalid UTF-8 at byte {offset + exc.start}"
                yield data.decode("utf-8", "replace")

    with _open(path) as stream:
        reader = csv.reader(decoded(stream))
        first = 1
        try:
            if _is_binary(stream):
                yield Skipped(where, None, "binary file (NUL bytes), not text")
                return
            header = next(reader, None)
            while header == []:
                first = reader.line_num + 1
                header = next(reader, None)
            if header is None:
                yield Skipped(where, None, "empty file")
                return
            if problems:
                yield Skipped(where, min(problems), f"header: {problems[min(problems)]}")
                return
            if fields.text not in header:
                columns = ", ".join(header)
                yield Skipped(where, first, f"missing text field {fields.text!r} (columns: {columns})")
                return
            first = reader.line_num + 1
            records = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    records += 1
                    yield Skipped(where, first, f"invalid CSV: {exc}")
                    first = reader.line_num + 1
                    continue
                line, first = first, reader.line_num + 1
                bad = [problems.pop(n) for n in range(line, first) if n in problems]
                if not row and not bad:
                    continue
                records += 1
                if bad:
                    yield Skipped(where, line, bad[0])
                elif len(row) != len(header):
                    yield Skipped(where, line, f"record has {len(row)} fields, the header has {len(header)}")
                else:
                    try:
                        yield row_article(
                            dict(zip(header, row, strict=True)),
                            fields,
                            default_id=f"{name}:{line}",
                            max_chars=max_chars,
                            kind="columns",
                            origin=Origin(where, line),
                        )
                    except InputError as exc:
                        yield Skipped(where, line, exc.reason)
        except _STREAM_ERRORS as exc:
            yield Skipped(where, None, _broken(exc, reader.line_num))
            return
        if records == 0:
            yield Skipped(where, None, "empty file (a header row, no records)")


def _rows(batch: Any) -> list[dict[str, Any]]:
    """The rows of a record batch as dicts; a value Python cannot hold (a timestamp past the year 9999, a
    duration of more than a billion days) becomes an `Unreadable` instead of failing the batch."""
    try:
        rows: list[dict[str, Any]] = batch.to_pylist()
        return rows
    except (OverflowError, ValueError):
        pass
    names = batch.schema.names
    columns = [_values(batch.column(i)) for i in range(batch.num_columns)]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _values(column: Any) -> list[Any]:
    try:
        values: list[Any] = column.to_pylist()
        return values
    except (OverflowError, ValueError):
        pass
    out: list[Any] = []
    for scalar in column:
        try:
            out.append(scalar.as_py())
        except (OverflowError, ValueError) as exc:
            out.append(Unreadable(f"a {column.type} value Python cannot hold ({exc})"))
    return out


def _parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency("pyarrow", "parquet", "Reading Parquet files") from exc
    return pq


def read_parquet(
    path: Path, *, name: str, fields: FieldMap, max_chars: int, batch_size: int = 256
) -> Iterator[Record]:
    """The articles of a Parquet file, read by record batches of ``batch_size`` rows.

    Raises `MissingDependency` when pyarrow is not installed (extra ``parquet``).
    """
    pq = _parquet()
    import pyarrow as pa

    errors = (pa.ArrowException, OSError, ValueError)
    where = str(path)
    try:
        table = pq.ParquetFile(path)
    except errors as exc:
        yield Skipped(where, None, f"not a Parquet file: {exc}")
        return
    with table:
        columns = list(table.schema_arrow.names)
        if fields.text not in columns:
            yield Skipped(where, None, f"missing text field {fields.text!r} (columns: {', '.join(columns)})")
            return
        if table.metadata.num_rows == 0:
            yield Skipped(where, None, "empty file (no rows)")
            return
        row = 0
        try:
            for batch in table.iter_batches(batch_size=batch_size):
                for values in _rows(batch):
                    row += 1
                    try:
                        yield row_article(
                            values,
                            fields,
                            default_id=f"{name}:{row}",
                            max_chars=max_chars,
                            kind="columns",
                            origin=Origin(where, row),
                        )
                    except InputError as exc:
                        yield Skipped(where, row, exc.reason)
        except errors as exc:
            yield Skipped(where, None, _broken(exc, row, "row"))
