"""Stories from verified links: which articles form one story, and who derives from whom inside it.

A story is a connected component of the verified links (pairs that share reused text by the engine's
decision). Inside a story the provenance is built from the pairwise verdicts:

1. every link whose verdict has a direction (``a_from_b`` / ``b_from_a``) proposes an edge source -> copy;
   edges are taken strongest first (confidence, then the copy's containment in the source, then ids, so the
   result does not depend on input order), each accepted when the copy has no parent yet and the edge closes
   no cycle: a maximum-weight branching built greedily, one parent per article;
2. roots of two trees tied by a near-duplicate link (each side has 80% of its words in the other), or by a
   ``common_source`` link between two texts of the same outlet (an agency's versions of one story), are
   one text: the later (or shorter) root goes under the other, with confidence 0.5;
3. a tree rooted at a paper's text (not a wire agency's) that a link ties to a tree rooted at a wire text
   joins it, its root under the wire text above the member it is tied to (`_join_wire_trees`): papers run
   wire copy, and two papers' versions of one wire story rarely show which came first;
4. members left without a parent are the roots of the trees. One root: it is the story's source. Roots
   whose trees are tied by ``common_source`` links share a parent that is not in the corpus: they hang under
   one `HIDDEN` node (the reference pair is exactly that). Trees tied only by a directed link (an article
   that merges two texts) keep their roots as sources, and that link is kept as a second, non-primary edge;
4. the hidden source is named after the agency its copies name, and each copy is judged against its line of
   sources: credited, its own publisher's text, or uncredited (the rules: `copydesk.provenance.credit`).

Everything here is pure: the engine gives the nodes and links, and stores what comes out.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from copydesk.model import HIDDEN, Evidence, Link, Story, StoryEdge, StoryMember
from copydesk.provenance.credit import credits_line, hidden_agency, line_names, same_publisher

# The evidence of a link's verdict (see `provenance`).
EvidenceOf = Callable[[Link], tuple[Evidence, ...]]

_FAR = dt.date.max
_ALIKE = 0.8


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


@dataclass(frozen=True, slots=True)
class Node:
    """What provenance needs of one article besides its links.

    credits: names it credits as written (agencies, "originally published by" sites), not its own name.
    own_names: names it goes by, lower case (outlet, its agency, its site, its dateline agency).
    agencies: the credits that name an agency (wire, photo, "contributed", dateline credits), not the sites
        of "originally published by" footers. wire: the agency it is (its outlet is a wire agency), or None.
    """

    id: str
    date: dt.date | None = None
    title: str | None = None
    outlet: str | None = None
    credits: tuple[str, ...] = ()
    own_names: frozenset[str] = frozenset()
    agencies: tuple[str, ...] = ()
    wire: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """The provenance of one story: its root (None when ``hidden_source``), members and edges, and the
    hidden source's agency (`copydesk.provenance.credit.hidden_agency`; None when it has none, or no hidden
    source)."""

    root: str | None
    hidden_source: bool
    members: tuple[StoryMember, ...]
    edges: tuple[StoryEdge, ...]
    hidden_agency: str | None = None


class _Forest:
    """Union-find over string keys."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.up: dict[str, str] = {k: k for k in keys}

    def find(self, k: str) -> str:
        up = self.up
        up.setdefault(k, k)
        root = k
        while up[root] != root:
            root = up[root]
        while up[k] != root:
            up[k], k = root, up[k]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key leads, so the grouping does not depend on the order of the unions
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            self.up[hi] = lo


