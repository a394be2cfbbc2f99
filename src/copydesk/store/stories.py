"""Stories in the SQLite index: verified links, stories, their members and provenance edges, merges.

Tables (schema version 7, see `schema`):

``links(a, b, containment_a, containment_b, shared_words, verdict, confidence, evidence, via)``
    one verified pair per row, ``a < b`` (article ids); evidence is a JSON list of
    ``[kind, favours, weight, detail]``; ``via`` the bits of the candidate rules that propose the pair
    (`VIA_KEYS`, `VIA_SHINGLES`, `VIA_WIRE`): an update retracts a link none of them proposes any more.
``stories(story, founder, root, hidden, size, earliest, latest, created, updated, merged, hidden_agency)``
    ``founder`` the founder's global key (`copydesk.engine.stages.keys.founder_key`): stories of one size
    are listed in its order; ``merged`` a JSON list of story ids; ``hidden_agency`` the agency the copies of
    the hidden source name, or NULL (version 7).
``story_members(id, story, role, parent, confidence, containment, credits, own_names, credits_source,
uncredited)``
    one row per article (or alias) in a story; credits and own_names are JSON lists.
``story_edges(story, source, copy, confidence, containment, is_primary, evidence)``
``story_merges(merged, into, at)``: every story id retired (its story merged into another, split, or
founded by an earlier member), and the story that holds its founder now: old ids lead to their story.
``wire_parts(key, id)``: the articles that carry a wire transmission header, by story key.
``stories_redo(doc)``: stored articles whose text changed holder (see `copydesk.store.ingest`): the next
update places them again, under their new id.
``meta.stories_mark``: the last article (internal ``doc``) the stories cover; ``meta.aliases_mark``: the
last alias (``aliases.seq``, see `copydesk.store.schema`) they cover (version 5).

An alias is a member of its story like an article (a ``story_members`` row, role ``alias``, its parent the
article holding its text); its title, date and outlet come from the ``aliases`` table.
`copydesk.store.story_queries.member_nodes` (the provenance nodes of a story) leaves aliases out: they take no
part in the provenance graph.

This module creates the tables and writes them; `copydesk.store.story_queries` reads them.
"""

from __future__ import annotations

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
    via INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX links_b ON links (b);
