"""Stages 4 and 5, cluster and provenance: links to components, and a component to its story.

`grouping` keeps the links that may put two articles in one story: single-link grouping over every link
would let one thin pair (a brief sharing a dozen words of stock court phrases with another trial's report)
chain two stories together. `components` groups the articles by those (every article in exactly one
group, a single alone).
`story` turns one group into its `Story`: the provenance tree over its links (see
`copydesk.provenance.story`), the aliases (other ids of a member's text) beside the member holding the
text, and the id from the founder (the first member by the global key, aliases included). Each is a
function of its input only: the story of a group is the same whichever driver builds it, and whatever the
history of updates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Iterable, Mapping, Sequence

from copydesk.config import StoryConfig
from copydesk.engine.stages.keys import FAR, founder_key, order_key, story_id
from copydesk.model import HIDDEN, Link, Story, StoryMember
from copydesk.provenance.story import EvidenceOf, Node, alias_member, cluster, provenance


def strong(link: Link, config: StoryConfig) -> bool:
    """Whether ``link`` carries real shared text: ``config.bridge_words`` shared words or more, or
    ``config.bridge_containment`` of the smaller side (the side with fewer words has the higher
    containment), or the two are parts of one wire story (their headers say so)."""
    return (
        link.shared_words >= config.bridge_words
        or max(link.containment_a, link.containment_b) >= config.bridge_containment
        or any(e.kind == "wire_story" for e in link.evidence)
    )


def _closer(link: Link, other: str) -> tuple[int, float, str]:
    """How an article ranks its weak links, best first: most shared words, then highest containment,
    then the other end's id (so a tie has one answer whatever the order the links come in)."""
    return (-link.shared_words, -max(link.containment_a, link.containment_b), other)


def grouping(
    links: Iterable[Link], *, config: StoryConfig, among: Container[str] | None = None
) -> list[tuple[str, str]]:
    """The pairs that group articles into stories: every `strong` link, and for each article with no
    strong link, its best weak link (`_closer`). So a weak link never joins two groups that are otherwise
    apart: an article with a strong link ignores its weak ones, and one with none goes with the article it
    shares most with, by one link only (a path between two groups through such articles would need one
    link more than they choose). Each pair depends on the links of its articles only, so an update that
    changes no link of an article changes none of its pairs. With ``among``: only the weak links those
    articles choose (a driver that holds every link of those articles, but not of the others)."""
    weak: list[Link] = []
    kept: list[tuple[str, str]] = []
    for ln in links:
        if strong(ln, config):
            kept.append((ln.a, ln.b))
        else:
            weak.append(ln)
    held = {x for pair in kept for x in pair}
    best: dict[str, tuple[tuple[int, float, str], tuple[str, str]]] = {}
    for ln in weak:
        for me, other in ((ln.a, ln.b), (ln.b, ln.a)):
            if me in held or (among is not None and me not in among):
                continue
            rank = _closer(ln, other)
            if me not in best or rank < best[me][0]:
                best[me] = (rank, (ln.a, ln.b))
    return kept + sorted({pair for _, pair in best.values()})


def components(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The connected components of ``pairs`` over ``ids``, each sorted, biggest first then by first id."""
    return cluster(ids, pairs)


def founder(nodes: Iterable[Node]) -> Node:
    """The first of ``nodes`` by the global key (date, then id)."""
    return min(nodes, key=lambda n: order_key(n.date, n.id))


def _as_source(m: StoryMember) -> StoryMember:
    """A single whose text runs under other ids too is their source."""
    return dataclasses.replace(m, role="source") if m.role == "single" else m


def story(
    nodes: Mapping[str, Node],
    links: Sequence[Link],
    aliases: Mapping[str, Sequence[Node]],
    *,
    config: StoryConfig,
    evidence: EvidenceOf,
) -> tuple[Story, str]:
    """The story of one component (its members' ``nodes``, the ``links`` among them, and the alias nodes of
    each member that has some), and its founder key (`founder_key`, to list stories of one size in order).
    ``evidence`` gives the evidence of a link that becomes an edge. Links with an end outside ``nodes``
    (a weak link to another story, see `grouping`) are left out."""
    links = [ln for ln in links if ln.a in nodes and ln.b in nodes]
    prov = provenance(nodes, links, uncredited_containment=config.uncredited_containment, evidence=evidence)
    held = [_as_source(m) if aliases.get(m.id) else m for m in prov.members]
    more = [
        alias_member(n, m.id, credits_source=m.credits_source, uncredited=m.uncredited)
        for m in held
        for n in sorted(aliases.get(m.id, ()), key=lambda n: order_key(n.date, n.id))
    ]
    first = founder([*nodes.values(), *(n for m in held for n in aliases.get(m.id, ()))])
    # in the order a stored story is read back: the root, then by date and id; primary edges first
    members = sorted((*held, *more), key=lambda m: (m.id != prov.root, m.date or FAR, m.id))
    edges = sorted(prov.edges, key=lambda e: (not e.primary, e.source != HIDDEN, e.source, e.copy))
    return (
        Story(
            story_id(first.id),
            prov.root,
            prov.hidden_source,
            tuple(members),
            tuple(edges),
            (),
            prov.hidden_agency,
        ),
        founder_key(first.date, first.id),
    )