def cluster(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The connected components of the ``pairs`` over ``ids`` (every id in exactly one), each sorted,
    biggest first then by first id."""
    forest = _Forest(ids)
    for a, b in pairs:
        forest.union(a, b)
    groups: dict[str, list[str]] = {}
    for k in forest.up:
        groups.setdefault(forest.find(k), []).append(k)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def _directed(link: Link) -> tuple[str, str, float] | None:
    """(source, copy, containment of the copy in the source) for a directed verdict, else None."""
    if link.verdict == "a_from_b":
        return link.b, link.a, link.containment_a
    if link.verdict == "b_from_a":
        return link.a, link.b, link.containment_b
    return None


def _wire_story(link: Link) -> bool:
    """A link between parts of one wire story (its headers say so; see `copydesk.text.wire`)."""
    return any(e.kind == "wire_story" for e in link.evidence)


def _own_evidence(link: Link) -> tuple[Evidence, ...]:
    return link.evidence


def _resolve(why: Link | tuple[Evidence, ...], evidence: EvidenceOf) -> tuple[Evidence, ...]:
    return evidence(why) if isinstance(why, Link) else why


def provenance(
    nodes: Mapping[str, Node],
    links: Sequence[Link],
    *,
    uncredited_containment: float,
    evidence: EvidenceOf = _own_evidence,
) -> Provenance:
    """The provenance of one story: ``nodes`` are its members, ``links`` the verified links among them.

    uncredited_containment: a copy that does not credit its source (`copydesk.provenance.credit`) is flagged
    uncredited when at least this share of its body words, in [0, 1], is found in its parent. evidence: the
    evidence of a link's verdict (links may come without it: it is asked for the links that become edges
    only).
    """
    ids = sorted(nodes)
    if not ids:
        return Provenance(None, False, (), ())
    if len(ids) == 1:
        only = nodes[ids[0]]
        return Provenance(ids[0], False, (_member(only, "single", None, 0.0, 0.0, _SOURCE, 0.0),), ())
    inside = sorted(
        (ln for ln in links if ln.a in nodes and ln.b in nodes and ln.a != ln.b), key=attrgetter("a", "b")
    )

    # (-confidence, -containment, source, copy, link): strongest first, then by ids (a pair is there once,
    # so the link itself is never compared)
    proposals: list[tuple[float, float, str, str, Link]] = []
    for ln in inside:
        d = _directed(ln)
        if d is not None:
            proposals.append((-ln.confidence, -d[2], d[0], d[1], ln))
    proposals.sort()

    parent: dict[str, str] = {}
    via: dict[str, tuple[float, float, Link | tuple[Evidence, ...]]] = {}
    # The trees as a union-find (near constant time per edge, whatever the depth); `top` is each set's root.
    forest = _Forest(ids)
    top = {k: k for k in ids}

    def root_of(k: str) -> str:
        return top[forest.find(k)]

    def hang(copy: str, src: str) -> None:
        """``copy``, a tree's root, goes under ``src`` of another tree."""
        root = root_of(src)
        forest.union(copy, src)
        top[forest.find(copy)] = root

    for neg_conf, neg_cont, src, copy, ln in proposals:
        if copy in parent or root_of(src) == copy:
            continue  # copy has its parent, or src descends from copy (the edge would close a cycle)
        parent[copy] = src
        via[copy] = (-neg_conf, -neg_cont, ln)
        hang(copy, src)

    # Roots that are nearly the same text (each has at least `_ALIKE` of its words in the other) are one text
    # published twice: the later (then shorter, then greater id) one goes under the other instead of both
    # under an invented hidden source.
    def rank(k: str) -> tuple[dt.date, int, str]:
        return (nodes[k].date or _FAR, -words.get(k, 0), k)

    words = {k: 0 for k in ids}
    for ln in inside:
        words[ln.a] = max(words[ln.a], ln.shared_words)
        words[ln.b] = max(words[ln.b], ln.shared_words)

    def same_outlet(ln: Link) -> bool:
        oa, ob = nodes[ln.a].outlet, nodes[ln.b].outlet
        return oa is not None and ob is not None and oa.lower() == ob.lower()

    alike = sorted(
        (
            ln
            for ln in inside
            if min(ln.containment_a, ln.containment_b) >= _ALIKE
            or (_directed(ln) is None and same_outlet(ln) and not _wire_story(ln))
        ),
        key=lambda ln: (-min(ln.containment_a, ln.containment_b), ln.a, ln.b),
    )
    for ln in alike:
        ra, rb = root_of(ln.a), root_of(ln.b)
        if ra == rb or ra in parent or rb in parent:
            continue
        src, copy = (ra, rb) if rank(ra) < rank(rb) else (rb, ra)
        if min(ln.containment_a, ln.containment_b) >= _ALIKE:
            why = f"{ln.a} and {ln.b} are nearly the same text"
        else:
            why = f"{ln.a} and {ln.b} are versions of one story by the same outlet ({nodes[ln.a].outlet})"
        detail = (
            f"{why} ({_pct(ln.containment_a)} and {_pct(ln.containment_b)} of their words found in each other) "
            f"and nothing tells which came first: {copy} is placed under {src} (earlier, or longer)"
        )
        parent[copy] = src
        via[copy] = (
            0.5,
            max(ln.containment_a, ln.containment_b),
            (Evidence("alike", "common_source", 0.5, detail),),
        )
        hang(copy, src)

    _join_wire_trees(nodes, inside, parent, via, root_of, hang)

    tree = {k: root_of(k) for k in ids}
    roots = sorted({tree[k] for k in ids})
    best_share: dict[str, float] = {}  # the largest share of each member's words found in another member
    for ln in inside:
        best_share[ln.a] = max(best_share.get(ln.a, 0.0), ln.containment_a)
        best_share[ln.b] = max(best_share.get(ln.b, 0.0), ln.containment_b)
    edges: list[StoryEdge] = [
        StoryEdge(parent[k], k, via[k][0], via[k][1], _resolve(via[k][2], evidence))
        for k in ids
        if k in parent
    ]
    hidden: dict[str, tuple[float, float, Evidence, Link]] = {}
    if len(roots) > 1:
        # links between trees: common_source ties put both roots under the hidden parent; a directed link
        # is a second source of its copy
        best_cross: dict[tuple[str, str], tuple[float, float, str, str, Link]] = {}
        for ln in inside:
            ta, tb = tree[ln.a], tree[ln.b]
            if ta == tb:
                continue
            d = _directed(ln)
            if d is None:
                cont = max(ln.containment_a, ln.containment_b)
                if _wire_story(ln):
                    detail = (
                        f"{ln.a} and {ln.b} are parts of one wire story: their trees share a parent that is not "
                        "in the corpus as one text, the whole story"
                    )
                else:
                    detail = (
                        f"{ln.a} and {ln.b} share text ({_pct(ln.containment_a)} and {_pct(ln.containment_b)} "
                        "of their words found in each other) and neither derives from the other: their trees "
                        "share a parent that is not in the corpus"
                    )
                sibling = Evidence("sibling", "common_source", ln.confidence, detail)
                for r in (ta, tb):
                    old = hidden.get(r)
                    if old is None or (ln.confidence, cont) > old[:2]:
                        hidden[r] = (ln.confidence, cont, sibling, ln)
            else:
                src, copy, cont = d
                key = (tree[src], tree[copy])
                cand = (ln.confidence, cont, src, copy, ln)
                old_cross = best_cross.get(key)
                if old_cross is None or (cand[0], cand[1]) > (old_cross[0], old_cross[1]):
                    best_cross[key] = cand
        for conf, cont, src, copy, ln in sorted(best_cross.values(), key=lambda p: (p[2], p[3])):
            edges.append(StoryEdge(src, copy, conf, cont, evidence(ln), primary=False))
        for r in sorted(hidden):
            conf, cont, sibling, ln = hidden[r]
            edges.append(StoryEdge(HIDDEN, r, conf, best_share.get(r, 0.0), (sibling, *evidence(ln))))

    def order(k: str) -> tuple[dt.date, str]:
        return (nodes[k].date or _FAR, k)

    if hidden:
        root: str | None = None
    else:
        # one tree, or trees joined by a merging copy: the root of the biggest tree leads (earliest on ties)
        size = Counter(tree.values())
        root = min(roots, key=lambda r: (-size[r], *order(r)))

    # the hidden source's agency, as its copies name it; then each copy judged against its line of sources
    up = {**parent, **dict.fromkeys(hidden, HIDDEN)}
    under = [nodes[k] for k in ids if tree[k] in hidden]
    agency = hidden_agency((*n.agencies, *((n.wire,) if n.wire else ())) for n in under) if hidden else None
    named = frozenset({agency.lower()}) if agency else frozenset()
    lines = line_names(up, {k: nodes[k].own_names for k in ids}, top=named)

    def line(k: str) -> _Line:
        return _Line(lines[k], agency is None and tree[k] in hidden)

    members: list[StoryMember] = []
    for k in ids:
        node = nodes[k]
        if k in parent:
            conf, cont, _ = via[k]
            members.append(_member(node, "copy", parent[k], conf, cont, line(k), uncredited_containment))
        elif k in hidden:
            conf = hidden[k][0]
            members.append(
                _member(node, "copy", HIDDEN, conf, best_share.get(k, 0.0), line(k), uncredited_containment)
            )
        else:
            members.append(_member(node, "source", None, 0.0, 0.0, _SOURCE, uncredited_containment))
    first = [m for m in members if m.id == root]
    rest = sorted((m for m in members if m.id != root), key=lambda m: order(m.id))
    return Provenance(root, bool(hidden), tuple(first + rest), tuple(edges), agency)


