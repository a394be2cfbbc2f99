"""Turning what a caller hands over (text, dict, `Article`) into an `Article`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from copydesk.errors import ConfigError, InputError
from copydesk.io.fields import parse_date
from copydesk.model import Article

_FIELDS = ("id", "title", "url", "outlet")


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except InputError as exc:
        raise ConfigError(
            f"date must be a date or an ISO 8601 string (YYYY-MM-DD...), got {value!r}"
        ) from exc


def as_article(value: Article | str | Mapping[str, Any], *, default_id: str | None = None) -> Article:
    """An `Article` from an `Article`, a plain text, or a mapping with ``text`` and optional fields."""
    if isinstance(value, Article):
        return value
    if isinstance(value, str):
        return Article(text=value, id=default_id)
    if isinstance(value, Mapping):
        if not isinstance(value.get("text"), str):
            raise ConfigError(f"an article mapping needs a 'text' string, got keys {sorted(value)!r}")

        def field(name: str) -> str | None:
            v = value.get(name)
            return None if v is None or v == "" else str(v)

        meta = {k: v for k, v in value.items() if k not in (*_FIELDS, "text", "date")}
        return Article(
            text=value["text"],
            id=field("id") or default_id,
            title=field("title"),
            date=_date(value.get("date")),
            url=field("url"),
            outlet=field("outlet"),
            meta=meta,
        )
    raise ConfigError(f"an article is an Article, a str or a mapping, got {type(value).__name__}")
