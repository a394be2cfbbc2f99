"""`read`: every article in a list of files and folders, as a stream, with bad input reported and skipped.

Formats, chosen by extension (case-insensitive):

=========================================  ==========================================================
``.txt``                                   one article per file, UTF-8, optional header line
                                           `` date YYYY-MM-DD <title>`` (see `copydesk.io.textfile`)
``.jsonl``, ``.ndjson`` (``.gz`` too)      one JSON object per line (see `copydesk.io.tabular`)
``.csv`` (``.csv.gz`` too)                 a header row, then one article per record
``.parquet``                               one article per row (extra ``parquet``)
``.html``, ``.htm``                        one page per file, main text extracted (extra ``web``)
``.warc``, ``.warc.gz``                    one article per HTML response record (extra ``web``)
=========================================  ==========================================================

Folders are walked recursively, depth first, each level sorted by name (code point order), so
``a.txt``, ``b/c.txt``, ``b.txt`` come in that order. Names starting with ``.`` (hidden files and folders)
are ignored inside folders; any other file of an unknown type is reported. A file given by name is always
read. Symbolic links are followed, each folder visited once.

The path ``-`` is standard input, read as JSON Lines (its records are reported as ``<stdin>:LINE``); a file
named ``-`` is given as ``./-``.

Ids: the id field when the row has one; otherwise, for a text or HTML file, its path relative to the *base*
of the call (``2024/story.txt``); for a JSONL, CSV or Parquet row, ``<that path>:<line or row>``
(``<stdin>:<line>`` for standard input); for a WARC record, its target URI (``<that path>#<record>``
without one). The base is the deepest folder holding every input of the call: a folder given counts as
itself, a file given as the folder it is in. So one folder given keeps ids relative to it
(``copydesk add examples`` names ``examples/wire.txt`` ``wire.txt``), one file given is named by its file
name, files of one folder by their names, and ``copydesk add dup/a/story.txt dup/b/story.txt`` gives
``a/story.txt`` and ``b/story.txt``. Two different files read in one call never get the same id, and the
same command gives the same ids on every run (the ids depend on the inputs given, not on the working
folder: inputs are made absolute first).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from copydesk.errors import ConfigError, InputError, MissingDependency
from copydesk.io.fields import FieldMap, too_long
from copydesk.io.record import Record, Skipped
from copydesk.io.tabular import read_csv, read_jsonl, read_jsonl_stream, read_parquet
from copydesk.io.textfile import read_text_file
from copydesk.io.web import read_html, read_warc
from copydesk.model import Article, Origin

STDIN = "-"
"""The path that stands for standard input (JSON Lines)."""
STDIN_NAME = "<stdin>"

# Compound suffixes first: the longest match wins.
SUFFIXES: dict[str, str] = {
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv.gz": "csv",
    ".warc.gz": "warc",
    ".txt": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
}


def file_format(path: str | Path) -> str | None:
    """``text``, ``jsonl``, ``csv``, ``parquet``, ``html`` or ``warc`` for a file name, None if unsupported."""
    name = Path(path).name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def read(
    paths: Iterable[str | Path],
    *,
    fields: FieldMap | None = None,
    max_chars: int = 5_000_000,
    stdin: BinaryIO | None = None,
) -> Iterator[Record]:
    """Each article of the files and folders in ``paths``, or a `Skipped` for each bad file, line or record.

    A generator: one file is open at a time, line-based formats are read line by line and Parquet by record
    batches, so a corpus larger than memory goes through. Errors in the input never stop it; they come out
    as `Skipped` records in reading order. A missing optional library (pyarrow, trafilatura, warcio) skips
    the files that need it, with the install command in the reason.

    fields: input column names for JSONL, CSV and Parquet (default: ``id``, ``text``, ``title``, ``date``,
        ``url``, ``outlet``).
    max_chars: longest text accepted, in characters (>= 1); a longer one is skipped.
    stdin: the binary stream read for the path ``-`` (default: the process's standard input).

    Raises `ConfigError` at once for a bad ``max_chars`` or ``fields``.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise ConfigError(f"max_chars must be a positive integer, got {max_chars!r}")
    if fields is None:
        fields = FieldMap()
    elif not isinstance(fields, FieldMap):
        raise ConfigError(f"fields must be a FieldMap, got {type(fields).__name__}")
    return _read(list(paths), fields, max_chars, stdin)


def id_base(paths: Iterable[str | Path]) -> str | None:
    """The absolute folder that ids made from paths are relative to (see the module's docstring): the
    deepest folder holding every existing input (a folder counts as itself, a file as its folder); None
    when no input exists."""
    places = []
    for given in paths:
        if str(given) == STDIN:
            continue
        path = os.path.abspath(given)
        if os.path.isdir(path):
            places.append(path)
        elif os.path.exists(path):
            places.append(os.path.dirname(path))
    return os.path.commonpath(places) if places else None


def _name(path: Path, base: str) -> str:
    return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()


def _read(
    paths: list[str | Path], fields: FieldMap, max_chars: int, stdin: BinaryIO | None
) -> Iterator[Record]:
    base = id_base(paths) or os.curdir
    for given in paths:
        if str(given) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_jsonl_stream(
                stream, where=STDIN_NAME, name=STDIN_NAME, fields=fields, max_chars=max_chars
            )
            continue
        path = Path(given)
        if path.is_dir():
            for found in _walk(path, set()):
                if isinstance(found, Skipped):
                    yield found
                else:
                    yield from read_file(found, name=_name(found, base), fields=fields, max_chars=max_chars)
        elif path.exists():
            yield from read_file(path, name=_name(path, base), fields=fields, max_chars=max_chars)
        else:
            yield Skipped(str(path), None, "no such file or folder")


def _is_documentation(name: str) -> bool:
    """A folder's own README or licence is not an article: passed over when walking a folder (a file named
    on the command line is still read, or reported)."""
    stem = name.split(".", 1)[0].upper()
    return stem in ("README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG") or name.lower().endswith(".md")


def _walk(folder: Path, seen: set[str]) -> Iterator[Path | Skipped]:
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(str(folder), None, f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError as exc:
            yield Skipped(str(path), None, f"cannot read: {exc.strerror or exc}")
            continue
        if is_dir:
            yield from _walk(path, seen)
        elif is_file and not _is_documentation(entry.name):
            yield path


def read_file(path: Path, *, name: str, fields: FieldMap, max_chars: int) -> Iterator[Record]:
    """The records of one file, whatever its format; never raises for bad input (see `read`).

    name: the file's path relative to the base of the call (see the module's docstring), used for
        default ids.
    """
    where = str(path)
    kind = file_format(path)
    if kind is None:
        suffix = path.suffix.lower()
        yield Skipped(
            where,
            None,
            f"unsupported file type {suffix}" if suffix else "unsupported file type (no extension)",
        )
        return
    try:
        if path.stat().st_size == 0:
            yield Skipped(where, None, "empty file")
            return
        if kind == "text":
            yield from read_text(path, name=name, max_chars=max_chars)
        elif kind == "jsonl":
            yield from read_jsonl(path, name=name, fields=fields, max_chars=max_chars)
        elif kind == "csv":
            yield from read_csv(path, name=name, fields=fields, max_chars=max_chars)
        elif kind == "parquet":
            yield from read_parquet(path, name=name, fields=fields, max_chars=max_chars)
        elif kind == "html":
            yield from _located(read_html(path, name=name, max_chars=max_chars), where)
        else:
            yield from _located(read_warc(path, name=name, max_chars=max_chars), where)
    except MissingDependency as exc:
        yield Skipped(where, None, _missing(exc))
    except InputError as exc:
        yield Skipped(exc.path or where, exc.line, exc.reason)
    except OSError as exc:
        yield Skipped(where, None, f"cannot read file: {exc.strerror or exc}")


def _located(records: Iterator[Record], where: str) -> Iterator[Record]:
    """The records of an HTML page or a WARC file, each article with the file as its `Origin` (one page is
    worth far more than the copy this makes)."""
    origin = Origin(where)
    for record in records:
        yield dataclasses.replace(record, origin=origin) if isinstance(record, Article) else record


def _missing(exc: MissingDependency) -> str:
    cause = exc.__cause__
    # The module may be installed yet fail to import (a missing dependency of its own): say so.
    if isinstance(cause, ImportError) and cause.name != exc.module:
        return f"{exc} ({cause})"
    return str(exc)


def read_text(path: Path, *, name: str, max_chars: int) -> Iterator[Record]:
    """The article of one text file (see `read_text_file`), its id ``name``."""
    size = path.stat().st_size
    # UTF-8 spends at most 4 bytes on a character (plus a 3-byte BOM): a larger file cannot fit max_chars.
    least = (size - 3) // 4
    if least > max_chars:
        yield Skipped(
            str(path),
            None,
            f"text longer than max_chars (at least {least:,} characters in {size:,} bytes > {max_chars:,})",
        )
        return
    article = read_text_file(path, id=name)
    if len(article.text) > max_chars:
        yield Skipped(str(path), None, too_long(len(article.text), max_chars))
        return
    yield article