CREATE TABLE stories (
    story TEXT PRIMARY KEY,
    founder TEXT NOT NULL,
    root TEXT,
    hidden INTEGER NOT NULL,
    size INTEGER NOT NULL,
    earliest TEXT,
    latest TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    merged TEXT NOT NULL,
    hidden_agency TEXT
);
CREATE INDEX stories_size ON stories (size DESC, founder);
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
CREATE TABLE stories_redo (doc INTEGER PRIMARY KEY);
CREATE TABLE wire_parts (
    key TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (key, id)
) WITHOUT ROWID;
"""

TABLES = ("links", "stories", "story_members", "story_edges", "story_merges", "wire_parts", "stories_redo")

# A link's `via` bits: the candidate rules that proposed its pair (see `copydesk.engine.stages.candidates`).
VIA_KEYS = 1  # shared band keys or passage fingerprints
VIA_SHINGLES = 2  # rare shared shingles
VIA_WIRE = 4  # parts of one wire story

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
    """The ids of articles stored after ``after`` in insertion order, and the new mark; first those of
    ``stories_redo``."""
    redo = con.execute(
        "SELECT a.id FROM stories_redo AS r JOIN articles AS a USING (doc) WHERE a.doc <= ? ORDER BY a.doc",
        (after,),
    ).fetchall()
    rows = con.execute("SELECT doc, id FROM articles WHERE doc > ? ORDER BY doc", (after,)).fetchall()
    return (rows[-1][0] if rows else after), [id_ for (id_,) in redo] + [id_ for _, id_ in rows]


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


def _link_row(ln: Link, via: int) -> tuple[Any, ...]:
    return (
        ln.a,
        ln.b,
        ln.containment_a,
        ln.containment_b,
        ln.shared_words,
        ln.verdict,
        ln.confidence,
        _evidence_json(ln.evidence),
        via,
    )


def _delete(con: sqlite3.Connection, table: str, column: str, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), CHUNK):
        con.execute(
            f"DELETE FROM {table} WHERE {column} IN (SELECT value FROM json_each(?))",
            (ids_json(keys[start : start + CHUNK]),),
        )


def write(
    con: sqlite3.Connection,
    *,
    new_mark: int,
    links: Sequence[tuple[Link, int]],
    evidence: Mapping[tuple[str, str], tuple[Evidence, ...]],
    dropped: Sequence[tuple[str, str]],
    via: Sequence[tuple[str, str, int]],
    stories: Sequence[tuple[Story, str]],
    replaced: Sequence[str],
    own_names: Mapping[str, frozenset[str]],
    retired: Mapping[str, str],
    wire: Sequence[tuple[str, str]],
    now: str,
) -> None:
    """Inside the caller's transaction: drop the links ``dropped`` (pairs) and the stories ``replaced``
    (their rows, members and edges), store the new ``links`` (each with its `via` bits) and the
    ``evidence`` computed for links (by pair), set the bits
    ``via`` of stored links, store ``stories`` (each with its founder key), record the ``retired`` story
    ids (old id -> the story holding its founder now), the ``wire`` parts (key, id), and move the mark.

    Links are written in key order (each page of the table is filled once); when they are many next to
    those stored (a first build), the index on ``b`` is dropped and built again after them, which is
    several times faster than keeping it up to date row by row (all of it inside the transaction).
    """
    con.executemany("DELETE FROM links WHERE a = ? AND b = ?", dropped)
    con.executemany("UPDATE links SET via = ? WHERE a = ? AND b = ?", ((v, a, b) for a, b, v in via))
    rows = sorted(_link_row(ln, v) for ln, v in links)
    bulk = len(rows) >= _BULK_LINKS and len(rows) >= con.execute("SELECT count(*) FROM links").fetchone()[0]
    if bulk:
        con.execute("DROP INDEX links_b")
    con.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if bulk:
        con.execute("CREATE INDEX links_b ON links (b)")
    con.executemany(
        "UPDATE links SET evidence = ? WHERE a = ? AND b = ?",
        sorted((_evidence_json(ev), a, b) for (a, b), ev in evidence.items()),
    )
    created = dict(
        con.execute(
            "SELECT story, created FROM stories WHERE story IN (SELECT value FROM json_each(?))",
            (ids_json(s.id for s, _ in stories),),
        ).fetchall()
    )
    for table in ("stories", "story_members", "story_edges"):
        _delete(con, table, "story", list(replaced))
    con.executemany(
        "INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?)",
        ((m, into, now) for m, into in retired.items()),
    )
    # an id in use again is no longer retired
    _delete(con, "story_merges", "merged", [s.id for s, _ in stories])
    story_rows = []
    member_rows_: list[tuple[Any, ...]] = []
    edge_rows: list[tuple[Any, ...]] = []
    for story, founder in stories:
        first, last = story.span
        story_rows.append(
            (
                story.id,
                founder,
                story.root,
                int(story.hidden_source),
                story.size,
                None if first is None else first.isoformat(),
                None if last is None else last.isoformat(),
                created.get(story.id, now),
                now,
                json.dumps(list(story.merged)),
                story.hidden_agency,
            )
        )
        member_rows_ += [_member_row(story.id, m, own_names.get(m.id, frozenset())) for m in story.members]
        edge_rows += [_edge_row(story.id, e) for e in story.edges]
    con.executemany("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", story_rows)
    con.executemany(
        "INSERT OR REPLACE INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", member_rows_
    )
    con.executemany("INSERT OR REPLACE INTO story_edges VALUES (?, ?, ?, ?, ?, ?, ?)", edge_rows)
    con.executemany("INSERT OR IGNORE INTO wire_parts VALUES (?, ?)", wire)
    if con.execute("SELECT 1 FROM stories_redo LIMIT 1").fetchone():  # those placed now are done
        placed = [m.id for s, _ in stories for m in s.members]
        for start in range(0, len(placed), CHUNK):
            con.execute(
                "DELETE FROM stories_redo WHERE doc IN (SELECT doc FROM articles WHERE id IN "
                "(SELECT value FROM json_each(?)))",
                (ids_json(placed[start : start + CHUNK]),),
            )
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('stories_mark', ?)", (str(new_mark),))
