"""`stories`: the stories of an index, brought up to date with the articles added since the last update.

The stories are a function of the set of articles and the settings (issue 18): an update gives exactly what
one build of all the articles gives, which `copydesk.engine.batch.stories` defines, whatever the order the
articles came in and however many updates brought them. An update runs the stages of
`copydesk.engine.stages` over the index:

1. candidate pairs over the whole index from its fingerprint table (`candidates.fingerprint_pairs`, the
   articles numbered by the global key: date, then id), and the rare-shingle pairs of the two-month windows
   the new articles fall in (`candidates.rare_pairs`);
2. the candidate pairs with a new article verified (`link.verify_many`), and the parts of the new articles'
   wire stories linked (`link.wire_pairs`). A pair of older articles was verified by the update that brought
   the later of the two, and adding articles never makes a pair of older ones a candidate that was not one
   (see `candidates`), so their links can only be retracted: each stored link keeps the bits of the rules
   that propose it (``via``), and one that no rule proposes any more is dropped;
3. every story touched (by a new article, a new or retracted link, a new alias) is rebuilt whole from its
   members and links (`stages.story`): components (a story can split), provenance, aliases beside the
   article holding their text, and its id from its founder (the first member by the global key, aliases
   included). A story id no longer in use (merged, split, or founded by an earlier member now) is retired
   and leads to the story holding its old founder (`copydesk story OLD_ID` follows it).

Everything is stored in one transaction at the end.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from copydesk.align.batch import SharedCounter
from copydesk.config import CompareConfig, StoryConfig
from copydesk.engine import aliases
from copydesk.engine.overlap import prepare
from copydesk.engine.stages import candidates, link
from copydesk.engine.stages.items import Item, item_of, node, node_of
from copydesk.engine.stages.keys import UNDATED, month_of, order_key
from copydesk.engine.stages.story import components, grouping, story
from copydesk.engine.verify import Body, bodies
from copydesk.model import Article, BodyLayout, Evidence, Link, Story
from copydesk.provenance.story import Node
from copydesk.sketch.shingle import word_hashes
from copydesk.store import Store
from copydesk.store.records import MemberNode, StoryHead
from copydesk.store.stories import VIA_KEYS, VIA_SHINGLES, VIA_WIRE

_CHUNK = 2_000
# Candidate pairs verified together (`verify_many`), and threads verifying batches side by side.
_BATCH = 4_000
_THREADS = 2
_CACHE = 600_000

I64 = npt.NDArray[np.int64]


@dataclass(slots=True)
class StoriesUpdate:
    """What one stories update did.

    articles: new articles placed. aliases: new aliases placed. links: new links verified. retracted:
    stored links no rule proposes any more. created: stories with a new id (singles included). grown:
    stored stories rebuilt under their own id. merged: story ids retired (merged into another, split off,
    or founded by an earlier member now; ``merges`` maps each to the story holding its founder).
    pairs_verified: candidate pairs checked on their shingles. seconds: wall time; stage_seconds: per stage
    (candidates, read, rare_shingles, verify, retract, rebuild, save).
    """

    articles: int = 0
    aliases: int = 0
    links: int = 0
    retracted: int = 0
    created: int = 0
    grown: int = 0
    merged: int = 0
    pairs_verified: int = 0
    seconds: float = 0.0
    merges: dict[str, str] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "aliases": self.aliases,
            "links": self.links,
            "links_retracted": self.retracted,
            "stories_created": self.created,
            "stories_grown": self.grown,
            "stories_merged": self.merged,
            "pairs_verified": self.pairs_verified,
            "seconds": round(self.seconds, 3),
            "merges": dict(self.merges),
            "stage_seconds": {k: round(v, 3) for k, v in self.stage_seconds.items()},
        }


class _Clock:
    """Wall time per stage of an update, into ``into`` (stage -> seconds)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.name, self.since = into, "", time.perf_counter()

    def start(self, name: str) -> None:
        now = time.perf_counter()
        if self.name:
            self.into[self.name] = self.into.get(self.name, 0.0) + now - self.since
        self.name, self.since = name, now


