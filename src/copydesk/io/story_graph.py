"""The provenance picture of a story: an inline SVG tree, laid out left to right.

Each tree of the story hangs from one root at the left (the source, the hidden source, or another source
whose text a merging copy draws on), one column per depth. Nodes take rows in depth-first order: a node sits
on the row of its first child and every further child opens a new row, so no two nodes ever share a row and a
column, and no edge crosses a node, whatever the size. A story of 500 copies of one source is one column 500
rows tall; the page shows it in a scrolling box.

Tree edges (each copy's primary edge) are elbows from the parent's right side to the child's left side,
labelled on the child's row with confidence and containment; further sources of a copy (non-primary edges)
are dashed curves drawn over the tree. Every node and edge is an ``<a href="#e<k>">`` to the section of its
edge (``k`` its 1-based place in `Layout.edges`); a root links to its first edge out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from copydesk.io.html import _e, _pct
from copydesk.model import HIDDEN, Story, StoryEdge, StoryMember

NODE_W = 212
NODE_H = 54
ROW = 66
COL = NODE_W + 150
PAD = 14
TRUNK = 18  # how far right of a parent its children's vertical trunk runs
HEAD_CHARS = 25  # a node's first line (bold) fits its box at this many characters; the others at 34


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes.

    nodes: node keys (member ids, `HIDDEN`, and any source id that is not a member) in depth-first order.
    depth, row: column and row of each node (rows are floats: trees are half a row apart).
    edges: the story's edges in tree order (each copy's primary edge, then its other sources); edges that
        close a cycle or hang from nothing come last.
    tree: for each node with a parent, the index in ``edges`` of its tree edge.
    """

    nodes: tuple[str, ...]
    depth: Mapping[str, int]
    row: Mapping[str, float]
    edges: tuple[StoryEdge, ...]
    tree: Mapping[str, int]

    @property
    def rows(self) -> float:
        return max(self.row.values(), default=-1.0) + 1

    @property
    def columns(self) -> int:
        return max(self.depth.values(), default=-1) + 1

    def anchor(self, key: str) -> str | None:
        """The section a node links to: its tree edge's, else its first edge out's, else None."""
        if key in self.tree:
            return f"e{self.tree[key] + 1}"
        first = next((i for i, e in enumerate(self.edges) if e.source == key), None)
        return None if first is None else f"e{first + 1}"


def plan(story: Story) -> Layout:
    """Lay out the story's provenance: one tree edge per copy (its first primary edge), the rest drawn over."""
    order_of = {m.id: i for i, m in enumerate(story.members)}
    tree_in: dict[str, StoryEdge] = {}
    for e in sorted(story.edges, key=lambda e: not e.primary):
        tree_in.setdefault(e.copy, e)
    children: dict[str, list[str]] = {}
    for copy, e in tree_in.items():
        children.setdefault(e.source, []).append(copy)
    for kids in children.values():
        kids.sort(key=lambda k: (order_of.get(k, len(order_of)), k))
    others: dict[str, list[StoryEdge]] = {}
    for e in story.edges:
        if tree_in.get(e.copy) is not e:
            others.setdefault(e.copy, []).append(e)

    keys = [m.id for m in story.members]
    # an alias (the same text under another id, no edge) is drawn next to the article whose text it runs
    alias_of = {m.id: m.parent for m in story.members if m.role == "alias" and m.parent in order_of}
    for alias, holder in alias_of.items():
        children.setdefault(holder, []).append(alias)
    extra = sorted({e.source for e in story.edges} - set(keys) - {HIDDEN})
    roots = [HIDDEN] if any(e.source == HIDDEN for e in story.edges) else []
    roots += [
        k for k in (story.root, *keys, *extra) if k is not None and k not in tree_in and k not in alias_of
    ]
    # members left unreached are on a cycle: each is drawn as a root of its own
    roots += [k for k in keys if k in tree_in]

    nodes: list[str] = []
    depth: dict[str, int] = {}
    row: dict[str, float] = {}
    edges: list[StoryEdge] = []
    tree: dict[str, int] = {}
    next_row = 0.0
    for root in roots:
        if root in depth:
            continue
        if nodes:
            next_row += 0.5
        stack: list[tuple[str, int, str | None]] = [(root, 0, None)]
        while stack:
            key, d, parent = stack.pop()
            if key in depth:
                continue
            nodes.append(key)
            depth[key] = d
            if parent is not None and children[parent][0] == key:
                row[key] = row[parent]
            else:
                row[key] = next_row
                next_row += 1
            if parent is not None and key in tree_in:
                tree[key] = len(edges)
                edges.append(tree_in[key])
            edges += others.get(key, [])
            stack += [(k, d + 1, key) for k in reversed(children.get(key, [])) if k not in depth]
    seen = {id(e) for e in edges}
    edges += [e for e in story.edges if id(e) not in seen]
    return Layout(tuple(nodes), depth, row, tuple(edges), tree)


