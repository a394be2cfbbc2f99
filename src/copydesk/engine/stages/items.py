"""What the stages keep of an article to link and place it without its text: `Item` (from its `Body`, see
`copydesk.engine.verify`), and its provenance `Node` (`node_of`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.engine.compare import side_signals
from copydesk.engine.verify import Body
from copydesk.model import Article
from copydesk.provenance.story import Node
from copydesk.provenance.verdict import SideSignals
from copydesk.text.boilerplate import CreditSpan, canonical_agency
from copydesk.text.wire import WireHeader, wire_header


@dataclass(frozen=True, slots=True)
class Item:
    """What linking and placing an article needs, without its text: its record (``text`` left empty), its
    body shingles in order (``shingle_size`` words wide), its number of body words, its credits, and the
    verdict's signals of it but its containment."""

    article: Article
    shingles: npt.NDArray[np.uint64]
    words: int
    credits: tuple[CreditSpan, ...]
    signals: SideSignals
    wire: WireHeader | None = None
    shingle_size: int | None = None


def item_of(body: Body) -> Item:
    art = body.article
    header = wire_header(art.text)
    return Item(
        dataclasses.replace(art, text="", body_start=0, meta={}),
        body.shingles,
        body.words,
        body.credits,
        side_signals(art, body.credits, body.words, 0.0, 0, 0, sent=None if header is None else header.sent),
        header,
        body.shingle_size,
    )


def node_of(b: Item) -> tuple[Node, frozenset[str]]:
    """The provenance node of an article, and the names it goes by."""
    s = b.signals
    outlet_names = {n.lower() for n in (b.article.outlet, s.wire) if n}
    credits = sorted({n for n in s.agencies | s.origins if n.lower() not in outlet_names})
    art = b.article
    return node(art.id or "", art.date, art.title, art.outlet, tuple(credits), s.own_names), s.own_names


def names_agency(name: str) -> bool:
    """Whether a credited name names an agency: a known one in its usual spelling, or a name in capitals (as
    datelines name theirs: "(CPA) -"). The test `side_signals` puts wire, photo, "contributed" and dateline
    credits to; the site or paper of an "originally published by" footer passes it only when written so."""
    return canonical_agency(name) == name or name.isupper()


def node(
    id_: str,
    date: dt.date | None,
    title: str | None,
    outlet: str | None,
    credits: tuple[str, ...],
    own_names: frozenset[str],
) -> Node:
    """The provenance node of an article from what the stories keep of it (its record, the names it credits
    and the names it goes by): its agency credits and the agency it is follow from those, so a node read
    back from the store is the node first built."""
    return Node(
        id=id_,
        date=date,
        title=title,
        outlet=outlet,
        credits=credits,
        own_names=own_names,
        agencies=tuple(c for c in credits if names_agency(c)),
        wire=canonical_agency(outlet),
    )
