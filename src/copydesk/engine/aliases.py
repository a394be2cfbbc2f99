"""Aliases in the stories: the other ids of a stored text, placed beside the article holding it.

An alias (see `copydesk.store.schema`) is a member of the story of the article holding its text, with role
``alias`` and that article as its parent, and no edge of its own: it runs the very same text, so it stands in
the provenance where that article stands. Its credits are the text's credits read with its own names (an
outlet crediting an agency credits it; the agency's own copy does not credit itself), and it credits its
source, or is uncredited, as that article does (same text, same credit lines, judged against the same source;
see `copydesk.provenance.story.alias_member`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

from copydesk.engine.compare import side_signals
from copydesk.engine.stages.items import Item, node_of
from copydesk.model import StoryMember
from copydesk.provenance.story import Node, alias_member
from copydesk.store import Store

_CHUNK = 2_000  # aliases read at a time
Nodes = dict[str, list[Node]]  # article id -> the provenance nodes of its aliases, in the order they came


class Holder(Protocol):
    """An article's place in its story, as the aliases of its text take it (a `StoryMember`, or a stored
    `copydesk.store.records.MemberNode`)."""

    @property
    def id(self) -> str: ...
    @property
    def credits_source(self) -> bool: ...
    @property
    def uncredited(self) -> bool: ...


def pairs_of(store: Store, ids: Iterable[str], upto: int) -> list[tuple[str, str]]:
    """(alias, article) of every alias of ``ids`` up to the aliases' mark ``upto``."""
    return [(a, h) for h, found in store.aliases_of(sorted(ids), upto=upto).items() for a in found]


def nodes(
    store: Store,
    items: Callable[[list[str]], Mapping[str, Item]],
    pairs: Sequence[tuple[str, str]],
    own: dict[str, frozenset[str]],
) -> Nodes:
    """The nodes of the aliases ``pairs`` (alias, article holding its text), by article, each read with its
    own record and the credits of the text; the names each goes by into ``own``. ``items`` gives the
    articles' `Item` by id."""
    out: Nodes = {}
    for lo in range(0, len(pairs), _CHUNK):  # the aliases' records are read with the text they share
        chunk = pairs[lo : lo + _CHUNK]
        held = items(sorted({h for _, h in chunk}))
        for art, (_, h) in zip(store.get_many([a for a, _ in chunk]), chunk, strict=True):
            item = held[h]
            signals = side_signals(art, item.credits, item.words, 0.0, 0, 0)
            bare = dataclasses.replace(art, text="", body_start=0, meta={})
            node, names = node_of(dataclasses.replace(item, article=bare, signals=signals))
            own[node.id] = names
            out.setdefault(h, []).append(node)
    return out


def members(found: Nodes, holders: Iterable[Holder]) -> list[StoryMember]:
    """The members of the aliases of ``holders`` (their members as placed now)."""
    return [
        alias_member(n, m.id, credits_source=m.credits_source, uncredited=m.uncredited)
        for m in holders
        for n in found.get(m.id, ())
    ]
