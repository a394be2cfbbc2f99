"""One self-contained HTML page for a `Story`: its figures, its provenance picture, the edit script of each edge.

Like the compare page (`copydesk.io.html`, whose styles and pieces it reuses) the page is one file with its
CSS, JS and SVG inline and a Content-Security-Policy that forbids every request; everything taken from the
story or the comparisons (ids, titles, outlets, credits, text, evidence) is HTML-escaped.

The page reads top to bottom:

1. a header with the story's figures: size, source (or "hidden source"), outlets, date span, share of
   uncredited copies;
2. the provenance picture (`copydesk.io.story_graph`), in which each node and edge links to its edge's
   section; for a story with a hidden source, that source rebuilt from its copies (`copydesk.io.source_html`)
   when it is given;
3. a table of every edge in tree order, with its figures;
4. one section per edge, ``<section class="edge" id="e<k>">`` (``k`` from 1, tree order): the two articles,
   the edge's confidence and containment, its evidence, and the edit script of the pair from its
   `Comparison` (side a = the source, side b = the copy): the label counts and the table of aligned sentences
   of the compare page. An edge without a comparison (a hidden source has no text) says so.

Only the first `EDIT_SCRIPT_CAP` edges carry their edit script in full, so a story of hundreds of copies
stays a page a browser opens at once; the sections after that keep their figures, evidence and label counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from copydesk.io.html import (
    _CSP,
    _FAVOURS,
    _bar,
    _counts,
    _e,
    _evidence_list,
    _legend,
    _pairs,
    _pct,
    _template,
)
from copydesk.io.source_html import render_reconstruction
from copydesk.io.story_graph import Layout, edge_share, plan, render_graph
from copydesk.model import (
    HIDDEN,
    LABELS,
    SCHEMA_VERSION,
    Comparison,
    Reconstruction,
    Story,
    StoryEdge,
    StoryMember,
    Verdict,
)

EDIT_SCRIPT_CAP = 50
"""How many edges (the first in tree order) show their edit script in full."""

_MAX_OUTLETS = 12
_DIRECTED: tuple[Verdict, ...] = ("a_from_b", "b_from_a")
# A story edge keeps the evidence of the pair behind it, whose sides a and b are in no set order: a
# directed item says that one side copied the other, and only its detail says which.
_EDGE_FAVOURS: dict[Verdict, str] = {
    "a_from_b": "one copied the other",
    "b_from_a": "one copied the other",
    "common_source": _FAVOURS["common_source"],
    "unrelated": _FAVOURS["unrelated"],
}


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "no date"


def _name(key: str, members: Mapping[str, StoryMember]) -> str:
    """A node as a reader names it: its outlet and id, or "hidden source"."""
    if key == HIDDEN:
        return "hidden source"
    m = members.get(key)
    return f"{m.outlet} ({key})" if m is not None and m.outlet else key


def _credit_badge(m: StoryMember | None) -> str:
    if m is None or m.parent is None:
        return ""
    if m.uncredited and m.credits:
        return (
            f'<span class="badge bad">uncredited: credits {_e(", ".join(m.credits))}, not its source</span>'
        )
    if m.uncredited:
        return '<span class="badge bad">uncredited</span>'
    if m.credits:
        cls = "good" if m.credits_source else "meh"
        return f'<span class="badge {cls}">credits {_e(", ".join(m.credits))}</span>'
    return '<span class="badge meh">no credit found</span>'


def _span(story: Story) -> str:
    first, last = story.span
    if first is None or last is None:
        return "no dates"
    if first == last:
        return first.isoformat()
    days = (last - first).days
    return f"{first.isoformat()} – {last.isoformat()} ({days} day{'s' if days != 1 else ''})"


def _header(story: Story, title: str, members: Mapping[str, StoryMember]) -> str:
    copies = len(story.copies)
    uncredited = len(story.uncredited)
    if story.root is not None:
        source = _e(_name(story.root, members))
        headline = f"{story.size} article{'s' if story.size != 1 else ''} from {source}"
        note = f"{_e(story.root)} is the source; {copies} cop{'y' if copies == 1 else 'ies'} derive from it."
    else:
        source = '<span class="hid">hidden source</span>'
        headline = f"{story.size} article{'s' if story.size != 1 else ''} from a hidden source"
        note = "The copies share a parent that is not in the corpus."
        if story.hidden_agency is not None:
            agency = _e(story.hidden_agency)
            source += f": {agency}, credited by {story.agency_credited} of {copies} copies"
            headline = f"{story.size} article{'s' if story.size != 1 else ''} from a hidden {agency} source"
            note = (
                f"The copies share a parent that is not in the corpus, which their credits name as {agency}'s: "
                f"a copy that does not credit {agency} is uncredited, whatever else it credits."
            )
    outlets = story.outlets
    shown = ", ".join(_e(o) for o in outlets[:_MAX_OUTLETS]) or '<span class="none">none known</span>'
    if len(outlets) > _MAX_OUTLETS:
        shown += f" and {len(outlets) - _MAX_OUTLETS} more"
    facts = [
        ("story", _e(story.id)),
        (
            "size",
            f"{story.size} articles, {copies} cop{'y' if copies == 1 else 'ies'}, {len(story.edges)} edges",
        ),
        ("source", source),
        (f"outlets ({len(outlets)})", shown),
        ("date span", _e(_span(story))),
        ("uncredited", f"{uncredited} of {copies} copies ({_pct(story.uncredited_share)})"),
    ]
    if story.merged:
        facts.append(("merged", ", ".join(_e(m) for m in story.merged)))
    rows = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in facts)
    share = _bar(
        "Uncredited copies", story.uncredited_share, "copies that do not credit their source", cls="big bad"
    )
    return (
        f'<header class="top"><div class="brand">copydesk · story<span>{_e(title)}</span></div>'
        f'<div class="verdict-row"><div><h1 class="verdict">{headline}</h1><p class="vnote">{note}</p></div>'
        f'<div class="conf">{share}</div></div><dl class="story-facts">{rows}</dl></header>'
    )


def _graph(story: Story, layout: Layout) -> str:
    legend = (
        '<span class="k k-source">source</span><span class="k k-hidden">hidden source</span>'
        '<span class="k k-copy">copy</span><span class="k k-uncredited">uncredited copy</span>'
        '<span class="k k-second">second source of a copy</span>'
    )
    return (
        '<section class="card wide" id="graph"><h2>Provenance <small>who derives from whom; click a node or '
        f'an edge to read its edit script</small></h2><div class="keys">{legend}</div>'
        f'<div class="graph-box" id="graph-box">{render_graph(story, layout)}</div></section>'
    )


def _script_state(k: int, e: StoryEdge, comparisons: Mapping[tuple[str, str], Comparison]) -> str:
    if (e.source, e.copy) not in comparisons:
        return "no text" if e.source == HIDDEN else "none given"
    return "in full" if k < EDIT_SCRIPT_CAP else "figures only"


def _contained(e: StoryEdge) -> str:
    """The edge's containment, or for an edge from the hidden source what its figure means there."""
    share = edge_share(e)
    if share is None:
        return '<span class="none">—</span>'
    return (
        _pct(e.containment) if e.source != HIDDEN else f'<span title="{_e(share[1])}">{_e(share[0])}</span>'
    )


