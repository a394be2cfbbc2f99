"""The stories of a set of articles held in memory: the stages of `copydesk.engine.stages`, run once
over the whole set. This is the definition the other drivers are held to: the stories an index gives after
any number of updates (`copydesk.engine.stories`), and those of the Spark backend, equal these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.compare import side_signals
from copydesk.engine.stages import candidates, link, prepare
from copydesk.engine.stages.items import Item, node_of
from copydesk.engine.stages.keys import month_of, order_key
from copydesk.engine.stages.story import components, grouping, story
from copydesk.model import Article, Evidence, Link, Story
from copydesk.provenance.story import Node

# Candidate pairs verified together (`link.verify_many`).
_BATCH = 4_000


@dataclass(frozen=True, slots=True)
class Stories:
    """The stories of a set: ``stories`` (each with its founder key), biggest first then by founder;
    ``links`` every verified link, by (a, b); ``holder`` the id holding each alias's text."""

    stories: tuple[tuple[Story, str], ...]
    links: tuple[Link, ...]
    holder: dict[str, str]


def fingerprint_table(
    articles: Sequence[Article], *, config: IndexConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(band keys, their owners, passage fingerprints, their owners) of ``articles``, owners numbering them
    in the order given."""
    fps = prepare.fingerprints(articles, config=config)
    counts_b = [len(f.band_keys) for f in fps]
    counts_p = [len(f.passages) for f in fps]
    empty = np.zeros(0, dtype=np.uint64)
    b = np.concatenate([f.band_keys for f in fps]).astype(np.uint64) if fps else empty
    p = np.concatenate([f.passages for f in fps]).astype(np.uint64) if fps else empty
    owners = np.arange(len(fps), dtype=np.int64)
    return b, np.repeat(owners, counts_b), p, np.repeat(owners, counts_p)


def verify(pairs: Sequence[tuple[Item, Item]], *, config: CompareConfig) -> list[Link]:
    """The links of ``pairs`` the engine calls related, verified `_BATCH` pairs at a time."""
    out: list[Link] = []
    for lo in range(0, len(pairs), _BATCH):
        out += link.verify_many([(a, [b]) for a, b in pairs[lo : lo + _BATCH]], config=config)
    return out


def alias_node(alias: Article, holder: Item) -> tuple[Node, frozenset[str]]:
    """The provenance node of ``alias``, which runs the text of ``holder``: its own record, the text's
    credits read with its own names."""
    bare = dataclasses.replace(alias, text="", body_start=0, meta={})
    signals = side_signals(alias, holder.credits, holder.words, 0.0, 0, 0)
    return node_of(dataclasses.replace(holder, article=bare, signals=signals))


def stories(
    articles: Sequence[Article],
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
) -> Stories:
    """The stories of ``articles`` (distinct ids), built by the stages in one pass."""
    cfg, ccfg, scfg = (
        config or IndexConfig(),
        compare_config or CompareConfig(),
        story_config or StoryConfig(),
    )
    rules = candidates.Rules.of(cfg, ccfg, scfg)
    holder = prepare.holders((a.id or "", a.date, a.text) for a in articles)
    arts = sorted(
        (a for a in articles if holder[a.id or ""] == a.id), key=lambda a: order_key(a.date, a.id or "")
    )
    b, bo, p, po = fingerprint_table(arts, config=cfg)
    fi, fj = candidates.fingerprint_pairs(b, bo, p, po, len(arts), rules=rules)
    items = prepare.items(arts, shingle_size=ccfg.shingle_size)
    months = np.asarray([month_of(a.date) for a in arts], dtype=np.int64)
    ri, rj, _ = candidates.rare_pairs([it.shingles for it in items], months, rules=rules)
    span = max(len(arts), 1)
    codes = np.unique(np.concatenate((fi * span + fj, ri * span + rj)))
    pairs = [(items[int(c) // span], items[int(c) % span]) for c in codes.tolist()]
    found = {(ln.a, ln.b): ln for ln in verify(pairs, config=ccfg)}
    wired = [(x, y) for x, y in link.wire_pairs(items) if (x.article.id, y.article.id) not in found]
    for ln in link.wire_links(wired, config=ccfg):
        found[(ln.a, ln.b)] = ln
    by_id = {it.article.id or "": it for it in items}
    nodes = {i: node_of(it)[0] for i, it in by_id.items()}
    alias_nodes: dict[str, list[Node]] = {}
    for a in articles:
        h = holder[a.id or ""]
        if h != a.id:
            alias_nodes.setdefault(h, []).append(alias_node(a, by_id[h])[0])

    def evidence_of(ln: Link) -> tuple[Evidence, ...]:
        return ln.evidence or link.evidence(by_id[ln.a], by_id[ln.b], ln, config=ccfg)

    by_member: dict[str, list[Link]] = {}
    for ln in found.values():
        by_member.setdefault(ln.a, []).append(ln)
    out: list[tuple[Story, str]] = []
    for group in components(by_id, grouping(found.values(), config=scfg)):
        members = {i: nodes[i] for i in group}
        inside = [ln for i in group for ln in by_member.get(i, ())]
        out.append(story(members, inside, alias_nodes, config=scfg, evidence=evidence_of))
    out.sort(key=lambda s: (-s[0].size, s[1]))
    return Stories(tuple(out), tuple(sorted(found.values(), key=lambda ln: (ln.a, ln.b))), holder)
