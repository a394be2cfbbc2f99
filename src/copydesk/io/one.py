"""`read_one`: the one article a command such as `compare` or `find` is given, read as `add` would read it.

A path names a file of any format `copydesk.io.read` knows: a text file (``.txt``, and any file of another
extension, read as text), an HTML page (its main text), or a JSONL, CSV, Parquet or WARC file holding one
article. A file holding several articles needs the one to use named as ``FILE#ID`` (the article's id as
`add` would store it: the id field, ``<file name>:<line or row>`` without one, a WARC record's target URI);
a file whose own name holds ``#`` is still read whole. ``-`` reads a text article from standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from copydesk.errors import InputError
from copydesk.io.fields import FieldMap
from copydesk.io.read import file_format, read_file
from copydesk.io.record import Skipped
from copydesk.io.textfile import decode, parse_text, read_text_file
from copydesk.model import Article

# Longest text read from a file of records or a page, in characters: far above any article, and a bound on
# what one page or record may cost.
MAX_CHARS = 50_000_000
# Ids shown when a file holds several articles and none was named.
_SHOWN = 3


def read_one(arg: str, *, stdin: BinaryIO | None = None, fields: FieldMap | None = None) -> Article:
    """The article named by ``arg``: ``-`` (standard input, text), ``FILE`` or ``FILE#ID``; see the module.

    Raises `InputError` naming the file and what is wrong: no such file, an empty one, a file without a
    readable article (with the reader's reason), several articles and none named, no article ``ID``.
    """
    if arg == "-":
        return read_stdin(stdin if stdin is not None else sys.stdin.buffer)
    path, wanted = split_arg(arg)
    kind = file_format(path)
    if kind in (None, "text"):
        if wanted is not None:
            raise InputError(
                f"a text file holds one article; #{wanted} names an article of a JSONL, CSV, Parquet or "
                f"WARC file: give the file alone",
                path=str(path),
            )
        return read_text_file(path)
    return _pick(path, wanted, fields or FieldMap())


def read_stdin(stream: BinaryIO) -> Article:
    """A text article from ``stream`` (id ``stdin``); `InputError` when it holds no text."""
    text = decode(stream.read(), path="<stdin>").replace("\r\n", "\n")
    if not text.strip():
        raise InputError("empty input: no text to read (pipe an article in, or give a file)", path="<stdin>")
    return parse_text(text, id="stdin", path="<stdin>")


def split_arg(arg: str) -> tuple[Path, str | None]:
    """(file, id or None) of ``FILE`` or ``FILE#ID``: the whole of ``arg`` when it names a file, otherwise
    the shortest part before a ``#`` that does (ids may hold ``#`` themselves, as URLs do)."""
    whole = Path(arg)
    if whole.is_file() or "#" not in arg:
        if not whole.is_file():
            what = "a folder, not a file" if whole.is_dir() else "no such file"
            raise InputError(f"{what}: give one article's file (or - for standard input)", path=arg)
        return whole, None
    at = arg.find("#")
    while at >= 0:
        head = Path(arg[:at])
        if head.is_file():
            wanted = arg[at + 1 :]
            if not wanted:
                raise InputError("empty id after '#': write FILE#ID", path=arg[:at])
            return head, wanted
        at = arg.find("#", at + 1)
    raise InputError("no such file (nor FILE#ID with an existing FILE)", path=arg)


def _pick(path: Path, wanted: str | None, fields: FieldMap) -> Article:
    found: list[Article] = []
    first_skip: Skipped | None = None
    for record in read_file(path, name=path.name, fields=fields, max_chars=MAX_CHARS):
        if isinstance(record, Skipped):
            if first_skip is None:
                first_skip = record
            continue
        if wanted is not None:
            if record.id == wanted:
                return record
            if len(found) < _SHOWN:
                found.append(record)
            continue
        found.append(record)
        if len(found) > 1:
            break
    if wanted is not None:
        some = ", ".join(repr(a.id) for a in found)
        held = f" (it holds {some}, ...)" if found else ""
        raise InputError(f"no article with id {wanted!r}{held}: check the id after '#'", path=str(path))
    if len(found) == 1:
        return found[0]
    if found:
        some = ", ".join(repr(a.id) for a in found)
        raise InputError(
            f"holds more than one article ({some}, ...): name the one to use as {path}#ID", path=str(path)
        )
    if first_skip is not None:
        raise InputError(f"no article read: {first_skip.reason}", path=first_skip.path, line=first_skip.line)
    raise InputError("no article read: the file holds no HTML page or record with text", path=str(path))
