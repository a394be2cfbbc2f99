"""What the stages keep of an article to link and place it without its text: `Item` (from its `Body`, see
`copydesk.engine.verify`), and its provenance `Node` (`node_of`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.engine.compare import side_signals
from copydesk.engine.verify import Body
from copydesk.model import Article
from copydesk.provenance.story import Node
from copydesk.provenance.verdict import SideSignals
from copydesk.text.boilerplate import CreditSpan
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
    return Item(
        dataclasses.replace(art, text="", body_start=0, meta={}),
        body.shingles,
        body.words,
        body.credits,
        side_signals(art, body.credits, body.words, 0.0, 0, 0),
        wire_header(art.text),
        body.shingle_size,
    )


def node_of(b: Item) -> tuple[Node, frozenset[str]]:
    """The provenance node of an article, and the names it goes by."""
    s = b.signals
    outlet_names = {n.lower() for n in (b.article.outlet, s.wire) if n}
    credits = sorted({n for n in s.agencies | s.origins if n.lower() not in outlet_names})
    art = b.article
    node = Node(
        id=art.id or "",
        date=art.date,
        title=art.title,
        outlet=art.outlet,
        credits=tuple(credits),
        own_names=s.own_names,
    )
    return node, s.own_names