def _wired(node: Node) -> bool:
    """Whether ``node`` is published by a wire agency."""
    return node.wire is not None


def _may_run(paper: Node, wire: Node) -> bool:
    """Whether ``paper`` may run the text of the wire agency of ``wire``: it names no agency, or names that
    one (a paper crediting another agency took its text from there)."""
    named = {a.lower() for a in paper.agencies}
    return not named or (wire.wire or "").lower() in named


def _join_wire_trees(
    nodes: Mapping[str, Node],
    inside: Sequence[Link],
    parent: dict[str, str],
    via: dict[str, tuple[float, float, Link | tuple[Evidence, ...]]],
    root_of: Callable[[str], str],
    hang: Callable[[str, str], None],
) -> None:
    """Step 3 of `provenance`: trees rooted at a paper's text (not a wire agency's) that are tied by a link to
    a tree rooted at a wire text join that tree, their root under the nearest wire text above the member
    they are tied to (that member itself when it is one). Ties are taken strongest first (confidence, then
    the larger containment, then ids), and a tree that joins brings its own ties along.

    Why: papers run wire copy, rarely the reverse. A paper's text with no parent that shares text with the
    wire's copies (or with the wire text, weakly) is a paper that ran the same wire text, the direction
    between two papers' versions of one wire story being the weakest evidence there is (their dates are
    equal, and each kept and cut its own parts). Without this such a paper is left as a second source of
    the story, or its siblings as copies of it.
    """
    tops = {root_of(k) for k in nodes}
    if not any(_wired(nodes[r]) for r in tops) or all(_wired(nodes[r]) for r in tops):
        return
    members: dict[str, list[str]] = {}
    for k in sorted(nodes):
        members.setdefault(root_of(k), []).append(k)
    links_of: dict[str, list[Link]] = {}
    pair: dict[tuple[str, str], Link] = {}
    for ln in inside:
        links_of.setdefault(ln.a, []).append(ln)
        links_of.setdefault(ln.b, []).append(ln)
        pair[(ln.a, ln.b)] = ln
    # (-confidence, -containment, a, b, link): a pair is there once, so the link itself is never compared
    ties: list[tuple[float, float, str, str, Link]] = []

    def offer(ln: Link) -> None:
        if _wired(nodes[root_of(ln.a)]) != _wired(nodes[root_of(ln.b)]):
            heapq.heappush(ties, (-ln.confidence, -max(ln.containment_a, ln.containment_b), ln.a, ln.b, ln))

    for ln in inside:
        offer(ln)
    while ties:
        *_, ln = heapq.heappop(ties)
        if _wired(nodes[root_of(ln.a)]) == _wired(nodes[root_of(ln.b)]):
            continue  # the paper's tree joined by a stronger tie
        anchor, other = (ln.a, ln.b) if _wired(nodes[root_of(ln.a)]) else (ln.b, ln.a)
        src = anchor
        while not _wired(nodes[src]):
            src = parent[src]  # every member of a wire-rooted tree but its root has a parent
        copy = root_of(other)
        if not _may_run(nodes[copy], nodes[src]):
            continue  # it names another agency: its text came from there, not from this wire text
        direct = pair.get((min(copy, src), max(copy, src)))
        cont = 0.0 if direct is None else direct.containment_a if direct.a == copy else direct.containment_b
        outlet = nodes[src].outlet or "a wire agency"
        detail = (
            f"{copy} is a paper's text with no source in the story, tied to {anchor} ({ln.verdict}, "
            f"{_pct(ln.containment_a)} and {_pct(ln.containment_b)} of {ln.a} and {ln.b}'s words found in each "
            f"other), which runs the text of {src}, published by {outlet}: papers run wire copy, so {copy} is "
            f"placed under {src}"
        )
        parent[copy] = src
        via[copy] = (0.5, cont, (Evidence("ran_wire", "common_source", 0.5, detail),))
        joined = members.pop(copy)
        hang(copy, src)
        members[root_of(src)].extend(joined)
        for k in joined:
            for tie in links_of.get(k, ()):
                offer(tie)


