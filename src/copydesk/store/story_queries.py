"""Reading the story tables (see `copydesk.store.stories` for them): links, stories, their members and
edges, merges, aliases of stored articles. Each function runs inside the caller's read transaction; a row that
does not decode is a StoreError naming its table and row (`copydesk.store.codec.reading`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, cast

from copydesk.model import Evidence, Link, Role, Story, StoryEdge, StoryMember, Verdict
from copydesk.store.codec import DECODE_ERRORS, as_malformed, reading
from copydesk.store.records import MemberNode, StoryHead
from copydesk.store.stories import CHUNK, ids_json


def _evidence(text: str) -> tuple[Evidence, ...]:
    if text == "[]":  # most links: their evidence is computed only when they become an edge
        return ()
    return tuple(Evidence(k, f, w, d) for k, f, w, d in json.loads(text))


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a confidence or containment must be a number, got {value!r}")
    return float(value)


def aliases_of(con: sqlite3.Connection, ids: Sequence[str], *, upto: int | None) -> dict[str, list[str]]:
    """article id -> its aliases (up to the mark ``upto``, None: all) in the order they came."""
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = con.execute(
            "SELECT a.id, al.id FROM articles AS a JOIN aliases AS al ON al.doc = a.doc "
            "WHERE a.id IN (SELECT value FROM json_each(?)) AND al.seq <= ? ORDER BY al.seq",
            (ids_json(ids[start : start + CHUNK]), (1 << 62) if upto is None else upto),
        )
        for of, alias in rows:
            out.setdefault(of, []).append(alias)
    return out


def links_of(con: sqlite3.Connection, ids: Sequence[str]) -> list[Link]:
    """Every stored link with an end in ``ids``."""
    out: dict[tuple[str, str], Link] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids_json(ids[start : start + CHUNK])
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
    for start in range(0, len(ids), CHUNK):
        rows = con.execute(
            "SELECT id, story FROM story_members WHERE id IN (SELECT value FROM json_each(?))",
            (ids_json(ids[start : start + CHUNK]),),
        )
        out.update(rows.fetchall())
    return out


def link_ends(con: sqlite3.Connection, *, page: int = 200_000) -> Iterator[list[tuple[str, str, int]]]:
    """Every stored link's (a, b, via bits), ``page`` at a time, in key order."""
    last: tuple[str, str] | None = None
    while True:
        if last is None:
            rows = con.execute("SELECT a, b, via FROM links ORDER BY a, b LIMIT ?", (page,)).fetchall()
        else:
            rows = con.execute(
                "SELECT a, b, via FROM links WHERE (a, b) > (?, ?) ORDER BY a, b LIMIT ?", (*last, page)
            ).fetchall()
        if not rows:
            return
        yield rows
        last = (rows[-1][0], rows[-1][1])


def wire_ids(con: sqlite3.Connection, keys: Sequence[str]) -> list[str]:
    """The ids stored as parts of the wire stories ``keys``."""
    return [
        id_
        for (id_,) in con.execute(
            "SELECT DISTINCT id FROM wire_parts WHERE key IN (SELECT value FROM json_each(?)) ORDER BY id",
            (ids_json(keys),),
        )
    ]


def _nodes(con: sqlite3.Connection, sql: str, stories: Sequence[str]) -> list[MemberNode]:
    """`MemberNode` of each row of ``sql`` (its one parameter: a chunk of ``stories`` as JSON), whose
    columns are story, id, title, date, outlet, credits, own_names, parent, credits_source, uncredited."""
    out = []
    for start in range(0, len(stories), CHUNK):
        for story, id_, title, date, outlet, credits, own, parent, credits_source, uncredited in con.execute(
            sql, (ids_json(stories[start : start + CHUNK]),)
        ):
            try:
                out.append(
                    MemberNode(
                        story=story,
                        id=id_,
                        title=title,
                        date=None if date is None else dt.date.fromisoformat(date),
                        outlet=outlet,
                        credits=tuple(json.loads(credits)),
                        own_names=frozenset(json.loads(own)),
                        parent=parent,
                        credits_source=bool(credits_source),
                        uncredited=bool(uncredited),
                    )
                )
            except DECODE_ERRORS as exc:
                raise as_malformed("story_members", f"id {id_!r}", exc) from exc
    return out


