"""Writers: rows of typed columns to JSONL, CSV or Parquet, and articles to a folder of text files.

Every writer takes rows (mappings from column name to value) page by page through ``write`` and holds at
most one page (Parquet: one row group) in memory, so an export of any size streams.

Values by format (``Column.kind``):

=========  ==================  ====================  =====================
kind       JSONL               CSV                   Parquet
=========  ==================  ====================  =====================
``str``    string or null      text, empty for None  string
``float``  number              ``0.9132``            float64
``int``    number              ``12``                int64
``bool``   true / false        ``true`` / ``false``  bool
``date``   ``"2026-03-14"``    ``2026-03-14``        date32
``list``   list of strings     joined with ``"; "``  list<string>
=========  ==================  ====================  =====================

A file is written under a new, hidden, random temporary name next to it (created exclusively, never through
a link: see `create_partial`) and renamed when complete, so a failed export leaves no half-written file and
a killed one leaves only that temporary file (`leftovers` finds it). A name ending in ``.gz`` (JSONL, CSV)
is gzip-compressed.

The folder of text files is written by `copydesk.io.folder.TextFolderWriter`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TextIO

from copydesk.errors import ConfigError, InputError, MissingDependency

Kind = Literal["str", "float", "int", "bool", "date", "list"]
Row = Mapping[str, Any]

ROW_FORMATS = ("jsonl", "csv", "parquet")
NAME_MAX = 255  # bytes in one part of a path (a file or folder name) on common file systems

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".txt": "txt",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One output column: its name and the kind of its values (see the module's table); None is allowed
    in every kind (an empty cell, a JSON null, a Parquet null)."""

    name: str
    kind: Kind = "str"


def output_format(path: str | Path | None, fmt: str | None, *, allowed: Sequence[str]) -> str:
    """The format to write: ``fmt`` when given, else the one of the file name's extension (``.jsonl``,
    ``.ndjson``, ``.csv``, with ``.gz`` too, ``.parquet``; with ``txt`` allowed, a name without one of these
    extensions is a folder of text files); ``jsonl`` for standard output (no path).

    Raises `ConfigError` when the format is not in ``allowed`` or cannot be told from the name.
    """
    if fmt is None:
        if path is None:
            fmt = "jsonl"
        else:
            name = Path(path).name.lower()
            fmt = next((f for ext, f in _EXTENSIONS.items() if name.endswith(ext)), None)
            if fmt is None and "txt" in allowed and (Path(path).is_dir() or not Path(path).suffix):
                fmt = "txt"
            if fmt is None:
                raise ConfigError(
                    f"cannot tell the output format from the name {str(path)!r}: "
                    f"use an extension ({', '.join(_suffixes(allowed))}) or --format"
                )
    if fmt not in allowed:
        raise ConfigError(f"output format must be one of {', '.join(allowed)}, got {fmt!r}")
    if path is None and fmt not in ("jsonl", "csv"):
        raise ConfigError(
            f"{fmt} output needs a file name (-o PATH): only jsonl and csv go to standard output"
        )
    if path is not None and fmt == "parquet" and str(path).lower().endswith(".gz"):
        raise ConfigError(f"Parquet files are compressed inside: drop the .gz from {str(path)!r}")
    return fmt


def _suffixes(formats: Sequence[str]) -> list[str]:
    return [ext for ext, f in _EXTENSIONS.items() if f in formats and not ext.endswith(".gz") and f != "txt"]


class RowWriter(ABC):
    """Writes pages of rows; use as a context manager (an exception discards a file being written)."""

    @abstractmethod
    def write(self, rows: Sequence[Row]) -> None:
        """Append ``rows`` (each a mapping with a value, or None, for every column)."""

    @abstractmethod
    def close(self) -> None:
        """Finish the output (the file gets its final name)."""

    @abstractmethod
    def discard(self) -> None:
        """Give up: remove what was written (standard output cannot be taken back)."""

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


class _FileRows(RowWriter):
    """A row writer to standard output or to a temporary file renamed into place on `close`."""

    def __init__(self, target: Path | TextIO, columns: Sequence[Column], *, binary: bool = False) -> None:
        self.columns = tuple(columns)
        self._final: Path | None = None
        self._partial: Path | None = None
        self._stream: IO[Any] | None = None
        self._raw: IO[bytes] | None = None
        if isinstance(target, Path):
            self._final = target
            self._partial, self._raw = create_partial(target)
            try:
                if binary:
                    self._stream = None  # the Parquet writer writes to the raw file
                elif target.name.lower().endswith(".gz"):
                    zipped = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw)
                    self._stream = io.TextIOWrapper(zipped, encoding="utf-8", newline="")
                else:
                    self._stream = io.TextIOWrapper(self._raw, encoding="utf-8", newline="")
            except BaseException:
                self.discard()
                raise
        else:
            self._stream = target

    def close(self) -> None:
        if self._final is None or self._partial is None:
            if self._stream is not None:
                self._stream.flush()
            return
        try:
            self._close_files()
            os.replace(self._partial, self._final)
        except OSError as exc:
            self.discard()
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(self._final)) from exc

    def _close_files(self) -> None:
        # the text and gzip layers close the raw file under them; close it too when they were never made
        for f in (self._stream, self._raw):
            if f is not None and not f.closed:
                f.close()

    def discard(self) -> None:
        if self._partial is None:
            return
        with contextlib.suppress(OSError, ValueError):  # what was written is thrown away anyway
            self._close_files()
        self._partial.unlink(missing_ok=True)