class _Items:
    """Articles ready to verify, by id, read from the store in bulk (body shingles from the stored layout;
    an article stored without one is analysed), the most recently used ``size`` kept (about 2 KB each
    for news-sized articles)."""

    def __init__(self, store: Store, shingle_size: int, size: int | None = None) -> None:
        self.store, self.n, self.size = store, shingle_size, size or _CACHE
        self.items: OrderedDict[str, Item] = OrderedDict()

    def load(self, ids: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(ids))
        self.size = max(self.size, len(wanted))  # what is asked for at once always fits
        missing = []
        for i in wanted:  # those held go to the fresh end first: what comes in cannot push them out
            if i in self.items:
                self.items.move_to_end(i)
            else:
                missing.append(i)
        if missing:
            rows = self.store.get_layouts(missing)
            laid = [(a, lay) for a, lay in rows if lay is not None]
            for body in bodies(laid, shingle_size=self.n):
                self.put(item_of(body))
            for art, lay in rows:
                if lay is None:
                    self.put(item_of(_analysed(art, self.n)))

    def put(self, item: Item) -> None:
        self.items[item.article.id or ""] = item
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def __getitem__(self, id_: str) -> Item:
        return self.items[id_]

    def fetch(self, ids: list[str]) -> dict[str, Item]:
        """The items of ``ids``, read when not held."""
        self.load(ids)
        return {i: self.items[i] for i in ids}


def _analysed(article: Article, n: int) -> Body:
    """The `Body` of an article stored without a layout, from its full analysis."""
    p = prepare(article, shingle_size=n)
    return Body(
        article,
        BodyLayout(),
        word_hashes(p.analysis.body_words),
        p.shingles,
        tuple(p.analysis.credits),
        p.shingle_size,
    )


def stored_node(m: MemberNode) -> Node:
    return node(m.id, m.date, m.title, m.outlet, m.credits, m.own_names)


def _verify_all(
    tasks: list[tuple[str, list[str]]], cache: _Items, config: CompareConfig, *, threads: int | None = None
) -> Iterator[Link]:
    """The links among ``tasks`` (article, candidates), in task order, verified a batch at a time: up to
    `_BATCH` pairs and the centre shingles a counter's table holds well. The articles of up to `_BATCH`
    tasks are read together (the cache keeps what the next ones share), and their batches are verified by
    ``threads`` threads (default `_THREADS`; numpy lets go of the interpreter for the bulk of the work), each
    with its own counter."""
    counters = [SharedCounter(config.shingle_size) for _ in range(max(threads or _THREADS, 1))]
    idle = list(counters)
    guard = threading.Lock()

    def run(batch: list[tuple[Item, list[Item]]]) -> list[Link]:
        with guard:
            counter = idle.pop()
        try:
            return link.verify_many(batch, config=config, counter=counter)
        finally:
            with guard:
                idle.append(counter)

    capacity = counters[0].capacity
    with ThreadPoolExecutor(max_workers=len(counters)) as pool:
        for first in range(0, len(tasks), _BATCH):
            chunk = tasks[first : first + _BATCH]
            cache.load([x for i, todo in chunk for x in (i, *todo)])
            batches: list[list[tuple[Item, list[Item]]]] = []
            lo = 0
            while lo < len(chunk):
                hi, pairs, load = lo, 0, 0
                while hi < len(chunk) and pairs < _BATCH and (load < capacity or hi == lo):
                    pairs += len(chunk[hi][1])
                    load += len(cache[chunk[hi][0]].shingles)
                    hi += 1
                batches.append([(cache[i], [cache[c] for c in todo]) for i, todo in chunk[lo:hi]])
                lo = hi
            for links in pool.map(run, batches):
                yield from links


def update(
    store: Store,
    *,
    compare_config: CompareConfig,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None = None,
) -> StoriesUpdate:
    """Bring the stories of ``store`` up to date with the articles (and aliases) added since the last update.

    progress(done, total) is called as the new articles are read. Everything is stored in one transaction
    at the end: a killed update stores nothing, and the next one starts again from the same articles. When
    another process stored an update meanwhile (two ``copydesk stories``, or an export, at once), nothing of
    this one is stored and it starts again from there: it then places only what that one left, often
    nothing, and its summary counts that.
    """
    start = time.perf_counter()
    while True:
        done = _update_once(store, compare_config=compare_config, config=config, progress=progress)
        if done is not None:
            done.seconds = time.perf_counter() - start
            return done


