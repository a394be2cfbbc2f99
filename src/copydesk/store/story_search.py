"""Listings over the story tables for browsing: stories by filters with facet counts, and per outlet who
runs whose copy. Each function runs inside the caller's read transaction (see `copydesk.store.stories` for
the tables)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from copydesk.model import HIDDEN
from copydesk.store.codec import DECODE_ERRORS, as_malformed
from copydesk.store.records import OutletRow, StoryPage, StoryQuery, StoryRow

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


# A member that `Story.copies` counts: it has a parent, and is not an alias of a member without one (``p``:
# its parent among the members).
_COPY = "(m.parent IS NOT NULL AND (m.role != 'alias' OR p.parent IS NOT NULL))"
_MEMBER_PARENT = f"{_MEMBER} LEFT JOIN story_members AS p ON p.id = m.parent AND p.story = m.story"


def rows(con: sqlite3.Connection, story_ids: Sequence[str]) -> tuple[StoryRow, ...]:
    """The stories named as a listing shows them, in that order (unknown ids left out), counted in SQL:
    a story of fifty thousand members is not loaded for one line of a list."""
    marks = json.dumps(list(story_ids))
    where = "m.story IN (SELECT value FROM json_each(?))"
    heads = {
        r[0]: r
        for r in con.execute(
            "SELECT story, size, root, hidden, hidden_agency, earliest, latest FROM stories "
            "WHERE story IN (SELECT value FROM json_each(?))",
            (marks,),
        )
    }
    # one pass over the members: per story and outlet, members flagged, copies and copies flagged
    counts: dict[str, tuple[int, int, int]] = {}
    outlets: dict[str, set[str]] = {}
    for story, outlet, flagged, copies, flagged_copies in con.execute(
        f"SELECT m.story, coalesce(a.outlet, al.outlet), sum(m.uncredited != 0), sum({_COPY}), "
        f"sum({_COPY} AND m.uncredited != 0) FROM {_MEMBER_PARENT} WHERE {where} GROUP BY 1, 2",
        (marks,),
    ):
        before = counts.get(story, (0, 0, 0))
        counts[story] = (before[0] + flagged, before[1] + copies, before[2] + flagged_copies)
        if outlet:
            outlets.setdefault(story, set()).add(str(outlet))
    titles = {story: _title(con, story, heads[story][2]) for story in heads}
    credited = _agency_credited(con, [h for h in heads.values() if h[4] is not None])
    out = []
    for story in story_ids:
        if story not in heads:
            continue
        _, size, root, hidden, agency, earliest, latest = heads[story]
        flagged, copies, flagged_copies = counts.get(story, (0, 0, 0))
        try:
            first = None if earliest is None else dt.date.fromisoformat(earliest)
            last = None if latest is None else dt.date.fromisoformat(latest)
        except DECODE_ERRORS as exc:
            raise as_malformed("stories", f"story {story!r}", exc) from exc
        out.append(
            StoryRow(
                id=story,
                size=int(size),
                root=root,
                hidden_source=bool(hidden),
                hidden_agency=agency,
                title=titles.get(story),
                outlets=tuple(sorted(outlets.get(story, ()))),
                earliest=first,
                latest=last,
                uncredited=flagged,
                copies=copies,
                uncredited_copies=flagged_copies,
                agency_credited=credited.get(story, 0),
            )
        )
    return tuple(out)


def _title(con: sqlite3.Connection, story: str, root: str | None) -> str | None:
    """The first title in the members' order of a loaded story: the root first, then by date (none
    last), then id."""
    found = con.execute(
        f"SELECT coalesce(a.title, al.title) AS t FROM {_MEMBER} WHERE m.story = ? AND t != '' "
        "ORDER BY m.id IS NOT ?, coalesce(a.date, al.date) IS NULL, coalesce(a.date, al.date), m.id LIMIT 1",
        (story, root),
    ).fetchone()
    return None if found is None else str(found[0])


def _agency_credited(con: sqlite3.Connection, heads: list[tuple[Any, ...]]) -> dict[str, int]:
    """Per story with a hidden agency: its copies crediting that agency (compared as `Story` compares)."""
    out: dict[str, int] = {}
    for story, *_, agency, _, _ in heads:
        name = str(agency).lower()
        n = 0
        for (credits,) in con.execute(
            f"SELECT m.credits FROM story_members AS m LEFT JOIN story_members AS p ON p.id = m.parent "
            f"AND p.story = m.story WHERE m.story = ? AND {_COPY} AND m.credits != '[]'",
            (story,),
        ):
            with_names = json.loads(credits)
            n += any(str(c).lower() == name for c in with_names)
        out[story] = n
    return out


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