def create_partial(target: Path) -> tuple[Path, IO[bytes]]:
    """A new, empty file in ``target``'s folder to write ``target`` under, opened for binary writing.

    The name is hidden and random (``.NAME.XXXXXXXX.partial``, shortened to fit the 255-byte limit of a
    file name), and the file is created exclusively (``O_CREAT | O_EXCL``, and ``O_NOFOLLOW``): a file or
    a symbolic link planted at that name is never opened, let alone written through. Rename it onto
    ``target`` when complete (`os.replace` replaces a link at ``target`` itself, not what it points to).

    Raises `InputError` when the file cannot be created.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = target.with_name(partial_name(target.name))
        try:
            fd = os.open(path, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(target)) from exc
        return path, os.fdopen(fd, "wb")
    raise InputError("cannot write: no free temporary name beside it", path=str(target))


def write_text_file(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` the way exports are written: into a file created exclusively
    beside it (`create_partial`), renamed onto ``target`` when complete, so that a failed or killed write
    leaves ``target`` as it was and a link planted at the temporary name is never written through.

    Raises `InputError` naming ``target`` when it cannot be written.
    """
    partial, raw = create_partial(target)
    try:
        with raw:
            raw.write(text.encode("utf-8"))
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(target)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def leftovers(target: Path) -> list[Path]:
    """The temporary files or folders of ``target`` beside it (`partial_name`), sorted: left by an export
    that was killed, or in use by one still running."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[0-9a-f]{8}\.partial")
    try:
        return sorted(p for p in target.parent.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return []


def partial_name(name: str) -> str:
    """A hidden, random name to build ``name`` under beside it: ``.NAME.XXXXXXXX.partial``, or
    ``.copydesk.XXXXXXXX.partial`` when that would be over `NAME_MAX` bytes."""
    token = secrets.token_hex(4)
    full = f".{name}.{token}.partial"
    if len(full.encode("utf-8", "surrogatepass")) <= NAME_MAX:
        return full
    return f".copydesk.{token}.partial"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


class JsonlRows(_FileRows):
    """One JSON object per line, keys in column order, UTF-8 (not escaped)."""

    def write(self, rows: Sequence[Row]) -> None:
        assert self._stream is not None
        names = [c.name for c in self.columns]
        dates = {c.name for c in self.columns if c.kind == "date"}
        lists = {c.name for c in self.columns if c.kind == "list"}
        lines = []
        for row in rows:
            obj = {
                n: (
                    _plain(row[n])
                    if n in dates
                    else list(row[n])
                    if n in lists and row[n] is not None
                    else row[n]
                )
                for n in names
            }
            lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        self._stream.write("".join(lines))


class CsvRows(_FileRows):
    """A header row, then one record per row (RFC 4180 quoting; a text with line breaks stays one record)."""

    def __init__(self, target: Path | TextIO, columns: Sequence[Column]) -> None:
        super().__init__(target, columns)
        assert self._stream is not None
        self._csv = csv.writer(self._stream, lineterminator="\n")
        self._csv.writerow([c.name for c in self.columns])

    def write(self, rows: Sequence[Row]) -> None:
        self._csv.writerows([[_cell(row[c.name], c.kind) for c in self.columns] for row in rows])


def _cell(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        return "; ".join(value)
    if kind == "date":
        return str(value.isoformat())
    return str(value)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency("pyarrow", "parquet", "Writing Parquet files") from exc
    return pa, pq


class ParquetRows(_FileRows):
    """A Parquet file with one row group per ``group_rows`` rows (zstd-compressed)."""

    def __init__(self, target: Path, columns: Sequence[Column], *, group_rows: int = 50_000) -> None:
        pa, pq = _pyarrow()  # before any file is created
        super().__init__(target, columns, binary=True)
        types = {
            "str": pa.string(),
            "float": pa.float64(),
            "int": pa.int64(),
            "bool": pa.bool_(),
            "date": pa.date32(),
            "list": pa.list_(pa.string()),
        }
        self._pa = pa
        self._schema = pa.schema([(c.name, types[c.kind]) for c in self.columns])
        assert self._raw is not None
        try:
            self._writer = pq.ParquetWriter(self._raw, self._schema, compression="zstd")
        except OSError as exc:
            super().discard()
            raise InputError(f"cannot write: {exc}", path=str(target)) from exc
        self._group_rows = group_rows
        self._pending: list[Row] = []

    def write(self, rows: Sequence[Row]) -> None:
        self._pending.extend(rows)
        if len(self._pending) >= self._group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            names = [c.name for c in self.columns]
            table = self._pa.Table.from_pylist(
                [{n: r[n] for n in names} for r in self._pending], self._schema
            )
            self._writer.write_table(table)
            self._pending = []

    def close(self) -> None:
        try:
            self._flush()
            self._writer.close()
        except BaseException:
            self.discard()
            raise
        super().close()

    def discard(self) -> None:
        self._pending = []
        with contextlib.suppress(Exception):  # the file is thrown away: its last error does not matter
            self._writer.close()
        super().discard()


def open_rows(target: Path | TextIO, columns: Sequence[Column], *, fmt: str) -> RowWriter:
    """A writer of ``fmt`` (``jsonl``, ``csv`` or ``parquet``: a file only) to a file or a text stream.

    Raises `MissingDependency` for Parquet without pyarrow (extra ``parquet``), `InputError` when the file
    cannot be created.
    """
    if fmt == "jsonl":
        return JsonlRows(target, columns)
    if fmt == "csv":
        return CsvRows(target, columns)
    if fmt == "parquet":
        if not isinstance(target, Path):
            raise ConfigError("Parquet output needs a file name, not a stream")
        return ParquetRows(target, columns)
    raise ConfigError(f"row format must be one of {', '.join(ROW_FORMATS)}, got {fmt!r}")
