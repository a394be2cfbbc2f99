"""The `export` verb: every article with its place in its story, or one article per story, page by page.

Stories are read ``page_size`` at a time (biggest first, then oldest, as `Index.stories` lists them) and
their rows handed to a `copydesk.io.write.RowWriter`, so memory holds one page of stories (and, for the
deduplicated export, the texts of one page of articles), whatever the size of the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from copydesk.engine.index import Index
from copydesk.io.write import Column, RowWriter
from copydesk.model import Article, Story

STORY_COLUMNS = (
    Column("story"),
    Column("id"),
    Column("role"),
    Column("parent"),
    Column("confidence", "float"),
    Column("containment", "float"),
    Column("story_size", "int"),
    Column("root"),
    Column("hidden_source", "bool"),
    Column("hidden_agency"),
    Column("outlet"),
    Column("date", "date"),
    Column("title"),
    Column("credits", "list"),
    Column("credits_source", "bool"),
    Column("uncredited", "bool"),
)
"""Columns of `export_stories`, one row per article (see `story_rows`)."""

DEDUP_COLUMNS = (
    Column("id"),
    Column("title"),
    Column("date", "date"),
    Column("url"),
    Column("outlet"),
    Column("text"),
    Column("story"),
    Column("story_size", "int"),
)
"""Columns of `export_dedup`, one row per story (see `dedup_row`). The names are those the readers take
by default, so the output reads back with ``copydesk add`` (``story`` and ``story_size`` go to meta)."""


@dataclass(slots=True)
class ExportSummary:
    """What an export wrote: stories read, rows written."""

    stories: int = 0
    rows: int = 0


def story_pages(index: Index, *, page_size: int = 2_000) -> Iterator[list[Story]]:
    """Every story of the index, ``page_size`` at a time, biggest first (then oldest); stories are not
    brought up to date here (call `Index.update_stories` first)."""
    offset = 0
    while True:
        page = index.stories(min_size=1, limit=page_size, offset=offset, update=False)
        if not page:
            return
        yield page
        offset += len(page)


def story_rows(story: Story) -> list[dict[str, Any]]:
    """One row per member of ``story`` in `STORY_COLUMNS`, the root first, aliases included.

    parent: the article the member derives from, ``"hidden"`` for a parent not in the corpus, None for a
    source or a single, for an alias (role ``alias``) the article whose text it runs; root: None for a
    hidden-source story; hidden_agency: the agency the hidden source's copies name (None when none). confidence and containment in [0, 1],
    rounded to 4 places.
    """
    return [
        {
            "story": story.id,
            "id": m.id,
            "role": m.role,
            "parent": m.parent,
            "confidence": round(m.confidence, 4),
            "containment": round(m.containment, 4),
            "story_size": story.size,
            "root": story.root,
            "hidden_source": story.hidden_source,
            "hidden_agency": story.hidden_agency,
            "outlet": m.outlet,
            "date": m.date,
            "title": m.title,
            "credits": list(m.credits),
            "credits_source": m.credits_source,
            "uncredited": m.uncredited,
        }
        for m in story.members
    ]


def body_words(article: Article) -> int:
    """Whitespace-separated words of the article's body (its text after a header line)."""
    return len(article.body.split())


def representative(story: Story, articles: dict[str, Article]) -> str:
    """The article that stands for ``story`` in a deduplicated corpus: its root (source) when it has one;
    otherwise (a hidden source) the most complete member, the one with the most body words (`body_words`),
    ties going to the earlier member (older, then smaller id). ``articles`` holds the texts of the members
    that are not aliases when there is no root.

    The text chosen may run under several ids (its article and the article's aliases, role ``alias``): the
    earliest of them (by date, then id) stands for it, so the choice does not depend on which id came first
    and holds the text."""
    if story.root is not None:
        chosen = story.root
    else:
        texts = [(k, m) for k, m in enumerate(story.members) if m.role != "alias"]
        chosen = max(texts, key=lambda km: (body_words(articles[km[1].id]), -km[0]))[1].id
    same = [m for m in story.members if m.id == chosen or (m.role == "alias" and m.parent == chosen)]
    return min(same, key=lambda m: (m.date or dt.date.max, m.id)).id


def dedup_row(story: Story, article: Article) -> dict[str, Any]:
    """The row of ``article`` standing for ``story``, in `DEDUP_COLUMNS`; ``text`` is its body (a text
    file's header line is in ``title`` and ``date``)."""
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "url": article.url,
        "outlet": article.outlet,
        "text": article.body,
        "story": story.id,
        "story_size": story.size,
    }


def export_stories(
    index: Index,
    writer: RowWriter,
    *,
    page_size: int = 2_000,
    progress: Callable[[ExportSummary], None] | None = None,
) -> ExportSummary:
    """Write every article of the index with its place in its story (`story_rows`) to ``writer``.

    Stories as stored: bring them up to date first with `Index.update_stories`.
    """
    summary = ExportSummary()
    for page in story_pages(index, page_size=page_size):
        rows = [row for story in page for row in story_rows(story)]
        writer.write(rows)
        summary.stories += len(page)
        summary.rows += len(rows)
        if progress is not None:
            progress(summary)
    return summary


def export_dedup(
    index: Index,
    writer: RowWriter,
    *,
    page_size: int = 2_000,
    progress: Callable[[ExportSummary], None] | None = None,
) -> ExportSummary:
    """Write one article per story (`representative`, as `dedup_row`) to ``writer``: aliases are the same
    text, so they are not written again (an alias may stand for its text, with its own record).

    Stories as stored: bring them up to date first with `Index.update_stories`.
    """
    summary = ExportSummary()
    for page in story_pages(index, page_size=page_size):
        hidden = [m.id for s in page if s.root is None for m in s.members if m.role != "alias"]
        texts = dict(zip(hidden, index.store.get_many(hidden), strict=True)) if hidden else {}
        chosen = [representative(s, texts) for s in page]
        missing = [i for i in chosen if i not in texts]
        texts.update(zip(missing, index.store.get_many(missing), strict=True))
        writer.write([dedup_row(s, texts[i]) for s, i in zip(page, chosen, strict=True)])
        summary.stories += len(page)
        summary.rows += len(page)
        if progress is not None:
            progress(summary)
    return summary