def _index(
    layout: Layout, members: Mapping[str, StoryMember], comparisons: Mapping[tuple[str, str], Comparison]
) -> str:
    rows = []
    for k, e in enumerate(layout.edges):
        second = "" if layout.tree.get(e.copy) == k else ' <span class="badge meh">second source</span>'
        rows.append(
            f'<tr><td class="n"><a href="#e{k + 1}">{k + 1}</a></td><td>{_e(_name(e.source, members))}</td>'
            f'<td><a href="#e{k + 1}">{_e(_name(e.copy, members))}</a>{second}</td>'
            f'<td class="n">{_pct(e.confidence)}</td><td class="n">{_contained(e)}</td>'
            f"<td>{_credit_badge(members.get(e.copy))}</td><td>{_script_state(k, e, comparisons)}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="7" class="none">No edges: a story of one article.</td></tr>'
    more = len(layout.edges) - EDIT_SCRIPT_CAP
    cap = (
        f" The first {EDIT_SCRIPT_CAP} show their edit script in full; the other {more} keep their figures."
        if more > 0
        else ""
    )
    return (
        '<section class="card wide" id="edges"><h2>Edges <small>in tree order</small></h2>'
        '<table class="edges"><thead><tr><th class="n">#</th><th>source</th><th>copy</th>'
        '<th class="n">confidence</th><th class="n">contained</th><th>credit</th><th>edit script</th></tr>'
        f'</thead><tbody>{body}</tbody></table><p class="note">Confidence: how sure the edge is. Contained: '
        f"share of the copy's body words found in the source (for the hidden source, which has no text: the share found in another copy).{cap}</p></section>"
    )


def _article(key: str, role: str, members: Mapping[str, StoryMember]) -> str:
    m = members.get(key)
    if key == HIDDEN:
        return (
            f'<div class="art"><em>{role}</em><h3 class="hid">hidden source</h3>'
            '<p class="none">Not in the corpus: the copies under it share its text.</p></div>'
        )
    if m is None:
        return f'<div class="art"><em>{role}</em><h3>{_e(key)}</h3><p class="none">not a member</p></div>'
    title = _e(m.title) if m.title else '<span class="none">no title</span>'
    facts = [("id", m.id), ("outlet", m.outlet or "—"), ("date", _date(m.date))]
    rows = "".join(f"<span><i>{name}</i> {_e(value)}</span>" for name, value in facts)
    badge = _credit_badge(m) if role == "copy" else ""
    return f'<div class="art"><em>{role}</em><h3>{title}</h3><div class="facts">{rows}{badge}</div></div>'


def _label_line(c: Comparison) -> str:
    counts = _counts(c)
    parts = [
        f'<span class="chip l-{label}">{label}</span> {counts["a"][label]}·{counts["b"][label]}'
        for label in LABELS
        if counts["a"][label] or counts["b"][label]
    ]
    return f'<p class="labels-line">Sentences (source·copy): {" ".join(parts) or "none"}</p>'


def _edit_script(k: int, e: StoryEdge, c: Comparison | None) -> str:
    if c is None:
        why = (
            "The source is hidden: it is not in the corpus, so there is no text to compare."
            if e.source == HIDDEN
            else "No comparison was given for this pair, so its edit script is not shown."
        )
        return f'<p class="missing">{why}</p>'
    key = (
        f'<p class="note"><span class="side side-a">A</span> the source {_e(c.a.id or e.source)} · '
        f'<span class="side side-b">B</span> the copy {_e(c.b.id or e.copy)}</p>'
    )
    if k >= EDIT_SCRIPT_CAP:
        return (
            f'<p class="missing">Edit script not shown: only the first {EDIT_SCRIPT_CAP} edges of a story '
            f"carry theirs in full.</p>{_label_line(c)}"
        )
    return f'<div class="script"><h3>Edit script</h3>{key}{_pairs(c, linked=False)}</div>'


def _edge_section(
    k: int,
    e: StoryEdge,
    layout: Layout,
    members: Mapping[str, StoryMember],
    c: Comparison | None,
    node_of: Mapping[str, int],
) -> str:
    figures = _bar("Confidence", e.confidence, "how sure the edge is")
    if e.source != HIDDEN:
        figures += _bar("Contained", e.containment, "copy's words found in the source")
    elif edge_share(e) is not None:
        figures += _bar("Shared", e.containment, "copy's words found in another copy")
    if c is not None:
        figures += _bar("Jaccard", c.jaccard, "shared shingles of all shingles")
    agrees = ("common_source",) if e.source == HIDDEN else _DIRECTED
    second = layout.tree.get(e.copy) != k
    node = node_of.get(e.copy, 0)
    cards = (
        f'<div class="card"><h2>Figures</h2>{figures}</div>'
        '<div class="card"><h2>Evidence <small>strongest first</small></h2>'
        f"{_evidence_list(e.evidence, agrees, _EDGE_FAVOURS)}</div>"
    )
    if c is not None and k < EDIT_SCRIPT_CAP:
        cards += _legend(c)
    kind = "a second source of the copy" if second else "tree edge"
    return (
        f'<section class="card wide edge" id="e{k + 1}" data-source="{_e(e.source)}" data-copy="{_e(e.copy)}">'
        f'<div class="edge-h"><span class="num">{k + 1}</span><h2 class="pair">{_e(_name(e.source, members))}'
        f' <span class="arrow">→</span> {_e(_name(e.copy, members))}</h2><span class="kindnote">{kind}</span>'
        f'<a class="tograph" href="#graph" data-node="n{node}" data-edge="e{k + 1}">show in the picture</a></div>'
        f'<div class="two">{_article(e.source, "source", members)}{_article(e.copy, "copy", members)}</div>'
        f'<div class="cards">{cards}</div>{_edit_script(k, e, c)}</section>'
    )


def render_story_html(
    story: Story,
    comparisons: Mapping[tuple[str, str], Comparison],
    *,
    title: str | None = None,
    before: str = "",
    after: str = "",
    reconstructed: Reconstruction | None = None,
) -> str:
    """The story as one self-contained HTML page (UTF-8 text, no external references).

    comparisons: the edit script of each edge, keyed by ``(edge.source, edge.copy)``, made with side a = the
        source and side b = the copy (``copydesk.compare(source, copy)``). Edges missing from it (always
        those from the hidden source) are shown without one. Only the first `EDIT_SCRIPT_CAP` edges in tree
        order show theirs in full.
    title: the page title; by default ``copydesk: story <id>``.
    before, after: HTML put as it is (not escaped: the caller escapes what it takes from data) at the top
        of the page and after the edge sections: the server's navigation, members table and timeline.
    reconstructed: the hidden source rebuilt from its copies, shown after the picture.
    """
    page_title = title or f"copydesk: story {story.id}"
    members = {m.id: m for m in story.members}
    layout = plan(story)
    node_of = {key: i for i, key in enumerate(layout.nodes)}
    sections = "".join(
        _edge_section(k, e, layout, members, comparisons.get((e.source, e.copy)), node_of)
        for k, e in enumerate(layout.edges)
    )
    parts = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="copydesk (story page, comparison schema {SCHEMA_VERSION})">',
        f"<title>{_e(page_title)}</title>",
        f"<style>{_template('compare.css')}\n{_template('story.css')}</style></head>",
        f'<body class="story-page" data-edges="{len(layout.edges)}" data-members="{story.size}"><main>',
        before,
        _header(story, page_title, members),
        _graph(story, layout),
        "" if reconstructed is None else render_reconstruction(reconstructed, members),
        _index(layout, members, comparisons),
        sections,
        after,
        f"</main><script>{_template('story.js')}</script></body></html>\n",
    )
    return "\n".join(parts)
