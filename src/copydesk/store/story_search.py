"""Listings over the story tables for browsing: stories by filters with facet counts, and per outlet who
runs whose copy. Each function runs inside the caller's read transaction (see `copydesk.store.stories` for
the tables)."""

from __future__ import annotations

import sqlite3
from typing import Any

from copydesk.model import HIDDEN
from copydesk.store.records import OutletRow, StoryPage, StoryQuery

# A member's record is in `articles`, or in `aliases` for an alias (see `copydesk.store.schema`).
_MEMBER = "story_members AS m LEFT JOIN articles AS a ON a.id = m.id LEFT JOIN aliases AS al ON al.id = m.id"
_FACET_OUTLETS = 30
# (total, outlet -> stories, role -> members): see `facets`
Facets = tuple[int, tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(q: StoryQuery) -> tuple[str, list[Any]]:
    clauses = ["s.size >= ?"]
    args: list[Any] = [q.min_size]
    if q.since is not None:
        clauses.append("s.latest >= ?")
        args.append(q.since.isoformat())
    if q.until is not None:
        clauses.append("s.earliest <= ?")
        args.append(q.until.isoformat())
    if q.outlet is not None:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {_MEMBER} WHERE m.story = s.story AND coalesce(a.outlet, al.outlet) = ?)"
        )
        args.append(q.outlet)
    if q.uncredited:
        clauses.append("EXISTS (SELECT 1 FROM story_members AS u WHERE u.story = s.story AND u.uncredited)")
    if q.q:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {_MEMBER} WHERE m.story = s.story AND "
            "(coalesce(a.title, al.title) LIKE ? ESCAPE '\\' OR m.id LIKE ? ESCAPE '\\'))"
        )
        args += [_like(q.q), _like(q.q)]
    return " AND ".join(clauses), args


def search(con: sqlite3.Connection, q: StoryQuery, *, counted: Facets | None = None) -> StoryPage:
    """The page of stories ``q`` asks for, the total and the facets over all that match (``counted``: those
    of `facets` for ``q``, already counted in the same state of the file)."""
    where, args = _where(q)
    order = "s.size DESC, s.founder" if q.order == "size" else "s.latest IS NULL, s.latest DESC, s.founder"
    ids = tuple(
        s
        for (s,) in con.execute(
            f"SELECT s.story FROM stories AS s WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*args, q.limit, q.offset),
        )
    )
    total, outlets, roles = facets(con, q) if counted is None else counted
    return StoryPage(ids=ids, total=total, outlets=outlets, roles=roles)


def facet_key(q: StoryQuery) -> tuple[Any, ...]:
    """What the facets of ``q`` depend on: its filters (not its order or page)."""
    return ("facets", q.outlet, q.since, q.until, q.uncredited, q.min_size, q.q)


def facets(con: sqlite3.Connection, q: StoryQuery) -> Facets:
    """(total, outlet facets, role facets) over every story ``q`` selects, whatever its page: the costly
    part of a listing, counted over every match."""
    where, args = _where(q)
    (total,) = con.execute(f"SELECT count(*) FROM stories AS s WHERE {where}", args).fetchone()
    selected = f"SELECT s.story FROM stories AS s WHERE {where}"
    outlets = con.execute(
        f"SELECT coalesce(a.outlet, al.outlet) AS o, count(DISTINCT m.story) AS n FROM {_MEMBER} "
        f"WHERE m.story IN ({selected}) AND o IS NOT NULL GROUP BY o ORDER BY n DESC, o LIMIT ?",
        (*args, _FACET_OUTLETS),
    ).fetchall()
    roles = con.execute(
        f"SELECT m.role, count(*) AS n FROM story_members AS m WHERE m.story IN ({selected}) "
        "GROUP BY m.role ORDER BY n DESC, m.role",
        args,
    ).fetchall()
    return (
        int(total),
        tuple((str(o), int(n)) for o, n in outlets),
        tuple((str(r), int(n)) for r, n in roles),
    )


def outlets(con: sqlite3.Connection, *, name: str | None = None, top: int = 5) -> list[OutletRow]:
    """Per outlet (or only ``name``): articles, stories run, copies, uncredited copies and the ``top``
    outlets it takes copy from; most articles first."""
    only = "" if name is None else " WHERE o IS ?"
    only_args: tuple[Any, ...] = () if name is None else (name,)
    counts: dict[str | None, int] = {}
    for o, n in con.execute(
        "SELECT o, sum(n) FROM (SELECT outlet AS o, count(*) AS n FROM articles GROUP BY outlet "
        f"UNION ALL SELECT outlet AS o, count(*) AS n FROM aliases GROUP BY outlet){only} GROUP BY o",
        only_args,
    ):
        counts[o] = int(n)
    runs: dict[str | None, tuple[int, int, int]] = {}
    for o, stories, copies, uncredited in con.execute(
        "SELECT o, count(DISTINCT CASE WHEN size > 1 THEN story END), sum(role = 'copy'), "
        "sum(role = 'copy' AND uncredited) FROM (SELECT coalesce(a.outlet, al.outlet) AS o, m.story, m.role, "
        f"m.uncredited, s.size FROM {_MEMBER} JOIN stories AS s ON s.story = m.story){only} GROUP BY o",
        only_args,
    ):
        runs[o] = (int(stories), int(copies or 0), int(uncredited or 0))
    sources: dict[str | None, list[tuple[str, int]]] = {}
    for o, p, n in con.execute(
        "SELECT o, p, count(*) AS n FROM (SELECT coalesce(a.outlet, al.outlet) AS o, "
        "CASE WHEN m.parent = ? THEN 'hidden source' ELSE coalesce(pa.outlet, '(no outlet)') END AS p "
        f"FROM {_MEMBER} LEFT JOIN articles AS pa ON pa.id = m.parent WHERE m.role = 'copy'){only} "
        "GROUP BY o, p ORDER BY n DESC, p",
        (HIDDEN, *only_args),
    ):
        got = sources.setdefault(o, [])
        if len(got) < top:
            got.append((str(p), int(n)))
    rows = [
        OutletRow(
            outlet=o,
            articles=n,
            stories=runs.get(o, (0, 0, 0))[0],
            copies=runs.get(o, (0, 0, 0))[1],
            uncredited=runs.get(o, (0, 0, 0))[2],
            sources=tuple(sources.get(o, [])),
        )
        for o, n in counts.items()
    ]
    rows.sort(key=lambda r: (-r.articles, r.outlet is None, r.outlet or ""))
    return rows