def _among(values: I64, sorted_keys: I64) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in ``sorted_keys`` (sorted, distinct): a binary search each, where `np.isin`
    would sort the big array again for every page of stored links."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return np.asarray(sorted_keys[at] == values, dtype=bool)


def _pair_window(mi: I64, mj: I64) -> I64:
    """The rare-shingle window of each pair of articles of months ``mi`` and ``mj`` (-2: none)."""
    both_undated = (mi == UNDATED) & (mj == UNDATED)
    dated = (mi != UNDATED) & (mj != UNDATED) & (np.abs(mi - mj) <= 1)
    return np.where(both_undated, UNDATED, np.where(dated, np.minimum(mi, mj), -2))


def _update_once(
    store: Store,
    *,
    compare_config: CompareConfig,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None,
) -> StoriesUpdate | None:
    """One try of `update`: None, with nothing stored, when another update was stored meanwhile."""
    summary = StoriesUpdate()
    clock = _Clock(summary.stage_seconds)
    alias_mark, new_alias_mark, pending = store.aliases_pending()
    mark, new_mark, new_ids = store.stories_pending()
    if not new_ids and not pending:
        return summary
    rules = candidates.Rules.of(store.config, compare_config, config)
    cache = _Items(store, compare_config.shingle_size)

    clock.start("candidates")
    # 1. the whole index in the global order, and its candidate pairs from the fingerprints
    keyed = sorted(store.article_keys(), key=lambda k: order_key(k[1], k[0]))
    ids = [i for i, _ in keyed]
    rank = {i: r for r, i in enumerate(ids)}
    n = len(ids)
    span = max(n, 1)
    months = np.fromiter((month_of(d) for _, d in keyed), dtype=np.int64, count=n)
    del keyed
    is_new = np.zeros(n, dtype=bool)
    is_new[np.fromiter((rank[i] for i in new_ids), dtype=np.int64, count=len(new_ids))] = True
    fi, fj = candidates.fingerprint_pairs(*store.fingerprint_table(ids), n, rules=rules)
    by_keys = fi * span + fj  # sorted
    del fi, fj

    clock.start("read")
    # the new articles read once: their nodes, names, and wire headers
    nodes: dict[str, Node] = {}
    own: dict[str, frozenset[str]] = {}
    wired: list[Item] = []
    for lo in range(0, len(new_ids), _CHUNK):
        chunk = new_ids[lo : lo + _CHUNK]
        cache.load(chunk)
        for i in chunk:
            nodes[i], own[i] = node_of(cache[i])
            if cache[i].wire is not None:
                wired.append(cache[i])
        if progress is not None:
            progress(min(lo + _CHUNK, len(new_ids)), len(new_ids))

    clock.start("rare_shingles")
    # 2. rare shingles, in the windows the new articles fall in (each window's articles read at once)
    touched = candidates.windows(months[is_new]) if new_ids else []
    rare_parts: list[I64] = []
    for w in touched:
        members = np.flatnonzero(candidates.in_window(months, w))
        if len(members) < 2 or not is_new[members].any():
            continue
        names = [ids[m] for m in members.tolist()]
        got = cache.fetch(names)
        ri, rj, _ = candidates.rare_pairs(
            [got[x].shingles for x in names], months[members], rules=rules, only=[w]
        )
        rare_parts.append(members[ri] * span + members[rj])
    by_shingles = np.unique(np.concatenate(rare_parts)) if rare_parts else np.zeros(0, dtype=np.int64)

    clock.start("verify")
    # 3. the candidate pairs with a new article, verified; the via bits of each
    codes = np.union1d(by_keys, by_shingles)
    pi, pj = codes // span, codes % span
    fresh = is_new[pi] | is_new[pj]
    codes, pi, pj = codes[fresh], pi[fresh], pj[fresh]
    via_new = np.where(_among(codes, by_keys), VIA_KEYS, 0) | np.where(
        _among(codes, by_shingles), VIA_SHINGLES, 0
    )
    tasks: list[tuple[str, list[str]]] = []
    cut = np.flatnonzero(np.diff(pi)) + 1
    for first, rest in zip(np.split(pi, cut), np.split(pj, cut), strict=True):
        if len(first):
            tasks.append((ids[int(first[0])], [ids[j] for j in rest.tolist()]))
    summary.pairs_verified = len(codes)
    links: dict[tuple[str, str], Link] = {
        (ln.a, ln.b): ln for ln in _verify_all(tasks, cache, compare_config)
    }
    del tasks
    # each link's via bits, looked up in bulk (a dict of every candidate pair would hold millions)
    ra = np.fromiter((rank[a] for a, _ in links), dtype=np.int64, count=len(links))
    rb = np.fromiter((rank[b] for _, b in links), dtype=np.int64, count=len(links))
    at = np.searchsorted(codes, np.minimum(ra, rb) * span + np.maximum(ra, rb))
    via_of = dict(zip(links, via_new[at].tolist(), strict=True))
    del codes, pi, pj, via_new, ra, rb, at

    # the parts of the new articles' wire stories: every two of them, whether or not they share text
    if wired:
        keys = sorted({it.wire.story_key for it in wired if it.wire is not None})
        parts = [i for i in store.wire_ids(keys) if i in rank and i not in nodes]
        held = cache.fetch(parts)
        pairs = link.wire_pairs([*held.values(), *wired], new=set(new_ids))
        for x, y in pairs:
            key = (x.article.id or "", y.article.id or "")
            if key in links:
                via_of[key] |= VIA_WIRE
        for ln in link.wire_links(
            [(x, y) for x, y in pairs if (x.article.id, y.article.id) not in links], config=compare_config
        ):
            links[(ln.a, ln.b)] = ln
            via_of[(ln.a, ln.b)] = VIA_WIRE

    clock.start("retract")
    # 4. the stored links: those no rule proposes any more are retracted, the others keep the bits of the
    # rules that still propose them
    dropped: list[tuple[str, str]] = []
    via_changed: list[tuple[str, str, int]] = []
    for page in store.link_ends():
        at_a = np.fromiter((rank.get(x, -1) for x, _, _ in page), dtype=np.int64, count=len(page))
        at_b = np.fromiter((rank.get(y, -1) for _, y, _ in page), dtype=np.int64, count=len(page))
        before = np.fromiter((v for _, _, v in page), dtype=np.int64, count=len(page))
        gone = (at_a < 0) | (at_b < 0)
        at_a, at_b = np.where(gone, 0, at_a), np.where(gone, 0, at_b)
        low, high = np.minimum(at_a, at_b), np.maximum(at_a, at_b)
        code = low * span + high
        gone |= is_new[low] | is_new[high]  # an id stored again (its text's holder changed): verified afresh
        keys_bit = np.where(_among(code, by_keys), VIA_KEYS, 0)
        win = _pair_window(months[low], months[high])
        recheck = np.isin(win, np.asarray(touched, dtype=np.int64))
        shingle_bit = np.where(
            (before & VIA_SHINGLES) != 0,
            np.where(recheck, np.where(_among(code, by_shingles), VIA_SHINGLES, 0), VIA_SHINGLES),
            0,
        )
        after = np.where(gone, 0, keys_bit | shingle_bit | (before & VIA_WIRE))
        for k in np.flatnonzero(after != before).tolist():
            end_a, end_b, _ = page[k]
            if after[k] == 0:
                dropped.append((end_a, end_b))
            else:
                via_changed.append((end_a, end_b, int(after[k])))
    summary.retracted = len(dropped)
    del by_keys, by_shingles

    clock.start("rebuild")
    # 5. the stories touched, rebuilt whole
    affected = {*new_ids, *(x for ln in links for x in ln), *(x for p in dropped for x in p)}
    affected |= {x for pair in pending for x in pair}  # an alias may have held its text before
    gone_pairs = set(dropped)
    replaced_set: set[str] = set()
    heads: dict[str, StoryHead] = {}
    stored: list[MemberNode] = []
    touching: dict[tuple[str, str], Link] = dict(links)  # the new links, and the stored ones read below
    wanted = set(store.story_of(sorted(affected)).values())
    while True:
        # the stories to rebuild, and every link of their members; an article of them whose best weak
        # link now leads to another story (its strong or best link retracted) brings that story in too
        more = sorted(wanted - replaced_set)
        replaced_set.update(more)
        heads.update(store.story_heads(more))
        fresh = [m for m in store.story_nodes(more) if m.id in rank and m.id not in nodes]
        for m in fresh:
            nodes[m.id] = stored_node(m)
            own[m.id] = m.own_names
        stored += fresh
        for ln in store.links_of([m.id for m in fresh]):
            key = (ln.a, ln.b)
            if ln.a in rank and ln.b in rank and key not in gone_pairs and key not in links:
                touching[key] = ln
        grouped = grouping(touching.values(), config=config, among=nodes)
        outside = sorted({x for pair in grouped for x in pair if x not in nodes})
        wanted = set(store.story_of(outside).values()) - replaced_set
        if not wanted:
            break
    replaced = sorted(replaced_set)
    region = sorted(nodes)
    inside = {key: ln for key, ln in touching.items() if key[0] in nodes and key[1] in nodes}
    # the aliases of the region: those placed before as they were placed (their node is a function of
    # their record and their text), the others read with the text they share
    placed = {m.id: m for m in store.alias_nodes(replaced)}
    fresh_aliases = {a for a, _ in pending}
    alias_nodes: dict[str, list[Node]] = {}
    to_read: list[tuple[str, str]] = []
    for a, h in aliases.pairs_of(store, region, new_alias_mark):
        known = placed.get(a)
        if known is not None and a not in fresh_aliases and known.parent == h:
            alias_nodes.setdefault(h, []).append(stored_node(known))
            own[a] = known.own_names
        else:
            to_read.append((a, h))
    for h, found in aliases.nodes(store, cache.fetch, to_read, own).items():
        alias_nodes.setdefault(h, []).extend(found)
    computed: dict[tuple[str, str], tuple[Evidence, ...]] = {}

    def evidence_of(ln: Link) -> tuple[Evidence, ...]:
        """The evidence of a link that becomes an edge: stored with the link once computed (links are
        verified and stored without it; it follows from the link's figures and the two articles)."""
        if ln.evidence:
            return ln.evidence
        got = cache.fetch([ln.a, ln.b])
        found = link.evidence(got[ln.a], got[ln.b], ln, config=compare_config)
        computed[(ln.a, ln.b)] = found
        return found

    by_member: dict[str, list[Link]] = {}
    for ln in inside.values():
        by_member.setdefault(ln.a, []).append(ln)
    out: list[tuple[Story, str]] = []
    story_of_member: dict[str, str] = {}
    for group in components(region, [(x, y) for x, y in grouped if x in nodes and y in nodes]):
        group_nodes = {i: nodes[i] for i in group}
        mine = [ln for i in group for ln in by_member.get(i, ())]
        built, founder = story(group_nodes, mine, alias_nodes, config=config, evidence=evidence_of)
        out.append((built, founder))
        for member in built.members:
            story_of_member[member.id] = built.id

    # 6. story ids no longer in use lead to the story holding their founder
    made = {s.id for s, _ in out}
    retired: dict[str, str] = {}
    for sid in replaced:
        if sid in made:
            continue
        was = heads[sid].founder.split(" ", 1)[1] if sid in heads else ""
        into = story_of_member.get(was)
        if into is None:  # its founder left the index's articles (now an alias of an earlier id)
            into = next((story_of_member[m.id] for m in stored if m.id in story_of_member), None)
        if into is not None:
            retired[sid] = into
    history: dict[str, list[str]] = {}
    for sid, into in retired.items():
        history.setdefault(into, []).extend([sid, *(heads[sid].merged if sid in heads else ())])
    out = [(_with_history(s, history.get(s.id, ())), f) for s, f in out]
    summary.created = len(made - set(replaced))
    summary.grown = len(made & set(replaced))
    summary.merged = len(retired)
    summary.merges = retired

    wire_rows = [(it.wire.story_key, it.article.id or "") for it in wired if it.wire is not None]
    clock.start("save")
    saved = store.save_stories(
        marks=(mark, new_mark),
        alias_marks=(alias_mark, new_alias_mark),
        links=[(ln, via_of[key]) for key, ln in links.items()],
        evidence=computed,
        dropped=dropped,
        via=via_changed,
        stories=out,
        replaced=replaced,
        own_names=own,
        retired=retired,
        wire=wire_rows,
    )
    clock.start("")
    if not saved:
        return None
    summary.articles = len(new_ids)
    summary.aliases = len(pending)
    summary.links = len(links)
    return summary


def _with_history(s: Story, merged: Iterable[str]) -> Story:
    old = sorted({*s.merged, *merged} - {s.id})
    return s if not old else dataclasses.replace(s, merged=tuple(old))