def _clip(text: str, size: int) -> str:
    """``text`` cut at its end to ``size`` characters: for prose, whose start says the most."""
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _elide(text: str, size: int) -> str:
    """``text`` cut in the middle to ``size`` characters, a third of the room to its start: for ids and
    paths, whose end tells them apart (``PA/rawtexts/courts/12.txt``, ``…/13.txt``)."""
    if len(text) <= size:
        return text
    head = (size - 1) // 3
    return text[:head] + "…" + text[len(text) - (size - 1 - head) :]


def _node_lines(key: str, m: StoryMember | None, story: Story) -> tuple[str, str, str, str]:
    """Three lines of text for a node and a class for its third line."""
    if key == HIDDEN:
        copies = sum(e.source == HIDDEN for e in story.edges)
        return (
            "hidden source"
            if story.hidden_agency is None
            else f"hidden source: {_clip(story.hidden_agency, 20)}",
            "not in the corpus",
            f"{copies} cop{'y' if copies == 1 else 'ies'} under it",
            "",
        )
    if m is None:
        return _elide(key, HEAD_CHARS), "not a member of this story", "", ""
    date = m.date.isoformat() if m.date else "no date"
    head = _clip(m.outlet, HEAD_CHARS) if m.outlet else _elide(m.id, HEAD_CHARS)
    second = f"{date} · {_elide(m.id, 34 - len(date) - 3)}" if m.outlet else date
    if m.parent is None:
        status, cls = ("source" + (f" · credits {', '.join(m.credits)}" if m.credits else "")), "st-source"
    elif m.role == "alias":
        status, cls = f"same text as {m.parent}", "st-other"
    elif m.uncredited:
        status, cls = "✕ uncredited", "st-uncredited"
    elif m.credits:
        status, cls = "credits " + ", ".join(m.credits), "st-credits" if m.credits_source else "st-other"
    else:
        status, cls = "no credit found", "st-none"
    return head, second, status, cls


def _node_title(key: str, m: StoryMember | None) -> str:
    if m is None:
        return "a source not in the corpus" if key == HIDDEN else f"{key}: not a member of this story"
    facts = [
        f"id: {m.id}",
        f"role: {m.role}",
        f"outlet: {m.outlet or '—'}",
        f"date: {m.date.isoformat() if m.date else '—'}",
    ]
    if m.title:
        facts.append(f"title: {m.title}")
    if m.credits:
        facts.append(f"credits: {', '.join(m.credits)}")
    if m.uncredited:
        facts.append("uncredited copy")
    return "\n".join(facts)


def _node(i: int, key: str, x: float, y: float, m: StoryMember | None, story: Story, href: str | None) -> str:
    head, second, status, status_cls = _node_lines(key, m, story)
    kind: str = "hidden" if key == HIDDEN else "missing" if m is None else m.role
    if m is not None and m.uncredited:
        kind += " uncredited"
    data = f' data-id="{_e(key)}"' if m is not None else ""
    box = (
        f'<g class="node {kind}" id="n{i}"{data}><title>{_e(_node_title(key, m))}</title>'
        f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="7"></rect>'
        f'<text x="{x + 10}" y="{y + 17}" class="t1">{_e(head)}</text>'
        f'<text x="{x + 10}" y="{y + 32}" class="t2">{_e(second)}</text>'
        f'<text x="{x + 10}" y="{y + 47}" class="t3 {status_cls}">{_e(_clip(status, 34))}</text></g>'
    )
    if href is None:
        return box
    return f'<a href="#{href}" class="to" data-edge="{href}">{box}</a>'


