"""Plain-text articles: one article per file, with an optional header line.

The header line, when present, is the file's first line and reads `` date YYYY-MM-DD <title>`` (leading
space optional). It becomes the article's date and title; the body starts on the next line. Offsets stay
offsets into the whole file as read (header included), so ``text[start:end]`` is the file's own text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from copydesk.errors import InputError
from copydesk.model import Article, Origin

_HEADER = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+([^\n]*?))?[ \t]*(?:\n|$)")


def parse_text(text: str, *, id: str | None = None, path: str | None = None) -> Article:
    """An `Article` from the content of a text file, reading a header line if there is one."""
    origin = None if path is None else Origin(path)
    m = _HEADER.match(text)
    if m is None:
        return Article(text=text, id=id, origin=origin)
    try:
        date = dt.date.fromisoformat(m.group(1))
    except ValueError as exc:
        raise InputError(
            f"header date {m.group(1)!r} is not a valid date (YYYY-MM-DD)", path=path, line=1
        ) from exc
    title = (m.group(2) or "").strip() or None
    return Article(text=text, id=id, title=title, date=date, body_start=m.end(), origin=origin)


def decode(data: bytes, *, path: str) -> str:
    """UTF-8 text of a file (a BOM is dropped); an error names the file, line and byte that fail."""
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not text", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"invalid UTF-8 at byte {exc.start}", path=path, line=line) from exc


def read_text_file(path: str | Path, *, id: str | None = None) -> Article:
    """Read one article from a text file; its id defaults to the file name without extension."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(p)) from exc
    text = decode(data, path=str(p)).replace("\r\n", "\n")
    if not text.strip():
        raise InputError("empty file: no text to read", path=str(p))
    return parse_text(text, id=id if id is not None else p.stem, path=str(p))
