"""How `Index.add` takes records in: each one is checked where it enters, one that cannot be stored is
skipped with where it was and why, and the rest go on (no batch fails for one record).

Where a record was: its `Origin` (file and line) when a reader made it; for an article handed over by a
caller (an `Article` or a mapping), ``<input>`` and its 1-based position in the iterable given to `add`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from copydesk.engine.articles import as_article
from copydesk.errors import ConfigError, InputError
from copydesk.io.check import check_article
from copydesk.io.record import Skipped
from copydesk.model import Article, Origin
from copydesk.store import AddOutcome
from copydesk.store.codec import MAX_TEXT_BYTES, over_cap

INPUT = "<input>"
"""The path named for articles handed over by a caller rather than read from a file."""


def origin(article: Article, position: int) -> Origin:
    """Where ``article`` was: its own `Origin`, else ``<input>`` at its position in the input."""
    return article.origin if article.origin is not None else Origin(INPUT, position)


def checked(
    records: Iterable[Article | Skipped | Mapping[str, Any]], skipped: list[Skipped], notes: list[str]
) -> Iterator[Article]:
    """The articles of ``records`` that can be stored, as `check_article` leaves them (each with an
    `Origin`); a `Skipped` for each one that cannot goes to ``skipped``, a note for each repair to
    ``notes`` (``path:line: what was done``)."""
    for position, record in enumerate(records, 1):
        if isinstance(record, Skipped):
            skipped.append(record)
            continue
        if not isinstance(record, Article):
            try:
                record = as_article(record)
            except ConfigError as exc:
                skipped.append(Skipped(INPUT, position, str(exc)))
                continue
        where = origin(record, position)
        try:
            article, fixes = check_article(record)
        except InputError as exc:
            skipped.append(Skipped(where.path, where.line, exc.reason))
            continue
        size = over_cap(article.text)
        if size is not None:
            reason = (
                f"text of {size:,} bytes in UTF-8, over the index's cap of {MAX_TEXT_BYTES:,} bytes a text: "
                "split it, or leave it out with --max-chars"
            )
            skipped.append(Skipped(where.path, where.line, reason))
            continue
        notes.extend(f"{where}: {fix}" for fix in fixes)
        if article.origin is None:
            article = dataclasses.replace(article, origin=where)
        yield article


def conflicts(batch: Sequence[Article], outcomes: Sequence[AddOutcome]) -> list[str]:
    """A note for each article of ``batch`` not stored because its id holds another text."""
    notes = []
    for article, outcome in zip(batch, outcomes, strict=True):
        if outcome.conflict is None:
            continue
        where = "is already in the index" if outcome.conflict == "stored" else "came earlier in this input"
        notes.append(
            f"{article.origin or INPUT}: id {outcome.id!r} {where} with another text; this one was not "
            "stored (give it another id)"
        )
    return notes
