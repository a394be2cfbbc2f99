"""Stories in the SQLite index: verified links, stories, their members and provenance edges, merges.

Tables (schema version 2, see `schema`):

``links(a, b, containment_a, containment_b, shared_words, verdict, confidence, evidence)``
    one verified pair per row, ``a < b`` (article ids); evidence is a JSON list of
    ``[kind, favours, weight, detail]``.
``stories(story, seq, root, hidden, size, earliest, latest, created, updated, merged)``
    ``seq`` orders stories by creation (a merge keeps the lower one); ``merged`` a JSON list of story ids.
``story_members(id, story, role, parent, confidence, containment, credits, own_names, credits_source,
uncredited)``
    one row per article (or alias) in a story; credits and own_names are JSON lists.
``story_edges(story, source, copy, confidence, containment, is_primary, evidence)``
``story_merges(merged, into, at)``: every merge, by story id.
``meta.stories_mark``: the last article (internal ``doc``) the stories cover; ``meta.aliases_mark``: the
last alias (``aliases.seq``, see `copydesk.store.schema`) they cover (version 5).

An alias is a member of its story like an article (a ``story_members`` row, role ``alias``, its parent the
article holding its text); its title, date and outlet come from the ``aliases`` table.
`copydesk.store.story_queries.member_nodes` (the provenance nodes of a story) leaves aliases out: they take no
part in the provenance graph.

This module creates the tables and writes them; `copydesk.store.story_queries` reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from copydesk.model import Evidence, Link, Story, StoryEdge, StoryMember
from copydesk.store.codec import reading

# New links from which a write rebuilds the index on `b` rather than updating it (see `write`).
_BULK_LINKS = 100_000

DDL = """
CREATE TABLE links (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    containment_a REAL NOT NULL,
    containment_b REAL NOT NULL,
    shared_words INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    confidence REAL NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX links_b ON links (b);
CREATE TABLE stories (
    story TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    root TEXT,
    hidden INTEGER NOT NULL,
    size INTEGER NOT NULL,
    earliest TEXT,
    latest TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    merged TEXT NOT NULL
);
CREATE INDEX stories_size ON stories (size DESC, seq);
CREATE TABLE story_members (
    id TEXT PRIMARY KEY,
    story TEXT NOT NULL,
    role TEXT NOT NULL,
    parent TEXT,
    confidence REAL NOT NULL,
    containment REAL NOT NULL,
    credits TEXT NOT NULL,
    own_names TEXT NOT NULL,
    credits_source INTEGER NOT NULL,
    uncredited INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX story_members_story ON story_members (story);
CREATE TABLE story_edges (
    story TEXT NOT NULL,
    source TEXT NOT NULL,
    copy TEXT NOT NULL,
    confidence REAL NOT NULL,
    containment REAL NOT NULL,
    is_primary INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (story, copy, source)
) WITHOUT ROWID;
CREATE TABLE story_merges (
    merged TEXT PRIMARY KEY,
    into_story TEXT NOT NULL,
    at TEXT NOT NULL
) WITHOUT ROWID;
"""

CHUNK = 20_000


def ids_json(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def _evidence_json(evidence: Sequence[Evidence]) -> str:
    return json.dumps([[e.kind, e.favours, e.weight, e.detail] for e in evidence])


def mark(con: sqlite3.Connection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'stories_mark'").fetchone()
    if row is None:
        return 0
    with reading("meta", "key 'stories_mark'"):
        return int(row[0])


def added_since(con: sqlite3.Connection, after: int) -> tuple[int, list[str]]:
    """The ids of articles stored after ``after`` in insertion order, and the new mark."""
    rows = con.execute("SELECT doc, id FROM articles WHERE doc > ? ORDER BY doc", (after,)).fetchall()
    return (rows[-1][0] if rows else after), [id_ for _, id_ in rows]


def alias_mark(con: sqlite3.Connection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'aliases_mark'").fetchone()
    return 0 if row is None else int(row[0])


def set_alias_mark(con: sqlite3.Connection, value: int) -> None:
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('aliases_mark', ?)", (str(value),))


def aliases_since(con: sqlite3.Connection, after: int) -> tuple[int, int, list[tuple[str, str]]]:
    """(``after``, the new mark, (alias, article holding its text) of the aliases stored after ``after``
    in the order they came)."""
    rows = con.execute(
        "SELECT al.seq, al.id, a.id FROM aliases AS al JOIN articles AS a ON a.doc = al.doc "
        "WHERE al.seq > ? ORDER BY al.seq",
        (after,),
    ).fetchall()
    return after, (rows[-1][0] if rows else after), [(alias, of) for _, alias, of in rows]


def _member_row(story: str, m: StoryMember, own: frozenset[str]) -> tuple[Any, ...]:
    return (
        m.id,
        story,
        m.role,
        m.parent,
        m.confidence,
        m.containment,
        json.dumps(list(m.credits)),
        json.dumps(sorted(own)),
        int(m.credits_source),
        int(m.uncredited),
    )


def _edge_row(story: str, e: StoryEdge) -> tuple[Any, ...]:
    return (story, e.source, e.copy, e.confidence, e.containment, int(e.primary), _evidence_json(e.evidence))


def patch(
    con: sqlite3.Connection,
    *,
    story: str,
    root: str | None,
    size: int,
    merged: Sequence[str],
    members: Sequence[StoryMember],
    edges: Sequence[StoryEdge],
    absorbed: Sequence[str],
    own_names: Mapping[str, frozenset[str]],
    now: str,
) -> None:
    """Apply a `StoryPatch` (see `copydesk.store.records`) inside the caller's transaction."""
    for old in absorbed:
        con.execute("UPDATE story_members SET story = ? WHERE story = ?", (story, old))
        con.execute("UPDATE story_edges SET story = ? WHERE story = ?", (story, old))
    changed = ids_json(m.id for m in members)
    con.execute(
        "DELETE FROM story_edges WHERE story = ? AND copy IN (SELECT value FROM json_each(?))",
        (story, changed),
    )
    con.executemany(
        "INSERT OR REPLACE INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (_member_row(story, m, own_names.get(m.id, frozenset())) for m in members),
    )
    con.executemany(
        "INSERT OR REPLACE INTO story_edges VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_edge_row(story, e) for e in edges),
    )
    dates = [m.date for m in members if m.date is not None]
    row = con.execute("SELECT earliest, latest FROM stories WHERE story = ?", (story,)).fetchone()
    with reading("stories", f"story {story!r}"):
        old_dates = [dt.date.fromisoformat(x) for x in row if x is not None] if row else []
    span = dates + old_dates
    for old in absorbed:
        with reading("stories", f"story {old!r}"):
            span += [
                dt.date.fromisoformat(x)
                for x in con.execute(
                    "SELECT earliest, latest FROM stories WHERE story = ?", (old,)
                ).fetchone()
                or ()
                if x is not None
            ]
    con.execute(
        "UPDATE stories SET root = ?, size = ?, earliest = ?, latest = ?, updated = ?, merged = ? WHERE story = ?",
        (
            root,
            size,
            min(span).isoformat() if span else None,
            max(span).isoformat() if span else None,
            now,
            json.dumps(list(merged)),
            story,
        ),
    )


def write(
    con: sqlite3.Connection,
    *,
    new_mark: int,
    links: Sequence[Link],
    stories: Sequence[tuple[Story, int]],
    own_names: Mapping[str, frozenset[str]],
    merged: Mapping[str, str],
    now: str,
) -> None:
    """Store new links and the given stories (replacing what was stored for them), retire ``merged``
    (story -> the story it went into), and move the mark; inside the caller's transaction.

    Links are written in key order (each page of the table is filled once); when they are many next to
    those stored (a first build), the index on ``b`` is dropped and built again after them, which is
    several times faster than keeping it up to date row by row (all of it inside the transaction).
    """
    rows = sorted(
        (
            ln.a,
            ln.b,
            ln.containment_a,
            ln.containment_b,
            ln.shared_words,
            ln.verdict,
            ln.confidence,
            _evidence_json(ln.evidence),
        )
        for ln in links
    )
    bulk = len(rows) >= _BULK_LINKS and len(rows) >= con.execute("SELECT count(*) FROM links").fetchone()[0]
    if bulk:
        con.execute("DROP INDEX links_b")
    con.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if bulk:
        con.execute("CREATE INDEX links_b ON links (b)")
    gone = list(merged)
    for start in range(0, len(gone), CHUNK):
        chunk = ids_json(gone[start : start + CHUNK])
        for table in ("stories", "story_edges"):
            con.execute(f"DELETE FROM {table} WHERE story IN (SELECT value FROM json_each(?))", (chunk,))
    con.executemany(
        "INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?)", ((m, into, now) for m, into in merged.items())
    )
    created = dict(
        con.execute(
            "SELECT story, created FROM stories WHERE story IN (SELECT value FROM json_each(?))",
            (ids_json(s.id for s, _ in stories),),
        ).fetchall()
    )
    ids = [s.id for s, _ in stories]
    for start in range(0, len(ids), CHUNK):
        con.execute(
            "DELETE FROM story_edges WHERE story IN (SELECT value FROM json_each(?))",
            (ids_json(ids[start : start + CHUNK]),),
        )
    story_rows = []
    member_rows_: list[tuple[Any, ...]] = []
    edge_rows: list[tuple[Any, ...]] = []
    for story, seq in stories:
        first, last = story.span
        story_rows.append(
            (
                story.id,
                seq,
                story.root,
                int(story.hidden_source),
                story.size,
                None if first is None else first.isoformat(),
                None if last is None else last.isoformat(),
                created.get(story.id, now),
                now,
                json.dumps(list(story.merged)),
            )
        )
        member_rows_ += [_member_row(story.id, m, own_names.get(m.id, frozenset())) for m in story.members]
        edge_rows += [_edge_row(story.id, e) for e in story.edges]
    con.executemany("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", story_rows)
    con.executemany(
        "INSERT OR REPLACE INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", member_rows_
    )
    con.executemany("INSERT OR REPLACE INTO story_edges VALUES (?, ?, ?, ?, ?, ?, ?)", edge_rows)
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stories_mark', ?)", (str(new_mark),))