def alias_member(node: Node, holder: str, *, credits_source: bool, uncredited: bool) -> StoryMember:
    """The member of an alias: ``node`` runs the very text of the article ``holder`` under its own id, so
    it is a copy of it with containment and confidence 1 (role ``alias``, parent ``holder``) and no edge. Its
    credits are its node's (the text's credits read with its own names); whether it credits its source and
    whether it is uncredited are the holder's (``credits_source``, ``uncredited``): the same text, with the
    same credit lines, judged against the same source."""
    return StoryMember(
        id=node.id,
        role="alias",
        parent=holder,
        confidence=1.0,
        containment=1.0,
        title=node.title,
        date=node.date,
        outlet=node.outlet,
        credits=node.credits,
        credits_source=credits_source,
        uncredited=uncredited,
    )


@dataclass(frozen=True, slots=True)
class _Line:
    """What a member is judged against: the names its line of sources goes by (lower case), and whether
    that line ends at a hidden source that no credit names (`copydesk.provenance.credit`)."""

    names: frozenset[str]
    unnamed: bool = False


_SOURCE = _Line(frozenset())  # a source or a single: nothing above it


def _member(
    node: Node,
    role: str,
    parent: str | None,
    confidence: float,
    containment: float,
    line: _Line,
    threshold: float,
) -> StoryMember:
    credited = parent is not None and credits_line(
        node.credits, node.agencies, line.names, unnamed=line.unnamed
    )
    own = parent is not None and same_publisher(
        node.own_names, line.names, unnamed=line.unnamed, wire=node.wire
    )
    return StoryMember(
        id=node.id,
        role="copy" if role == "copy" else "single" if role == "single" else "source",
        parent=parent,
        confidence=confidence,
        containment=containment,
        title=node.title,
        date=node.date,
        outlet=node.outlet,
        credits=node.credits,
        credits_source=credited,
        uncredited=parent is not None and not credited and not own and containment >= threshold,
    )


