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
article holding its text); its title, date and outlet come from the ``aliases`` table. `member_rows` (the
provenance nodes of a story) leaves aliases out: they take no part in the provenance graph.

A row that does not decode (a bad date, JSON, number) is a StoreError naming its table and row
(`copydesk.store.codec.reading`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from copydesk.model import Evidence, Link, Role, Story, StoryEdge, StoryMember, Verdict
from copydesk.store.codec import DECODE_ERRORS, as_malformed, reading

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

_CHUNK = 20_000


def _ids_json(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def _evidence_json(evidence: Sequence[Evidence]) -> str:
    return json.dumps([[e.kind, e.favours, e.weight, e.detail] for e in evidence])


def _evidence(text: str) -> tuple[Evidence, ...]:
    return tuple(Evidence(k, f, w, d) for k, f, w, d in json.loads(text))


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a confidence or containment must be a number, got {value!r}")
    return float(value)


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


def aliases_of(con: sqlite3.Connection, ids: Sequence[str], *, upto: int | None) -> dict[str, list[str]]:
    """article id -> its aliases (up to the mark ``upto``, None: all) in the order they came."""
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = con.execute(
            "SELECT a.id, al.id FROM articles AS a JOIN aliases AS al ON al.doc = a.doc "
            "WHERE a.id IN (SELECT value FROM json_each(?)) AND al.seq <= ? ORDER BY al.seq",
            (_ids_json(ids[start : start + _CHUNK]), (1 << 62) if upto is None else upto),
        )
        for of, alias in rows:
            out.setdefault(of, []).append(alias)
    return out


def links_of(con: sqlite3.Connection, ids: Sequence[str]) -> list[Link]:
    """Every stored link with an end in ``ids``."""
    out: dict[tuple[str, str], Link] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = _ids_json(ids[start : start + _CHUNK])
        for column in ("a", "b"):
            rows = con.execute(
                "SELECT a, b, containment_a, containment_b, shared_words, verdict, confidence, evidence "
                f"FROM links WHERE {column} IN (SELECT value FROM json_each(?))",
                (chunk,),
            )
            for a, b, ca, cb, shared, verdict, conf, ev in rows:
                with reading("links", f"({a!r}, {b!r})"):
                    out[(a, b)] = Link(a, b, ca, cb, shared, cast(Verdict, verdict), conf, _evidence(ev))
    return list(out.values())


def story_of(con: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = con.execute(
            "SELECT id, story FROM story_members WHERE id IN (SELECT value FROM json_each(?))",
            (_ids_json(ids[start : start + _CHUNK]),),
        )
        out.update(rows.fetchall())
    return out


def next_seq(con: sqlite3.Connection) -> int:
    (seq,) = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM stories").fetchone()
    with reading("stories", "of the highest seq"):
        if type(seq) is not int:
            raise TypeError(f"seq must be an integer, got {seq!r}")
        return seq


def member_rows(con: sqlite3.Connection, keys: Sequence[str], *, by: str = "story") -> list[tuple[Any, ...]]:
    """(story, id, title, date, outlet, credits, own_names, parent, credits_source, uncredited) of every
    member of the stories ``keys`` (``by="story"``) or of the members ``keys`` (``by="id"``); aliases left out."""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), _CHUNK):
        out += con.execute(
            "SELECT m.story, m.id, a.title, a.date, a.outlet, m.credits, m.own_names, m.parent, "
            "m.credits_source, m.uncredited "
            "FROM story_members AS m JOIN articles AS a ON a.id = m.id "
            f"WHERE m.{'story' if by == 'story' else 'id'} IN (SELECT value FROM json_each(?))",
            (_ids_json(keys[start : start + _CHUNK]),),
        ).fetchall()
    return out


def heads(con: sqlite3.Connection, stories: Sequence[str]) -> list[tuple[Any, ...]]:
    """(story, root, hidden, size, seq, merged) of ``stories``."""
    return con.execute(
        "SELECT story, root, hidden, size, seq, merged FROM stories WHERE story IN (SELECT value FROM json_each(?))",
        (_ids_json(stories),),
    ).fetchall()


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
    changed = _ids_json(m.id for m in members)
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
    for start in range(0, len(gone), _CHUNK):
        chunk = _ids_json(gone[start : start + _CHUNK])
        for table in ("stories", "story_edges"):
            con.execute(f"DELETE FROM {table} WHERE story IN (SELECT value FROM json_each(?))", (chunk,))
    con.executemany(
        "INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?)", ((m, into, now) for m, into in merged.items())
    )
    created = dict(
        con.execute(
            "SELECT story, created FROM stories WHERE story IN (SELECT value FROM json_each(?))",
            (_ids_json(s.id for s, _ in stories),),
        ).fetchall()
    )
    ids = [s.id for s, _ in stories]
    for start in range(0, len(ids), _CHUNK):
        con.execute(
            "DELETE FROM story_edges WHERE story IN (SELECT value FROM json_each(?))",
            (_ids_json(ids[start : start + _CHUNK]),),
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


def load(con: sqlite3.Connection, stories: Sequence[str]) -> list[Story]:
    """The stories named, in the order given (unknown ids left out)."""
    marks = _ids_json(stories)
    heads = {
        row[0]: row
        for row in con.execute(
            "SELECT story, root, hidden, merged FROM stories WHERE story IN (SELECT value FROM json_each(?))",
            (marks,),
        )
    }
    members: dict[str, list[StoryMember]] = {}
    for row in con.execute(
        "SELECT m.story, m.id, m.role, m.parent, m.confidence, m.containment, m.credits, m.credits_source, "
        "m.uncredited, coalesce(a.title, al.title), coalesce(a.date, al.date), coalesce(a.outlet, al.outlet) "
        "FROM story_members AS m LEFT JOIN articles AS a ON a.id = m.id LEFT JOIN aliases AS al ON al.id = m.id "
        "WHERE m.story IN (SELECT value FROM json_each(?))",
        (marks,),
    ):
        story, id_, role, parent, conf, cont, credits, credits_source, uncredited, title, date, outlet = row
        try:
            member = StoryMember(
                id=id_,
                role=cast(Role, role),
                parent=parent,
                confidence=_number(conf),
                containment=_number(cont),
                title=title,
                date=_date(date),
                outlet=outlet,
                credits=tuple(json.loads(credits)),
                credits_source=bool(credits_source),
                uncredited=bool(uncredited),
            )
        except DECODE_ERRORS as exc:
            raise as_malformed("story_members", f"id {id_!r}", exc) from exc
        members.setdefault(story, []).append(member)
    edges: dict[str, list[StoryEdge]] = {}
    for story, source, copy, conf, cont, primary, ev in con.execute(
        "SELECT story, source, copy, confidence, containment, is_primary, evidence FROM story_edges "
        "WHERE story IN (SELECT value FROM json_each(?))",
        (marks,),
    ):
        try:
            edge = StoryEdge(source, copy, _number(conf), _number(cont), _evidence(ev), bool(primary))
        except DECODE_ERRORS as exc:
            raise as_malformed("story_edges", f"({story!r}, {source!r}, {copy!r})", exc) from exc
        edges.setdefault(story, []).append(edge)
    out = []
    for s in stories:
        if s not in heads:
            continue
        _, root, hidden, merged = heads[s]
        ms = members.get(s, [])
        far = dt.date.max
        ms.sort(key=lambda m: (m.id != root, m.date or far, m.id))
        es = sorted(edges.get(s, []), key=lambda e: (not e.primary, e.source != "hidden", e.source, e.copy))
        with reading("stories", f"story {s!r}"):
            history = tuple(json.loads(merged))
        out.append(Story(s, root, bool(hidden), tuple(ms), tuple(es), history))
    return out


def listing(con: sqlite3.Connection, *, min_size: int, limit: int | None, offset: int = 0) -> list[str]:
    """Story ids, biggest first (then oldest), with at least ``min_size`` members."""
    return [
        s
        for (s,) in con.execute(
            "SELECT story FROM stories WHERE size >= ? ORDER BY size DESC, seq LIMIT ? OFFSET ?",
            (min_size, -1 if limit is None else limit, offset),
        )
    ]


def counts(con: sqlite3.Connection) -> dict[str, int]:
    (stories, multi, members) = con.execute(
        "SELECT count(*), coalesce(sum(size > 1), 0), coalesce(sum(size), 0) FROM stories"
    ).fetchone()
    (links,) = con.execute("SELECT count(*) FROM links").fetchone()
    (merges,) = con.execute("SELECT count(*) FROM story_merges").fetchone()
    return {
        "stories": stories,
        "stories_of_two_or_more": multi,
        "members": members,
        "links": links,
        "merges": merges,
    }


def merged_into(con: sqlite3.Connection, story: str) -> str | None:
    """The story that ``story`` was merged into, following later merges; None if it was never merged."""
    seen = set()
    current = story
    while True:
        row = con.execute("SELECT into_story FROM story_merges WHERE merged = ?", (current,)).fetchone()
        if row is None or current in seen:
            return None if current == story else current
        seen.add(current)
        current = row[0]