def member_nodes(con: sqlite3.Connection, keys: Sequence[str]) -> list[MemberNode]:
    """Every member of the stories ``keys``, with what rebuilding their story's provenance needs; aliases
    left out."""
    return _nodes(
        con,
        "SELECT m.story, m.id, a.title, a.date, a.outlet, m.credits, m.own_names, m.parent, "
        "m.credits_source, m.uncredited "
        "FROM story_members AS m JOIN articles AS a ON a.id = m.id "
        "WHERE m.story IN (SELECT value FROM json_each(?))",
        keys,
    )


def alias_nodes(con: sqlite3.Connection, stories: Sequence[str]) -> list[MemberNode]:
    """The aliases placed in ``stories``, each as a `MemberNode` whose ``parent`` is the id holding its
    text now (its record from ``aliases``, its credits and names as placed)."""
    return _nodes(
        con,
        "SELECT m.story, m.id, al.title, al.date, al.outlet, m.credits, m.own_names, a.id, "
        "m.credits_source, m.uncredited "
        "FROM story_members AS m JOIN aliases AS al ON al.id = m.id JOIN articles AS a ON a.doc = al.doc "
        "WHERE m.role = 'alias' AND m.story IN (SELECT value FROM json_each(?))",
        stories,
    )


def heads(con: sqlite3.Connection, stories: Sequence[str]) -> dict[str, StoryHead]:
    """The stored heads of ``stories`` (unknown ids left out)."""
    rows = con.execute(
        "SELECT story, root, hidden, size, founder, merged FROM stories "
        "WHERE story IN (SELECT value FROM json_each(?))",
        (ids_json(stories),),
    ).fetchall()
    out = {}
    for s, root, hidden, size, founder, merged in rows:
        with reading("stories", f"story {s!r}"):
            if type(size) is not int or type(founder) is not str:
                raise TypeError(f"size must be an integer and founder a string, got {size!r} and {founder!r}")
            out[s] = StoryHead(s, root, bool(hidden), size, founder, tuple(json.loads(merged)))
    return out


def load(con: sqlite3.Connection, stories: Sequence[str]) -> list[Story]:
    """The stories named, in the order given (unknown ids left out)."""
    marks = ids_json(stories)
    heads = {
        row[0]: row
        for row in con.execute(
            "SELECT story, root, hidden, merged, hidden_agency FROM stories "
            "WHERE story IN (SELECT value FROM json_each(?))",
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
        _, root, hidden, merged, agency = heads[s]
        ms = members.get(s, [])
        far = dt.date.max
        ms.sort(key=lambda m: (m.id != root, m.date or far, m.id))
        es = sorted(edges.get(s, []), key=lambda e: (not e.primary, e.source != "hidden", e.source, e.copy))
        with reading("stories", f"story {s!r}"):
            history = tuple(json.loads(merged))
            if agency is not None and type(agency) is not str:
                raise TypeError(f"hidden_agency must be a string or NULL, got {agency!r}")
        out.append(Story(s, root, bool(hidden), tuple(ms), tuple(es), history, agency))
    return out


def listing(con: sqlite3.Connection, *, min_size: int, limit: int | None, offset: int = 0) -> list[str]:
    """Story ids, biggest first (then by founder: date, then id), with at least ``min_size`` members."""
    return [
        s
        for (s,) in con.execute(
            "SELECT story FROM stories WHERE size >= ? ORDER BY size DESC, founder LIMIT ? OFFSET ?",
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
