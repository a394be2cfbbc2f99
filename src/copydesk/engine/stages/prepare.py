"""Stage 1, prepare: articles to what the other stages need of them.

`fingerprints` gives each article's band keys and passage fingerprints (exactly what `add` stores);
`items` each article's `Item` (its body shingles, words, credits and signals, from its body layout, the
one `add` stores). `holders` chooses, among the ids of one identical text, the one that holds it: the first
by the global key (date, then id), whatever came first (issue 18, R3). All pure: lists in, lists out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from copydesk.config import IndexConfig
from copydesk.engine.stages.items import Item, item_of
from copydesk.engine.stages.keys import order_key
from copydesk.engine.verify import bodies
from copydesk.model import Article, BodyLayout, Fingerprints
from copydesk.sketch.batch import fingerprint_batch
from copydesk.text.layout import body_layouts


def fingerprints(articles: Sequence[Article], *, config: IndexConfig) -> list[Fingerprints]:
    """The fingerprints `add` stores for each of ``articles``, in order."""
    return fingerprint_batch(
        [a.text for a in articles], config=config, starts=[a.body_start for a in articles]
    )


def layouts(articles: Sequence[Article]) -> list[BodyLayout]:
    """The body layout `add` stores for each of ``articles``."""
    return body_layouts([a.text for a in articles], [a.body_start for a in articles])


def items(
    articles: Sequence[Article], *, shingle_size: int, laid: Sequence[BodyLayout] | None = None
) -> list[Item]:
    """The `Item` of each of ``articles``, in order, from its body layout (``laid``, or computed)."""
    lays = layouts(articles) if laid is None else laid
    return [item_of(b) for b in bodies(list(zip(articles, lays, strict=True)), shingle_size=shingle_size)]


def holders(texts: Iterable[tuple[str, dt.date | None, object]]) -> dict[str, str]:
    """``(id, date, text key)`` of articles, where equal text keys mean identical texts: each id -> the id
    holding its text, the first of them by the global key (an id holding its text maps to itself)."""
    first: dict[object, tuple[tuple[dt.date, str], str]] = {}
    seen: list[tuple[str, object]] = []
    for id_, date, key in texts:
        k = order_key(date, id_)
        if key not in first or k < first[key][0]:
            first[key] = (k, id_)
        seen.append((id_, key))
    return {id_: first[key][1] for id_, key in seen}
