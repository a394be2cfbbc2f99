"""Which input column holds which `Article` field, and how a row's values become an `Article`.

A row is a mapping from column (or JSON key) names to values: a JSONL object, a CSV record, a Parquet row.
`FieldMap` names the column of each `Article` field; every other column goes to `Article.meta`, kept as
given. Dates are read by `parse_date` (the io layer cannot import the engine's parser; this one accepts the
same ISO 8601 strings and RFC 2822 dates as well).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from copydesk.errors import ConfigError, InputError
from copydesk.model import Article, Origin


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Input column name of each `Article` field: ``FieldMap(text="body", id="doc_id")``.

    ``text`` is required in every row. The others are optional in the data; map one to None to not read it
    at all (its column, if any, then goes to ``meta`` like any unmapped column).
    """

    id: str | None = "id"
    text: str = "text"
    title: str | None = "title"
    date: str | None = "date"
    url: str | None = "url"
    outlet: str | None = "outlet"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text:
            raise ConfigError(f"the text field must name a column, got {self.text!r}")
        for name in ("id", "title", "date", "url", "outlet"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"field {name} must name a column or be None, got {value!r}")

    @classmethod
    def parse(cls, specs: Iterable[str]) -> FieldMap:
        """A map from ``field=column`` strings (``text=body``, ``id=doc_id``); ``field=`` reads no column.

        Fields not named keep their default column.
        """
        known = [f.name for f in fields(cls)]
        given: dict[str, str | None] = {}
        for spec in specs:
            name, sep, column = spec.partition("=")
            name = name.strip()
            if not sep:
                raise ConfigError(f"a field mapping reads field=column, got {spec!r}")
            if name not in known:
                raise ConfigError(
                    f"unknown article field {name!r} in {spec!r}: expected one of {', '.join(known)}"
                )
            given[name] = column.strip() or None
        return cls(**given)  # type: ignore[arg-type]

    @property
    def columns(self) -> frozenset[str]:
        """The column names read into `Article` fields (all others go to ``meta``)."""
        names = (self.id, self.text, self.title, self.date, self.url, self.outlet)
        return frozenset(n for n in names if n is not None)


def parse_date(value: object) -> dt.date | None:
    """The calendar date of a value, None for None or an empty string.

    Accepts a `datetime.date` or `datetime.datetime` (its own date, time zone ignored), an ISO 8601 string
    (``2024-11-08``, ``2024-11-08T09:30:00Z``: the date as written, not moved to UTC) or an RFC 2822 string
    (``Fri, 08 Nov 2024 09:30:00 GMT``). Anything else raises `InputError` (without a path: the caller knows
    where the value came from).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError):
            pass
    raise InputError(f"invalid date {value!r}: expected ISO 8601 (YYYY-MM-DD...) or RFC 2822")


def too_long(chars: int, max_chars: int) -> str:
    """The reason given for a text over the limit."""
    return f"text longer than max_chars ({chars:,} characters > {max_chars:,})"


def byte_limit(max_chars: int) -> int:
    """Most bytes of one line, page or WARC payload read into memory for a text of at most ``max_chars``.

    JSON may spend 12 bytes on one character (a ``\\uXXXX`` surrogate pair), and other fields come on top:
    anything larger cannot hold an acceptable text, or is not one record, and is skipped unread so that a
    runaway line (a whole JSON array on one line, a file without newlines) never fills memory.
    """
    return 12 * max_chars + (1 << 20)


def _optional(row: Mapping[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"field {column!r} must be a string, got {type(value).__name__} {value!r:.40}")


@functools.lru_cache(maxsize=64)
def _columns(fields: FieldMap) -> frozenset[str]:
    return fields.columns  # once per field map, not once per row


def row_article(
    row: Mapping[str, Any],
    fields: FieldMap,
    *,
    default_id: str,
    max_chars: int,
    kind: str = "keys",
    origin: Origin | None = None,
) -> Article:
    """The `Article` of one row; `InputError` (without a path) says what is wrong with it.

    default_id: the id when the row has none (the readers pass ``<file>:<line>``).
    kind: what the row's names are called in messages (``keys`` for JSON, ``columns`` for tables).
    origin: where the row was read, kept on the article for messages.
    """
    if fields.text not in row:
        raise InputError(f"missing text field {fields.text!r} ({kind}: {', '.join(map(str, row))})")
    text = row[fields.text]
    if text is not None and not isinstance(text, str):
        raise InputError(f"text field {fields.text!r} must be a string, got {type(text).__name__}")
    if not text or not text.strip():
        raise InputError(f"empty text in field {fields.text!r}")
    if len(text) > max_chars:
        raise InputError(too_long(len(text), max_chars))
    date = None
    if fields.date is not None:
        try:
            date = parse_date(row.get(fields.date))
        except InputError as exc:
            raise InputError(f"field {fields.date!r}: {exc.reason}") from exc
    mapped = _columns(fields)
    return Article(
        text=text,
        id=_optional(row, fields.id) or default_id,
        title=_optional(row, fields.title),
        date=date,
        url=_optional(row, fields.url),
        outlet=_optional(row, fields.outlet),
        meta={k: v for k, v in row.items() if k not in mapped},
        origin=origin,
    )
