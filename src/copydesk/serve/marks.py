"""Pieces of the pages built in Python, every text from the data escaped: a text with spans marked, the
timeline of a story, a bar chart of outlets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from markupsafe import Markup

from copydesk.model import Story

ROLE_COLOURS = {"source": "#1b7f3b", "copy": "#2f5fb3", "alias": "#8a8f98", "single": "#8a8f98"}
UNCREDITED = "#c0392b"


def marked(text: str, spans: Sequence[tuple[int, int]], *, cls: str = "reused") -> Markup:
    """``text`` escaped, its half-open ``spans`` (sorted or not, may overlap) in ``<mark class=cls>``."""
    out: list[str] = []
    cursor = 0
    for start, end in _merged(spans, len(text)):
        out.append(escape(text[cursor:start]))
        out.append(f'<mark class="{cls}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(escape(text[cursor:]))
    return Markup("".join(out))


def _merged(spans: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(size, e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def timeline(story: Story, *, width: int = 760, row: int = 26, max_rows: int = 25) -> Markup:
    """An SVG chart: one row per outlet (earliest first), a dot per member on its date, coloured by role
    (red: an uncredited copy). Members without a date are left out; None without any date."""
    dated = [m for m in story.members if m.date is not None]
    if not dated:
        return Markup('<p class="none">No member has a date: no timeline.</p>')
    first = min(m.date for m in dated if m.date)
    last = max(m.date for m in dated if m.date)
    days = max(1, (last - first).days)
    outlets: dict[str, dt.date] = {}
    for m in dated:
        key = m.outlet or "(no outlet)"
        assert m.date is not None
        outlets[key] = min(outlets.get(key, m.date), m.date)
    order = sorted(outlets, key=lambda o: (outlets[o], o))[:max_rows]
    left, right, top = 180, 20, 24
    plot = width - left - right
    height = top + row * len(order) + 26
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="when each outlet ran the story">'
    ]
    for i, name in enumerate(order):
        y = top + i * row + row // 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12">{escape(name[:28])}</text>'
            f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" stroke="#e3e6ea"/>'
        )
    for m in dated:
        key = m.outlet or "(no outlet)"
        if key not in order or m.date is None:
            continue
        y = top + order.index(key) * row + row // 2
        x = left + plot * ((m.date - first).days / days if last > first else 0.5)
        colour = UNCREDITED if m.uncredited else ROLE_COLOURS.get(m.role, "#555")
        label = f"{m.id} · {m.role}{' · uncredited' if m.uncredited else ''} · {m.date.isoformat()}"
        parts.append(
            f'<a href="/articles/{escape(quote(m.id, safe="/"))}"><circle cx="{x:.1f}" cy="{y}" r="6" fill="{colour}" '
            f'stroke="#fff"><title>{escape(label)}</title></circle></a>'
        )
    axis = top + row * len(order) + 16
    parts.append(f'<text x="{left}" y="{axis}" font-size="11">{first.isoformat()}</text>')
    if last > first:
        parts.append(
            f'<text x="{width - right}" y="{axis}" font-size="11" text-anchor="end">{last.isoformat()}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(rows: Sequence[tuple[str, int, int]], *, width: int = 760, row: int = 22) -> Markup:
    """A horizontal bar chart: per (label, credited, uncredited), a bar of both counts (uncredited red)."""
    if not rows:
        return Markup("")
    top = max(1, max(c + u for _, c, u in rows))
    left, right = 200, 60
    plot = width - left - right
    height = row * len(rows) + 8
    parts = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="copies per outlet, uncredited in red">'
    ]
    for i, (label, credited, uncredited) in enumerate(rows):
        y = 4 + i * row
        wc = plot * credited / top
        wu = plot * uncredited / top
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(label[:30])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{wc:.1f}" height="{row - 8}" fill="{ROLE_COLOURS["copy"]}">'
            f"<title>{credited} copies with a credit or under the threshold</title></rect>"
            f'<rect x="{left + wc:.1f}" y="{y + 3}" width="{wu:.1f}" height="{row - 8}" fill="{UNCREDITED}">'
            f"<title>{uncredited} uncredited copies</title></rect>"
            f'<text x="{left + wc + wu + 6:.1f}" y="{y + 14}" font-size="11">{credited + uncredited}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
