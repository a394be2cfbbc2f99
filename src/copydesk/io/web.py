"""HTML pages and WARC web archives: the main text of each page, found by trafilatura.

- HTML (``.html``, ``.htm``): one page per file, in any encoding trafilatura can detect. Id: the file's path
  relative to the base of the `read` call (see `copydesk.io.read`).
- WARC (``.warc``, ``.warc.gz``): read record by record with warcio. Each ``response`` (or ``resource``)
  record of HTML content becomes an article whose id and url are its ``WARC-Target-URI``; a response that is
  not HTML, not a 2xx, or has no main text is a `Skipped` whose reason starts ``record N (uri U, offset B)``
  (N counts every record from 1, B is the record's byte offset in the file as warcio gives it: compressed
  for ``.warc.gz``) with ``line`` None. ``request``, ``metadata``, ``warcinfo``, ``revisit`` and
  ``conversion`` records are passed over silently. A record cut short, or headers that cannot be parsed,
  end the file with one `Skipped`; the records before it are kept. (An archive cut exactly between two
  records cannot be told from a shorter one.)

Metadata comes from the page through trafilatura: title, publication date, site name (the outlet; else the
URL's host without ``www.``), canonical URL. In a WARC the page's own date wins over the ``WARC-Date``
capture date, which is kept in ``meta['warc_date']``. Nothing is ever fetched: trafilatura only reads the
bytes at hand.

trafilatura and warcio are optional (extra ``web``): they are imported when first needed, and a missing one
raises `MissingDependency`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from copydesk.errors import InputError, MissingDependency
from copydesk.io.fields import byte_limit, parse_date, too_long
from copydesk.io.record import Record, Skipped
from copydesk.model import Article

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DOCUMENT_RECORDS = ("response", "resource")


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise MissingDependency("trafilatura", "web", "Extracting the main text of HTML pages") from exc
    return trafilatura


def _archive_iterator() -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise MissingDependency("warcio", "web", "Reading WARC archives") from exc
    return ArchiveIterator


@functools.lru_cache(maxsize=4)
def _config(max_bytes: int) -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # trafilatura's own cap (20 MB) would silently return nothing for a larger page; ours is explicit.
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max_bytes))
    return config


def extract(html: bytes | str, *, url: str | None = None, max_bytes: int = 1 << 26) -> dict[str, Any] | None:
    """trafilatura's main text and metadata of one page (its JSON output as a dict), or None if it finds none.

    url: where the page was found, used for metadata only (never fetched).
    Raises `MissingDependency` when trafilatura is not installed.
    """
    trafilatura = _trafilatura()
    result = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        config=_config(max_bytes),
    )
    if not result:
        return None
    doc: dict[str, Any] = json.loads(result)
    return doc


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    if host is None:
        return None
    return host.removeprefix("www.")


def _lenient_date(value: object) -> dt.date | None:
    try:
        return parse_date(value)
    except InputError:
        return None


def web_article(
    doc: dict[str, Any],
    *,
    id: str,
    url: str | None,
    max_chars: int,
    fallback_date: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Article:
    """The `Article` of one extracted page; `InputError` (without a path) when its text is unusable.

    url: the page's address (for a WARC record, its target URI); when None the page's canonical URL is used.
    fallback_date: a date to use when the page shows none (the WARC-Date).
    """
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no main text found")
    if len(text) > max_chars:
        raise InputError(too_long(len(text), max_chars))
    canonical = doc.get("source") or None
    url = url or canonical
    extra = {k: doc.get(k) for k in ("author", "language", "excerpt") if doc.get(k)}
    if canonical and canonical != url:
        extra["canonical_url"] = canonical
    extra.update(meta or {})
    return Article(
        text=text,
        id=id,
        title=doc.get("title") or None,
        date=_lenient_date(doc.get("date")) or _lenient_date(fallback_date),
        url=url,
        outlet=doc.get("source-hostname") or _host(url),
        meta=extra,
    )


def read_html(path: Path, *, name: str, max_chars: int) -> Iterator[Record]:
    """The article of one HTML page, or one `Skipped` saying why there is none."""
    _trafilatura()
    where = str(path)
    limit = byte_limit(max_chars)
    size = path.stat().st_size
    if size > limit:
        yield Skipped(
            where,
            None,
            f"page of {size:,} bytes is over the {limit:,}-byte limit for max_chars={max_chars:,}; not read",
        )
        return
    data = path.read_bytes()
    if not data.strip():
        yield Skipped(where, None, "empty file")
        return
    if b"\x00" in data[:8192]:
        yield Skipped(where, None, "binary file (NUL bytes), not text")
        return
    try:
        yield web_article(
            _extract_page(data, url=None, max_bytes=limit), id=name, url=None, max_chars=max_chars
        )
    except InputError as exc:
        yield Skipped(where, None, exc.reason)


def _extract_page(data: bytes | str, *, url: str | None, max_bytes: int) -> dict[str, Any]:
    try:
        doc = extract(data, url=url, max_bytes=max_bytes)
    except MissingDependency:
        raise
    except Exception as exc:
        # trafilatura and lxml raise assorted errors on hostile markup; one page must not stop the batch.
        raise InputError(f"HTML extraction failed: {type(exc).__name__}: {exc}") from exc
    if doc is None:
        raise InputError("no main text found")
    return doc


def _content_type(record: Any) -> str | None:
    headers = record.http_headers if record.rec_type == "response" else None
    value = headers.get_header("Content-Type") if headers is not None else None
    if value is None:
        value = record.rec_headers.get_header("Content-Type")
    return str(value) if value else None


def _is_html_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _looks_like_html(head: bytes) -> bool:
    start = head[:1024].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _decoded(payload: bytes, content_type: str | None) -> bytes | str:
    # The HTTP header's charset is the best evidence there is; without one (or when it is wrong),
    # trafilatura detects the encoding from the bytes.
    charset = _charset(content_type)
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return payload


def read_warc(path: Path, *, name: str, max_chars: int) -> Iterator[Record]:
    """The articles of a WARC file (plain or gzip per record), record by record.

    A truncated or corrupt archive yields what could be read, then one `Skipped` saying where it broke.
    """
    archive_iterator = _archive_iterator()
    _trafilatura()
    where = str(path)
    limit = byte_limit(max_chars)
    size = path.stat().st_size
    number = 0
    with path.open("rb") as stream:
        records = archive_iterator(stream)
        try:
            for record in records:
                number += 1
                if record.format != "warc":
                    yield Skipped(where, None, f"not a WARC file: record {number} reads as {record.format}")
                    return
                if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                    # Every WARC record has one; without it, the headers were cut short.
                    here = _where(record, number, records.get_record_offset())
                    yield Skipped(where, None, f"truncated or corrupt WARC: {here} has no Content-Length")
                    return
                result = _warc_record(record, number=number, name=name, limit=limit, max_chars=max_chars)
                # warcio does not notice a record cut short: its payload reader is left owing bytes.
                while record.raw_stream.read(1 << 16):
                    pass
                truncated = getattr(record.raw_stream, "limit", 0) > 0
                # Asked only now: warcio reads the record to its end to answer.
                here = _where(record, number, records.get_record_offset())
                if truncated:
                    yield Skipped(where, None, f"truncated WARC: {here} is incomplete")
                    return
                if isinstance(result, Article):
                    yield result
                elif result is not None:
                    yield Skipped(where, None, f"{here}: {result}")
        except Exception as exc:
            # warcio raises assorted errors (even AttributeError) on damaged input; what was read stays read.
            yield Skipped(where, None, f"{_broken(number)}: {type(exc).__name__}: {exc}")
            return
        end = getattr(records, "offset", size)
    if number == 0 and end >= size:
        yield Skipped(where, None, "not a WARC file: no record found")
    elif end < size:
        yield Skipped(
            where,
            None,
            f"{_broken(number)}: {size - end:,} bytes at offset {end:,} could not be read",
        )


def _broken(number: int) -> str:
    if number == 0:
        return "not a WARC file, or damaged from its start"
    return f"truncated or corrupt WARC after record {number}"


def _where(record: Any, number: int, offset: int) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return f"record {number} (uri {uri}, offset {offset})"


def _warc_record(record: Any, *, number: int, name: str, limit: int, max_chars: int) -> Article | str | None:
    """The article of one record, the reason it is skipped, or None for records that are not documents."""
    if record.rec_type not in _DOCUMENT_RECORDS:
        return None
    content_type = _content_type(record)
    if content_type is not None and not _is_html_type(content_type):
        return f"WARC record is not an HTML response (content-type {content_type})"
    if record.http_headers is not None and record.rec_type == "response":
        status = record.http_headers.get_statuscode()
        if not str(status).startswith("2"):
            return f"HTTP status {status}, not a page"
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        return f"payload over the {limit:,}-byte limit for max_chars={max_chars:,}; not read"
    if content_type is None and not _looks_like_html(payload):
        return "WARC record is not an HTML response (content-type unknown)"
    uri = record.rec_headers.get_header("WARC-Target-URI")
    meta = {
        k: v
        for k, v in (
            ("warc_date", record.rec_headers.get_header("WARC-Date")),
            ("warc_record_id", record.rec_headers.get_header("WARC-Record-ID")),
        )
        if v
    }
    try:
        doc = _extract_page(_decoded(payload, content_type), url=uri, max_bytes=limit)
        return web_article(
            doc,
            id=uri or f"{name}#{number}",
            url=uri,
            max_chars=max_chars,
            fallback_date=meta.get("warc_date"),
            meta=meta,
        )
    except InputError as exc:
        return exc.reason