@dataclass(frozen=True, slots=True)
class Attachment:
    """What adding articles to a big story changes: its root, and the members (new ones, and an old root
    that got a parent) with their edges. Members not listed keep what they had."""

    root: str | None
    members: tuple[StoryMember, ...]
    edges: tuple[StoryEdge, ...]


def attach(
    nodes: Mapping[str, Node],
    new: Sequence[str],
    links: Sequence[Link],
    *,
    root: str | None,
    parents: Mapping[str, str | None],
    uncredited_containment: float,
    evidence: EvidenceOf = _own_evidence,
) -> Attachment:
    """Place the ``new`` articles in a story without rebuilding its provenance (for stories too big to
    rebuild at each update).

    nodes: the new articles and every older member their links reach (and the root). links: the new links.
    root: the story's root (None under a hidden source). parents: the parent of each older member in
    ``nodes``. Each new article takes its strongest directed link from a placed member as its parent (new
    articles placed first can be parents of later ones); one that the current root derives from becomes
    the new root; one tied only as a sibling (``common_source``) to a member goes under that member's
    parent (the hidden source included); any other is a further source of the story. A new copy's credit is
    judged against its parent alone (the rest of its line is not in ``nodes``), an unknown parent's as an
    unnamed hidden source's.
    """
    fresh = sorted(new, key=lambda k: (nodes[k].date or _FAR, k))
    is_new = set(fresh)
    proposals: dict[str, list[tuple[float, float, str, Link]]] = {k: [] for k in fresh}
    sources_of_root: list[tuple[float, float, str, Link]] = []
    siblings: dict[str, list[tuple[float, str, Link]]] = {k: [] for k in fresh}
    for ln in sorted(links, key=lambda ln: (ln.a, ln.b)):
        d = _directed(ln)
        if d is None:
            for me, other in ((ln.a, ln.b), (ln.b, ln.a)):
                if me in is_new:
                    siblings[me].append((ln.confidence, other, ln))
            continue
        src, copy, cont = d
        if copy in is_new:
            proposals[copy].append((ln.confidence, cont, src, ln))
        if copy == root and src in is_new:
            sources_of_root.append((ln.confidence, cont, src, ln))
    parent: dict[str, str | None] = dict(parents)
    via: dict[str, tuple[float, float, Link]] = {}
    placed = {k for k in nodes if k not in is_new}
    changed = True
    while changed:
        changed = False
        for k in fresh:
            if k in placed:
                continue
            options = [p for p in proposals[k] if p[2] in placed]
            if options:
                conf, cont, src, ln = max(options, key=lambda p: (p[0], p[1], p[2]))
                parent[k], via[k] = src, (conf, cont, ln)
                placed.add(k)
                changed = True
    new_root = root
    touched: list[str] = []
    for conf, cont, src, ln in sorted(sources_of_root, key=lambda p: (-p[0], -p[1], p[2])):
        if root is not None and src not in placed:
            parent[root], via[root] = src, (conf, cont, ln)
            parent[src] = None
            placed.add(src)
            touched.append(root)
            new_root = src
            break
    for k in fresh:
        if k in placed:
            continue
        placed.add(k)
        options_s = [s for s in siblings[k] if s[1] in parent and parent[s[1]] is not None]
        if options_s:
            conf, other, ln = max(options_s, key=lambda s: (s[0], s[1]))
            parent[k], via[k] = parent[other], (conf, max(ln.containment_a, ln.containment_b), ln)
        else:
            parent[k] = None
    members: list[StoryMember] = []
    edges: list[StoryEdge] = []
    for k in [*fresh, *touched]:
        up = parent.get(k)
        if up is None:
            members.append(_member(nodes[k], "source", None, 0.0, 0.0, _SOURCE, uncredited_containment))
            continue
        conf, cont, ln = via[k]
        above = nodes.get(up)
        line = _Line(above.own_names) if above is not None else _Line(frozenset(), unnamed=True)
        members.append(_member(nodes[k], "copy", up, conf, cont, line, uncredited_containment))
        edges.append(StoryEdge(up, k, conf, cont, evidence(ln)))
    return Attachment(new_root, tuple(members), tuple(edges))


