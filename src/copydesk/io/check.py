"""The check every article passes before it is stored: what cannot be stored is refused, what can be kept
is repaired or converted, and either is said.

`Index.add` runs `check_article` on each article, read from files or handed over, so that one bad record
is skipped with its file and line and never fails the batch it is in. The rules, field by field:

- ``id``: a non-empty string without control characters (C0 U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F)
  and without lone surrogates (U+D800-U+DFFF, which a JSON ``"\\udc80"`` escape makes). Otherwise the
  article is refused: an id is a key, and a repaired one could name another article.
- ``text``, ``title``, ``url``, ``outlet``: each lone surrogate is replaced by U+FFFD, with a note (one
  character for one, so every offset stays right). ``title``, ``url`` and ``outlet`` must be strings or
  None, ``date`` a `datetime.date` or None, ``meta`` a mapping; otherwise the article is refused.
- ``meta``: every value is kept in a JSON form: strings (lone surrogates replaced, noted), integers
  (up to 14,000 bits: Python writes no longer ones), finite floats, booleans and None as they are; NaN and infinities as the strings ``"NaN"``,
  ``"Infinity"``, ``"-Infinity"``; dates, times and timestamps as ISO 8601 strings; durations as seconds;
  binary values as base64 strings; decimals as strings; numpy scalars as Python numbers; lists, tuples
  and mappings element by element (keys as strings; sets as lists sorted by their JSON text). A value of
  any other type, nested more than `MAX_DEPTH` levels, or that a reader could not read (`Unreadable`),
  is dropped with a note.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from copydesk.errors import InputError
from copydesk.model import Article

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings kept in ``meta``; a deeper value is dropped with a note."""

# Python writes integers of up to 4,300 digits (sys.get_int_max_str_digits), about 14,280 bits.
_MAX_INT_BITS = 14_000
_ID_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPTIONAL = ("title", "url", "outlet")


class _Dropped(Exception):
    """A meta value that has no JSON form: the reason."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A value a reader could not turn into a Python value (a Parquet timestamp beyond the year 9999...),
    in place of it: dropped from ``meta`` with ``reason`` in the note; refused in any other field."""

    reason: str


def check_article(article: Article) -> tuple[Article, tuple[str, ...]]:
    """The article as it can be stored, and a note for each repair made (empty when none).

    Raises `InputError` (without a path: the caller knows where the article came from) when the article
    cannot be stored at all; the message says which field, shows the value and says the fix.
    """
    id_ = article.id
    if not isinstance(id_, str) or not id_:
        raise InputError(f"no id (got {id_!r}): every indexed article needs a non-empty string id")
    bad = _ID_BAD.search(id_)
    if bad is not None:
        kind = "a lone surrogate" if _SURROGATE.match(bad.group()) else "a control character"
        raise InputError(
            f"id {id_!r} holds {kind} (U+{ord(bad.group()):04X} at character {bad.start()}): "
            "an id must be printable text; fix the id in the input"
        )
    for name in _OPTIONAL:
        value = getattr(article, name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be a string or None, got {type(value).__name__} {value!r:.60}")
    if article.date is not None and not isinstance(article.date, dt.date):
        raise InputError(f"date must be a datetime.date or None, got {type(article.date).__name__}")
    if not isinstance(article.meta, Mapping):
        raise InputError(f"meta must be a mapping, got {type(article.meta).__name__}")
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for name in ("text", *_OPTIONAL):
        value = getattr(article, name)
        if value is not None and _has_surrogate(value):
            changes[name], count = _SURROGATE.subn("\ufffd", value)
            notes.append(f"{name}: {_plural(count, 'lone surrogate')} replaced with U+FFFD")
    if article.meta:
        meta = _meta(article.meta, notes)
        if meta is not None:
            changes["meta"] = meta
    if changes:
        article = dataclasses.replace(article, **changes)
    return article, tuple(notes)


def _has_surrogate(text: str) -> bool:
    # A strict UTF-8 encoding fails exactly on lone surrogates, and costs a fifth of a regex scan (about
    # 2 us per 1,000 characters); an ASCII text, tested in a few nanoseconds, holds none.
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _plural(count: int, what: str) -> str:
    return f"1 {what}" if count == 1 else f"{count} {what}s"


def _meta(meta: Mapping[Any, Any], notes: list[str]) -> dict[str, Any] | None:
    """The meta mapping in JSON form, or None when it is already (the common case: no copy made)."""
    out: dict[str, Any] = {}
    changed = not isinstance(meta, dict)
    for key, value in meta.items():
        fixes: list[str] = []
        name = _key(key, fixes)
        try:
            kept = _json(value, 1, fixes)
        except _Dropped as exc:
            notes.append(f"meta {name!r} dropped: {exc}")
            changed = True
            continue
        if fixes:
            notes.append(f"meta {name!r}: {_plural(len(fixes), 'lone surrogate')} replaced with U+FFFD")
        changed = changed or name is not key or kept is not value
        out[name] = kept
    return out if changed else None


def _repaired(text: str, fixes: list[str]) -> str:
    if not _has_surrogate(text):
        return text
    repaired, count = _SURROGATE.subn("\ufffd", text)
    fixes.extend(["surrogate"] * count)
    return repaired


def _key(key: Any, fixes: list[str]) -> str:
    return _repaired(key if isinstance(key, str) else str(key), fixes)


def _json(value: Any, depth: int, fixes: list[str]) -> Any:
    """``value`` in JSON form (the same object when it is already); `_Dropped` when it has none."""
    if value is None or type(value) is bool:
        return value
    if type(value) is int:
        if value.bit_length() > _MAX_INT_BITS:
            raise _Dropped(f"an integer of {value.bit_length():,} bits is too long to write as JSON")
        return value
    if isinstance(value, str):
        return _repaired(value, fixes)
    if isinstance(value, bool | int):  # subclasses (IntEnum ...)
        return _json(bool(value) if isinstance(value, bool) else int(value), depth, fixes)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, np.generic):
        return _json(value.item(), depth, fixes)
    if isinstance(value, Unreadable):
        raise _Dropped(value.reason)
    if not isinstance(value, Mapping | list | tuple | set | frozenset):
        raise _Dropped(
            f"a {type(value).__name__} value has no JSON form (give a string, number, list or mapping)"
        )
    if depth > MAX_DEPTH:
        raise _Dropped(f"nested more than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        items: dict[str, Any] = {}
        same = isinstance(value, dict)
        for k, v in value.items():
            name, kept = _key(k, fixes), _json(v, depth + 1, fixes)
            same = same and name is k and kept is v
            items[name] = kept
        return value if same else items
    kept_items = [_json(v, depth + 1, fixes) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(kept_items, key=lambda v: json.dumps(v, sort_keys=True))
    same_list = isinstance(value, list) and all(a is b for a, b in zip(kept_items, value, strict=True))
    return value if same_list else kept_items
