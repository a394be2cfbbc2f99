"""Stages 4 and 5, cluster and provenance: links to components, and a component to its story.

`components` groups the articles by their links (every article in exactly one group, a single alone).
`story` turns one group into its `Story`: the provenance tree over its links (see
`copydesk.provenance.story`), the aliases (other ids of a member's text) beside the member holding the
text, and the id from the founder (the first member by the global key, aliases included). Each is a
function of its input only: the story of a group is the same whichever driver builds it, and whatever the
history of updates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from copydesk.config import StoryConfig
from copydesk.engine.stages.keys import FAR, founder_key, order_key, story_id
from copydesk.model import HIDDEN, Link, Story, StoryMember
from copydesk.provenance.story import EvidenceOf, Node, alias_member, cluster, provenance


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
    ``evidence`` gives the evidence of a link that becomes an edge."""
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