def prune(story: Story, *, limit: int, focus: str | None = None) -> Story:
    """The story cut to at most ``limit`` members for display: its sources first, then breadth-first down the
    provenance tree; ``focus`` (a member) is kept with the line of parents above it and, up to ``limit``, its
    children. The
    edges among the kept members stay; the story's id, root and merges are unchanged."""
    if story.size <= limit:
        return story
    children: dict[str, list[str]] = {}
    parent: dict[str, str | None] = {}
    for m in story.members:
        parent[m.id] = m.parent
        if m.parent is not None:
            children.setdefault(m.parent, []).append(m.id)
    keep: dict[str, None] = {}
    if focus is not None and focus in parent:
        line: list[str] = []
        up: str | None = focus
        while up is not None and up != HIDDEN and up not in line:
            line.append(up)
            up = parent.get(up)
        below = sorted(children.get(focus, []))[: max(0, limit - len(line))]
        for k in [*reversed(line), *below]:
            keep.setdefault(k, None)
    queue = [m.id for m in story.members if m.parent in (None, HIDDEN)]
    while queue and len(keep) < limit:
        nxt: list[str] = []
        for k in queue:
            if len(keep) >= limit:
                break
            keep.setdefault(k, None)
            nxt += sorted(children.get(k, []))
        queue = nxt
    members = tuple(m for m in story.members if m.id in keep)
    edges = tuple(e for e in story.edges if e.copy in keep and (e.source == HIDDEN or e.source in keep))
    return Story(story.id, story.root, story.hidden_source, members, edges, story.merged, story.hidden_agency)
