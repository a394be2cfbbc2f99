"""The JSON objects copydesk answers with, each defined once: the command line's ``--format json`` and the
HTTP API (`copydesk serve`) build theirs here, and ``tests/engine/test_shapes.py`` pins every one.

- hit: one article of a `find` answer (`hit`);
- compare: the report on two articles, schema version `copydesk.model.SCHEMA_VERSION` (`comparison`);
- story: one story with its members and the evidence of each edge (`story`); the same with its hidden source
  rebuilt from its copies, as `copydesk story ID` shows one story (`story_shown`); a story in a listing,
  without its members and edges (`story_row`);
- summary: what an `add` did (`summary`), with the stories update after it when there was one;
- article: one stored article with its place in its story (`article`);
- outlet: who runs whose copy, per outlet (`outlet`);
- error: ``{"ok": false, "error": "one sentence", "status": N}`` (`error`).

Dates are ISO 8601 strings, scores floats in [0, 1] rounded to 4 places, spans half-open character offsets.
"""

from __future__ import annotations

from typing import Any

from copydesk.engine.index import AddSummary, Hit
from copydesk.engine.stories import StoriesUpdate
from copydesk.model import Article, Comparison, Reconstruction, Story, StoryMember
from copydesk.store import OutletRow, StoryRow


def hit(h: Hit) -> dict[str, Any]:
    """One hit of `find`: the hit's record, its figures, direction and shared passages (side a = the
    query, side b = the hit)."""
    return h.to_dict()


def comparison(c: Comparison) -> dict[str, Any]:
    """The compare report (the documented schema: docs/reference.md)."""
    return c.to_dict()


def story(s: Story) -> dict[str, Any]:
    """One story in full: its figures, members (``articles``) and edges with their evidence."""
    return s.to_dict()


def story_shown(s: Story, reconstructed: Reconstruction | None) -> dict[str, Any]:
    """One story in full (`story`) and ``reconstructed``: its hidden source rebuilt from its copies (the
    sentences with the copies that carry each, and each copy's edit script against it), null without one."""
    return {**story(s), "reconstructed": None if reconstructed is None else reconstructed.to_dict()}


def story_row(s: Story | StoryRow) -> dict[str, Any]:
    """One story in a listing: its figures without members and edges."""
    row = s if isinstance(s, StoryRow) else StoryRow.of(s)
    return {
        "id": row.id,
        "size": row.size,
        "root": row.root,
        "hidden_source": row.hidden_source,
        "hidden_agency": row.hidden_agency,
        "hidden_agency_credited": row.agency_credited,
        "title": row.title,
        "outlets": list(row.outlets),
        "earliest": None if row.earliest is None else row.earliest.isoformat(),
        "latest": None if row.latest is None else row.latest.isoformat(),
        "uncredited": row.uncredited,
        "uncredited_share": round(row.uncredited_share, 4),
    }


def summary(done: AddSummary, *, index_articles: int, stories: StoriesUpdate | None = None) -> dict[str, Any]:
    """What one `add` did (counts, skipped inputs with where and why, notes, timing), how many articles the
    index holds after it, and the stories update that followed it when there was one."""
    out = {**done.to_dict(), "index_articles": index_articles}
    if stories is not None:
        out["stories"] = stories.to_dict()
    return out


def article(a: Article, member: StoryMember | None, story_id: str | None) -> dict[str, Any]:
    """One stored article with its text, and its story (id, role, parent) when it is placed in one."""
    return {
        "id": a.id,
        "title": a.title,
        "date": None if a.date is None else a.date.isoformat(),
        "outlet": a.outlet,
        "url": a.url,
        "text": a.text,
        "story": story_id,
        "role": None if member is None else member.role,
        "parent": None if member is None else member.parent,
        "uncredited": None if member is None else member.uncredited,
        "credits": [] if member is None else list(member.credits),
    }


def outlet(row: OutletRow) -> dict[str, Any]:
    """Who runs whose copy for one outlet (``outlet`` None: the articles with no outlet)."""
    return {
        "outlet": row.outlet,
        "articles": row.articles,
        "stories": row.stories,
        "copies": row.copies,
        "uncredited": row.uncredited,
        "uncredited_share": round(row.uncredited_share, 4),
        "sources": [{"outlet": o, "copies": n} for o, n in row.sources],
    }


def error(message: str, status: int) -> dict[str, Any]:
    """An error answer: one sentence saying what is wrong and the fix, and the HTTP status."""
    return {"ok": False, "error": message, "status": status}
