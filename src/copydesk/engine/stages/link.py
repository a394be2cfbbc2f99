"""Stage 3, link: verify candidate pairs on the shingles of both bodies, with the figures and verdict
`compare` gives, and link the takes and versions of one wire story (`wire_pairs`, `wire_links`).

A pair's link depends on the two articles only (their items), so the links are a function of the
candidate pairs whatever the batch they are verified in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from copydesk.align.batch import SharedCounter
from copydesk.config import CompareConfig
from copydesk.engine.overlap import related_many
from copydesk.engine.stages.items import Item
from copydesk.model import Evidence, Link
from copydesk.provenance.verdict import verdict, verdict_many

# Confidence of a link between parts of one wire story: their headers say so (a header can be wrong).
WIRE_CONFIDENCE = 0.9


def _sizes(centres: Sequence[Item], others: Sequence[Item], n: int) -> dict[str, list[int]]:
    """`SharedCounter.shared_words`'s per-text shingle widths when some item's is not ``n`` (a text read
    in characters), else nothing (all ``n``)."""
    if all(i.shingle_size in (None, n) for i in (*centres, *others)):
        return {}
    return {
        "centre_sizes": [n if i.shingle_size is None else i.shingle_size for i in centres],
        "other_sizes": [n if i.shingle_size is None else i.shingle_size for i in others],
    }


def verify_many(
    tasks: Sequence[tuple[Item, Sequence[Item]]],
    *,
    config: CompareConfig,
    counter: SharedCounter | None = None,
) -> list[Link]:
    """The links between each article of ``tasks`` and each of its candidates that the engine calls related,
    with exactly the figures `overlap` (so `compare`) computes: each side's words lying in a shingle the
    other has. Each link has the smaller id as its side a, and the verdict and confidence `verdict` gives,
    but no evidence (`evidence` gives it for the links a view shows).

    All pairs are counted in one pass (`SharedCounter`; pass one to reuse its table) and weighed in one
    pass (`verdict_many`).
    """
    centres = [a for a, _ in tasks]
    centre_of = [t for t, (_, others) in enumerate(tasks) for _ in others]
    others = [b for _, bs in tasks for b in bs]
    if not others:
        return []
    shared_a, shared_b = (counter or SharedCounter(config.shingle_size)).shared_words(
        [a.shingles for a in centres],
        [a.words for a in centres],
        centre_of,
        [b.shingles for b in others],
        [b.words for b in others],
        **_sizes(centres, others, config.shingle_size),
    )
    count = len(others)
    words_a = np.fromiter((centres[t].words for t in centre_of), dtype=np.int64, count=count)
    words_b = np.fromiter((b.words for b in others), dtype=np.int64, count=count)
    c_a = np.divide(shared_a, words_a, out=np.zeros(count), where=words_a > 0)
    c_b = np.divide(shared_b, words_b, out=np.zeros(count), where=words_b > 0)
    shared = np.maximum(shared_a, shared_b)
    keep = np.flatnonzero(related_many(c_a, c_b, shared, config)).tolist()
    if not keep:
        return []
    xs: list[Item] = []
    ys: list[Item] = []
    swap = np.zeros(len(keep), dtype=bool)
    for k, p in enumerate(keep):
        a, b = centres[centre_of[p]], others[p]
        if (b.article.id or "") < (a.article.id or ""):
            a, b = b, a
            swap[k] = True
        xs.append(a)
        ys.append(b)
    c_x = np.where(swap, c_b[keep], c_a[keep])
    c_y = np.where(swap, c_a[keep], c_b[keep])
    verdicts, confidence = verdict_many(
        [x.signals for x in xs],
        [y.signals for y in ys],
        c_x,
        c_y,
        shared[keep],
        related_containment=config.related_containment,
        min_shared_words=config.min_shared_words,
    )
    return [
        Link(x.article.id or "", y.article.id or "", cx, cy, s, v, conf)
        for x, y, cx, cy, s, v, conf in zip(
            xs,
            ys,
            c_x.tolist(),
            c_y.tolist(),
            shared[keep].tolist(),
            verdicts,
            confidence.tolist(),
            strict=True,
        )
        if v != "unrelated"  # never: the decision above is the verdict's own threshold
    ]


def evidence(a: Item, b: Item, link: Link, *, config: CompareConfig) -> tuple[Evidence, ...]:
    """The evidence of the verdict of ``link`` between ``a`` (its side a) and ``b``: `verdict` on the
    link's figures, which gives the link's verdict and confidence again."""
    _, _, found = verdict(
        dataclasses.replace(a.signals, containment=link.containment_a),
        dataclasses.replace(b.signals, containment=link.containment_b),
        shared_words=link.shared_words,
        related_containment=config.related_containment,
        min_shared_words=config.min_shared_words,
    )
    return tuple(found)


def _wire_detail(a: Item, b: Item) -> str:
    ha, hb = a.wire, b.wire
    assert ha is not None and hb is not None
    slugs = f"'{ha.slug}'" if ha.slug == hb.slug else f"'{ha.slug}' and '{hb.slug}'"
    return (
        f"{a.article.id} and {b.article.id} carry the transmission headers of one wire story, {slugs} of "
        f"{ha.date.isoformat()} (take {ha.page} sent at {ha.time}, take {hb.page} at {hb.time}): parts or "
        "versions of one text, sent apart"
    )


def wire_pairs(items: Sequence[Item], *, new: set[str] | None = None) -> list[tuple[Item, Item]]:
    """The pairs (a, b), ``a.id < b.id``, of ``items`` that are parts of one wire story (equal
    `WireHeader.story_key`): every two of them (a wire story has a handful of takes), a pair at a time, so
    the answer does not depend on which came first. With ``new``: only the pairs with one of those ids."""
    groups: dict[str, list[Item]] = {}
    for it in items:
        if it.wire is not None:
            groups.setdefault(it.wire.story_key, []).append(it)
    out: list[tuple[Item, Item]] = []
    for key in sorted(groups):
        parts = sorted(groups[key], key=lambda it: it.article.id or "")
        for x in range(len(parts)):
            for y in range(x + 1, len(parts)):
                a, b = parts[x], parts[y]
                if a.article.id == b.article.id:
                    continue
                if new is None or a.article.id in new or b.article.id in new:
                    out.append((a, b))
    return out


def wire_links(pairs: Sequence[tuple[Item, Item]], *, config: CompareConfig) -> list[Link]:
    """The links of the parts of one wire story ``pairs`` (as `wire_pairs` gives them), which share a story
    whether or not they share text: each with the pair's measured figures, the verdict ``common_source``
    (the whole story is their parent) with confidence `WIRE_CONFIDENCE`, and its evidence."""
    if not pairs:
        return []
    shared_x, shared_y = SharedCounter(config.shingle_size).shared_words(
        [x.shingles for x, _ in pairs],
        [x.words for x, _ in pairs],
        list(range(len(pairs))),
        [y.shingles for _, y in pairs],
        [y.words for _, y in pairs],
        **_sizes([x for x, _ in pairs], [y for _, y in pairs], config.shingle_size),
    )
    out = []
    for (x, y), sx, sy in zip(pairs, shared_x.tolist(), shared_y.tolist(), strict=True):
        cx = sx / x.words if x.words else 0.0
        cy = sy / y.words if y.words else 0.0
        why = Evidence("wire_story", "common_source", WIRE_CONFIDENCE, _wire_detail(x, y))
        out.append(
            Link(
                x.article.id or "",
                y.article.id or "",
                cx,
                cy,
                max(sx, sy),
                "common_source",
                WIRE_CONFIDENCE,
                (why,),
            )
        )
    return out