def edge_share(e: StoryEdge) -> tuple[str, str] | None:
    """What an edge's containment means, short (a label) and long (a tooltip), or None when it means nothing.

    From an article: the share of the copy's words found in its source. From the hidden source, which has no
    text, nothing is contained: the figure is the largest share of the copy's words found in another copy
    (the sign of their common parent), shown as such, and not at all when it is 0 (copies tied by a wire
    header alone).
    """
    if e.source != HIDDEN:
        return f"{_pct(e.containment)} contained", f"{_pct(e.containment)} of its words found in the source"
    if e.containment <= 0:
        return None
    return f"{_pct(e.containment)} shared", f"{_pct(e.containment)} of its words found in another copy"


def _edge(k: int, e: StoryEdge, layout: Layout, members: Mapping[str, StoryMember]) -> str:
    s, c = e.source, e.copy
    sx, sy = PAD + layout.depth[s] * COL + NODE_W, PAD + layout.row[s] * ROW + NODE_H / 2
    cx, cy = PAD + layout.depth[c] * COL, PAD + layout.row[c] * ROW + NODE_H / 2
    copy = members.get(c)
    cls = ["edge"]
    if s == HIDDEN:
        cls.append("from-hidden")
    if copy is not None and copy.uncredited:
        cls.append("uncredited")
    share = edge_share(e)
    contained = None if share is None else share[0]
    figures = " · ".join(x for x in (f"confidence {_pct(e.confidence)}", share and share[1]) if x)
    if layout.tree.get(c) == k:
        tx = sx + TRUNK
        d = f"M{sx},{sy} H{tx} V{cy} H{cx - 2}"
        labels = f'<text x="{tx + 9}" y="{cy - 6}" class="el">confidence {_pct(e.confidence)}</text>' + (
            f'<text x="{tx + 9}" y="{cy + 15}" class="el">{contained}</text>' if contained else ""
        )
    else:
        cls.append("second")
        d = f"M{sx},{sy} C{sx + 90},{sy} {cx - 90},{cy} {cx - 2},{cy}"
        labels = (
            f'<text x="{(sx + cx) / 2}" y="{(sy + cy) / 2 - 5}" class="el el-second">'
            f"second source{'' if contained is None else ' · ' + contained}</text>"
        )
    title = f"{s} → {c}: {figures}"
    if copy is not None and copy.uncredited:
        title += " (uncredited)"
    return (
        f'<a href="#e{k + 1}" class="to" data-edge="e{k + 1}"><g class="{" ".join(cls)}" id="g{k + 1}">'
        f"<title>{_e(title)}</title>"
        f'<path class="hit" d="{d}"></path><path class="line" d="{d}" marker-end="url(#arrow)"></path>'
        f"{labels}</g></a>"
    )


def render_graph(story: Story, layout: Layout) -> str:
    """The picture as one ``<svg>`` element; each node is ``<g class="node ..." id="n<i>">`` (``i`` its
    place in ``layout.nodes``) with ``data-id`` holding the member's id, and each edge ``<g class="edge"
    id="g<k>">``."""
    members = {m.id: m for m in story.members}
    width = PAD * 2 + max(layout.columns - 1, 0) * COL + NODE_W
    height = PAD * 2 + max(layout.rows - 1, 0) * ROW + NODE_H
    edges = "".join(_edge(k, e, layout, members) for k, e in enumerate(layout.edges))
    nodes = "".join(
        _node(
            i,
            key,
            PAD + layout.depth[key] * COL,
            PAD + layout.row[key] * ROW,
            members.get(key),
            story,
            layout.anchor(key),
        )
        for i, key in enumerate(layout.nodes)
    )
    return (
        f'<svg class="tree" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:g}" '
        f'viewBox="0 0 {width} {height:g}" role="img" aria-label="provenance tree of {len(members)} articles">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"></path></marker></defs>'
        f'<g class="edges">{edges}</g><g class="nodes">{nodes}</g></svg>'
    )
