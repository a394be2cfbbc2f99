"""`stories`: group the index into stories with provenance, incrementally.

Each update takes the articles added since the last one. Candidates come from two places: for each new
article, the index proposes stored articles (LSH bands and passage fingerprints, as `find` does); among the
new articles, every pair sharing a few rare 3-word shingles is proposed too (`copydesk.sketch.pairs`), which
catches rewrites whose shared runs are too short for the index's fingerprints. Every candidate pair is
verified on the real shingles of both bodies, exactly as `compare` computes its figures; a pair the engine
calls related becomes a stored `Link` with its verdict. (So a rewrite added later is found in the stories
it joins only through the index's fingerprints; building the stories once after the bulk of the corpus is
added sees every pair.) The new links join the new articles to each other and to existing stories:

- an article with no link starts a story of its own;
- an article linked into one story joins it (the story keeps its id);
- an article linked into several stories merges them: the oldest story keeps its id, the others are retired
  and the merge is recorded;
- the provenance of every story that changed is rebuilt from its stored links and members (see
  `copydesk.provenance.story`), so an article that predates the current root becomes the new root.

A new story's id is ``s-`` and the 64-bit xxHash (hex) of its founding article's id: the earliest member by
date, then id (aliases included). So building from scratch gives the same ids whatever the input order, and
an id never changes afterwards.

Aliases (the same text stored under another id, see `copydesk.store.schema`) take no part in the links or
the provenance: each is placed beside the article holding its text, in that article's story, as a member
with role ``alias`` (see `copydesk.engine.aliases` for its credits), in the same update as that article or,
when it comes later, in the next one (patched into the stored story). The story's size counts them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from copydesk.align.batch import SharedCounter
from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine import aliases
from copydesk.engine.overlap import prepare
from copydesk.engine.stages.items import Item, item_of, node_of
from copydesk.engine.stages.link import evidence, verify_many, wire_links, wire_pairs
from copydesk.engine.verify import Body, bodies
from copydesk.model import Article, BodyLayout, Evidence, Fingerprints, Link, Story
from copydesk.provenance.story import EvidenceOf, Node, attach, cluster, provenance
from copydesk.sketch.pairs import grouped_pairs, shared_shingle_pairs
from copydesk.sketch.shingle import word_hashes
from copydesk.store import Store
from copydesk.store.records import MemberNode, StoryHead, StoryPatch

# Share of the smaller article's passage fingerprints a passage candidate must share (see `proposed`).
MIN_FP_SHARE = 0.04
_CHUNK = 2_000
# New articles per look-up of their older candidates: a postings block shared by several of them is read
# once per look-up (fewer, larger look-ups read less), and the postings found are held until it ends.
_OLDER = 10_000
# Candidate pairs verified together (`verify_many`), and threads verifying batches side by side.
_BATCH = 4_000
_THREADS = 2
_CACHE = 600_000
# Candidate pairs from shared keys (see `grouped_pairs`): all pairs of a group up to `_CLIQUE` articles;
# in bigger groups each article with the `_WINDOW` before it and with the `_ANCHORS` first ones.
_CLIQUE = 24
_WINDOW = 4
_ANCHORS = 2
_FAR = dt.date.max
# Confidence of a link between parts of one wire story: their headers say so (a header can be wrong).
_WIRE_CONFIDENCE = 0.9


@dataclass(slots=True)
class StoriesUpdate:
    """What one stories update did.

    articles: new articles placed. aliases: new aliases placed. links: verified links found. created: new stories (singles included).
    grown: existing stories that took new articles. merged: stories retired into another. pairs_verified:
    candidate pairs checked on their shingles. seconds: wall time.
    """

    articles: int = 0
    aliases: int = 0
    links: int = 0
    created: int = 0
    grown: int = 0
    merged: int = 0
    pairs_verified: int = 0
    seconds: float = 0.0
    merges: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "aliases": self.aliases,
            "links": self.links,
            "stories_created": self.created,
            "stories_grown": self.grown,
            "stories_merged": self.merged,
            "pairs_verified": self.pairs_verified,
            "seconds": round(self.seconds, 3),
            "merges": dict(self.merges),
        }


def story_id(founder: str) -> str:
    return "s-" + xxhash.xxh64_hexdigest(founder.encode("utf-8", "surrogatepass"))


def stored_node(m: MemberNode) -> Node:
    return Node(m.id, m.date, m.title, m.outlet, m.credits, m.own_names)


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
        article, BodyLayout(), word_hashes(p.analysis.body_words), p.shingles, tuple(p.analysis.credits)
    )


def proposed(store: Store, fp: Fingerprints, config: IndexConfig, *, exclude: str | None) -> dict[str, int]:
    """Stored articles the fingerprints ``fp`` propose, with the number of bands and passage fingerprints
    shared (`Index.candidates` and the stories ask the same way).

    A passage candidate must share at least ``min_shared_fingerprints`` fingerprints, and at least
    `MIN_FP_SHARE` of the smaller side's (the query's or its own): too few to reach the engine's decision
    on any but a tiny article otherwise, so not worth verifying. A rule on the pair alone, the same whichever
    of the two is the query (issue 18).
    """
    if fp.words == 0:
        return {}
    found = dict(store.band_candidates(fp.band_keys, exclude=exclude))
    for other, (n, _) in store.passage_shares(
        fp.passages,
        max_postings=config.max_postings,
        min_shared=config.min_shared_fingerprints,
        min_share=MIN_FP_SHARE,
        min_own_share=MIN_FP_SHARE,
        exclude=exclude,
    ).items():
        found[other] = found.get(other, 0) + n
    return found


def _fingerprint_pairs(store: Store, ids: list[str], *, limit: int) -> tuple[npt.NDArray[np.int64], ...]:
    """Candidate pairs (i, j), i < j, among ``ids`` (positions) from their stored fingerprints, in bulk.

    As `candidates` for one article: a shared LSH band, or shared passage fingerprints (at least
    ``min_shared_fingerprints`` and `MIN_FP_SHARE` of the smaller article's), each article keeping its
    ``limit`` strongest (bands + fingerprints shared); see `grouped_pairs` for big groups.
    """
    cfg = store.config
    b_keys, b_own, p_keys, p_own = store.fingerprint_table(ids)
    n = len(ids)
    bi, bj, bn = grouped_pairs(b_keys, b_own, clique=_CLIQUE, window=_WINDOW, anchors=_ANCHORS, max_group=n)
    qi, qj, qn = grouped_pairs(
        p_keys, p_own, clique=_CLIQUE, window=_WINDOW, anchors=_ANCHORS, max_group=cfg.max_postings
    )
    fps = np.bincount(p_own, minlength=n)
    floor = np.maximum(cfg.min_shared_fingerprints, MIN_FP_SHARE * np.minimum(fps[qi], fps[qj]))
    keep = qn >= floor
    span = max(n, 1)
    codes = np.concatenate((bi * span + bj, qi[keep] * span + qj[keep]))
    score = np.concatenate((bn, qn[keep]))
    if not len(codes):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pair, where = np.unique(codes, return_inverse=True)
    total = np.bincount(where, weights=score).astype(np.int64)
    i, j = pair // span, pair % span
    # each article keeps its `limit` strongest partners; a pair stays when either side keeps it
    side = np.concatenate((i, j))
    rank_order = np.lexsort((np.concatenate((j, i)), -np.concatenate((total, total)), side))
    sorted_side = side[rank_order]
    first = np.searchsorted(sorted_side, sorted_side, side="left")
    rank = np.empty_like(rank_order)
    rank[rank_order] = np.arange(len(rank_order)) - first
    kept = (rank[: len(i)] < limit) | (rank[len(i) :] < limit)
    return i[kept], j[kept]


def _verify_all(
    tasks: list[tuple[str, list[str]]], cache: _Items, config: CompareConfig, *, threads: int | None = None
) -> Iterator[Link]:
    """The links among ``tasks`` (article, candidates), in task order, verified a batch at a time: up to
    `_BATCH` pairs and the centre shingles a counter's table holds well. The articles of up to `_BATCH`
    tasks are read together (the cache keeps what the next ones share), and their batches are verified by
    ``threads`` threads (default `_THREADS`; numpy lets go of the interpreter for the bulk of the work), each with its own
    counter."""
    counters = [SharedCounter(config.shingle_size) for _ in range(max(threads or _THREADS, 1))]
    idle = list(counters)
    guard = threading.Lock()

    def run(batch: list[tuple[Item, list[Item]]]) -> list[Link]:
        with guard:
            counter = idle.pop()
        try:
            return verify_many(batch, config=config, counter=counter)
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


def _patch(
    store: Store,
    heads: dict[str, StoryHead],
    stories_in: list[str],
    fresh: list[str],
    nodes: dict[str, Node],
    own: dict[str, frozenset[str]],
    links: Iterable[Link],
    history: list[str],
    config: StoryConfig,
    evidence_of: EvidenceOf,
) -> StoryPatch:
    """The changes that place ``fresh`` articles in the big story ``stories_in[0]`` (absorbing the others)."""
    keep = heads[stories_in[0]]
    is_fresh = set(fresh)
    mine = [ln for ln in links if ln.a in is_fresh or ln.b in is_fresh]
    reached = {x for ln in mine for x in (ln.a, ln.b)} - is_fresh
    if keep.root is not None:
        reached.add(keep.root)
    stored = store.member_nodes(sorted(reached))
    for m in stored:
        own[m.id] = m.own_names
    group_nodes = {m.id: stored_node(m) for m in stored} | {i: nodes[i] for i in fresh}
    att = attach(
        group_nodes,
        fresh,
        mine,
        root=keep.root,
        parents={m.id: m.parent for m in stored},
        uncredited_containment=config.uncredited_containment,
        evidence=evidence_of,
    )
    size = sum(heads[s].size for s in stories_in) + len(fresh)
    head = StoryHead(keep.story, att.root, keep.hidden_source, size, keep.seq, tuple(history))
    return StoryPatch(head, att.members, att.edges, tuple(stories_in[1:]))


def update(
    store: Store,
    *,
    compare_config: CompareConfig,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None = None,
) -> StoriesUpdate:
    """Bring the stories of ``store`` up to date with the articles added since the last update.

    progress(done, total) is called as new articles are linked. Everything is stored in one transaction at
    the end: a killed update stores nothing, and the next one starts again from the same articles. When
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


def _update_once(
    store: Store,
    *,
    compare_config: CompareConfig,
    config: StoryConfig,
    progress: Callable[[int, int], None] | None,
) -> StoriesUpdate | None:
    """One try of `update`: None, with nothing stored, when another update was stored meanwhile."""
    start = time.perf_counter()
    summary = StoriesUpdate()
    # the aliases first: the articles holding their texts are then among the articles named next, or older
    alias_mark, new_alias_mark, pending = store.aliases_pending()
    mark, new_mark, new_ids = store.stories_pending()
    if not new_ids and not pending:
        summary.seconds = time.perf_counter() - start
        return summary
    new_set = set(new_ids)
    cache = _Items(store, compare_config.shingle_size)
    links: dict[tuple[str, str], Link] = {}
    nodes: dict[str, Node] = {}
    own: dict[str, frozenset[str]] = {}
    summary.aliases = len(pending)
    if not new_ids:  # only aliases of articles placed before
        saved = store.save_stories(
            mark=mark,
            new_mark=new_mark,
            links=[],
            stories=[],
            own_names=own,
            merged={},
            patches=aliases.late(store, cache.fetch, pending, own, [], {}),
            alias_marks=(alias_mark, new_alias_mark),
        )
        if not saved:
            return None
        summary.aliases = len(pending)
        summary.seconds = time.perf_counter() - start
        return summary

    seqs: list[npt.NDArray[np.uint64]] = []
    wired: list[Item] = []  # the new articles that carry a wire transmission header

    tasks: list[tuple[str, list[str]]] = []  # (article, candidates to verify against it)

    def check(i: str, others: list[str]) -> None:
        """Verify ``i`` against ``others`` (each pair is proposed once: those among the new articles are
        distinct pairs of them, and those of step 1 pair a new article with older ones)."""
        if others:
            tasks.append((i, others))
            summary.pairs_verified += len(others)

    # 1. each new article analysed once: its node, and its shingles for the rare-shingle pairs; the index's
    # candidates among the articles of earlier updates are asked for `_OLDER` new articles at a time, in a
    # second thread while the chunks are read (SQLite and numpy let go of the interpreter for most of either)
    old_count = store.count() - len(new_ids)
    cfg = store.config

    def older(ids: list[str]) -> dict[str, list[str]]:
        return store.candidates_of(
            ids,
            max_postings=cfg.max_postings,
            min_shared=cfg.min_shared_fingerprints,
            min_share=MIN_FP_SHARE,
            limit=config.max_verify,
        )

    chunks = [new_ids[lo : lo + _CHUNK] for lo in range(0, len(new_ids), _CHUNK)]
    with ThreadPoolExecutor(max_workers=1) as aside:
        # the older candidates are asked for in the second thread while this one reads the chunks and pairs
        # the new articles among themselves
        # (in at least two parts when there are enough: the first part's pairs are verified while the second
        # part is looked up)
        part = min(_OLDER, max(_CHUNK, -(-len(new_ids) // 2)))
        found = (
            [aside.submit(older, new_ids[lo : lo + part]) for lo in range(0, len(new_ids), part)]
            if old_count
            else []
        )
        for done, chunk in enumerate(chunks):
            cache.load(chunk)
            for i in chunk:
                nodes[i], own[i] = node_of(cache[i])
                seqs.append(cache[i].shingles)
                if cache[i].wire is not None:
                    wired.append(cache[i])
            if progress is not None:
                progress(min((done + 1) * _CHUNK, len(new_ids)), len(new_ids))
        # 2. among the new articles: the fingerprints' candidates in bulk (in the second thread), and pairs
        # sharing rare shingles (shorter shared runs than the fingerprints see). The articles are numbered
        # by the global key (date, then id), not in the order they were added: the windows of big key groups
        # and the ties at the `max_verify` cap then do not depend on the input order (issue 18)
        at = {i: n for n, i in enumerate(new_ids)}
        keyed = sorted(new_ids, key=lambda i: (nodes[i].date or _FAR, i))
        seqs = [seqs[at[i]] for i in keyed]
        del at
        by_fingerprints = aside.submit(_fingerprint_pairs, store, keyed, limit=config.max_verify)
        ii, jj, nn, sizes = shared_shingle_pairs(
            seqs, min_shared=config.min_shared_shingles, max_df=config.max_shingle_df
        )
        for future in found:
            for i, got in future.result().items():
                check(i, [c for c in got if c not in new_set])
            # 3a. verify those pairs on the shingles of both bodies
            for link in _verify_all(tasks, cache, compare_config):
                links[(link.a, link.b)] = link
            tasks.clear()
        fi, fj = by_fingerprints.result()
    # Only pairs that could reach the engine's decision: each shared rare shingle covers at most three
    # words, and those must make up the containment the decision needs of the smaller side (a prefilter; the
    # figures come from the verification).
    enough = 3 * nn >= compare_config.related_containment * np.minimum(sizes[ii], sizes[jj])
    del seqs
    span = max(len(new_ids), 1)
    pair = np.unique(np.concatenate((fi * span + fj, ii[enough] * span + jj[enough])))  # each pair once
    pi, pj = pair // span, pair % span
    cut = np.flatnonzero(np.diff(pi)) + 1
    for first, rest in zip(np.split(pi, cut), np.split(pj, cut), strict=True):
        if len(first):
            check(keyed[int(first[0])], [keyed[j] for j in rest.tolist()])

    # 3. verify the pairs among the new articles
    for link in _verify_all(tasks, cache, compare_config):
        links[(link.a, link.b)] = link
    tasks.clear()

    # 4. the takes and versions of a wire story join it whether or not they share text: the new ones with
    # each other and with the stored ones of the same date
    if wired:
        dates = sorted({it.wire.date for it in wired if it.wire is not None})
        stored = [i for i in store.ids_on_dates(dates) if i not in new_set]
        cache.load(stored)
        earlier = [cache[i] for i in stored if cache[i].wire is not None]
        wp = [
            (x, y)
            for x, y in wire_pairs([*earlier, *wired], new=new_set)
            if (x.article.id, y.article.id) not in links
        ]
        for link in wire_links(wp, config=compare_config):
            links[(link.a, link.b)] = link

    # Components over the new articles and the stories their links reach.
    touched_old = sorted({x for ln in links.values() for x in (ln.a, ln.b)} - new_set)
    old_story = store.story_of(touched_old)
    unit = {i: i for i in new_ids} | {i: "\x00" + old_story[i] for i in touched_old if i in old_story}
    pairs = [(unit[ln.a], unit[ln.b]) for ln in links.values() if ln.a in unit and ln.b in unit]
    groups = cluster(unit.values(), pairs)

    old_ids = sorted({k[1:] for g in groups for k in g if k.startswith("\x00")})
    heads = store.story_heads(old_ids)

    def old_size(group: list[str]) -> int:
        return sum(heads[k[1:]].size for k in group if k.startswith("\x00"))

    # Stories up to `rebuild_max` members are rebuilt whole from their stored links; bigger ones are patched.
    small = sorted(
        {k[1:] for g in groups if old_size(g) <= config.rebuild_max for k in g if k.startswith("\x00")}
    )
    stored_nodes: dict[str, list[MemberNode]] = {}
    for m in store.story_nodes(small):
        stored_nodes.setdefault(m.story, []).append(m)
    old_members = [m.id for ms in stored_nodes.values() for m in ms]
    stored_links = store.links_of(old_members) if old_members else []
    by_member: dict[str, list[Link]] = {}
    for ln in [*stored_links, *links.values()]:
        by_member.setdefault(ln.a, []).append(ln)

    def evidence_of(ln: Link) -> tuple[Evidence, ...]:
        """The evidence of a link that becomes an edge (links are verified and stored without it)."""
        if ln.evidence:
            return ln.evidence  # a link stored with its evidence by an earlier version
        held = cache.items
        if ln.a not in held or ln.b not in held:
            cache.load([ln.a, ln.b])
        return evidence(held[ln.a], held[ln.b], ln, config=compare_config)

    # The aliases of the articles placed whole here (new ones, members of the stories rebuilt) go in with
    # them, and those of the members a patch changes; the other new ones after (`aliases.late`).
    alias_nodes = aliases.nodes(
        store, cache.fetch, aliases.pairs_of(store, {*new_ids, *old_members}, new_alias_mark), own
    )
    pending_ids = {a for a, _ in pending}
    placed: set[str] = set()

    next_seq = store.next_story_seq()
    out: list[tuple[Story, int]] = []
    patches: list[StoryPatch] = []
    merged: dict[str, str] = {}
    for group in groups:
        stories_in = sorted((k[1:] for k in group if k.startswith("\x00")), key=lambda s: heads[s].seq)
        fresh = [k for k in group if not k.startswith("\x00")]
        if stories_in:
            sid, seq = stories_in[0], heads[stories_in[0]].seq
            history = list(heads[sid].merged)
            for s in stories_in[1:]:
                merged[s] = sid
                history += [s, *heads[s].merged]
            summary.grown += 1
            summary.merged += len(stories_in) - 1
        else:
            dated = [(nodes[i].date, i) for i in fresh] + [
                (n.date, n.id) for i in fresh for n in alias_nodes.get(i, ())
            ]
            founder = min(dated, key=lambda d: (d[0] or _FAR, d[1]))[1]
            sid, seq, history = story_id(founder), next_seq, []
            next_seq += 1
            summary.created += 1
        if old_size(group) > config.rebuild_max:
            p = _patch(
                store, heads, stories_in, fresh, nodes, own, links.values(), history, config, evidence_of
            )
            changed = [m.id for m in p.members if m.id not in alias_nodes]
            alias_nodes |= aliases.nodes(
                store, cache.fetch, aliases.pairs_of(store, changed, new_alias_mark), own
            )
            more = aliases.members(alias_nodes, p.members)
            placed.update(m.id for m in more)
            patches.append(aliases.grow(p, more, sum(m.id in pending_ids for m in more)))
            continue
        members: dict[str, Node] = {i: nodes[i] for i in fresh}
        for s in stories_in:
            for m in stored_nodes.get(s, []):
                members[m.id] = stored_node(m)
                own[m.id] = m.own_names
        inside = [ln for m in members for ln in by_member.get(m, ()) if ln.b in members]
        prov = provenance(
            members, inside, uncredited_containment=config.uncredited_containment, evidence=evidence_of
        )
        held = [aliases.as_source(m) if m.id in alias_nodes else m for m in prov.members]
        more = aliases.members(alias_nodes, held)
        placed.update(m.id for m in more)
        out.append(
            (Story(sid, prov.root, prov.hidden_source, (*held, *more), prov.edges, tuple(history)), seq)
        )

    saved = store.save_stories(
        mark=mark,
        new_mark=new_mark,
        links=list(links.values()),
        stories=out,
        own_names=own,
        merged=merged,
        patches=aliases.late(
            store, cache.fetch, [(a, h) for a, h in pending if a not in placed], own, patches, merged
        ),
        alias_marks=(alias_mark, new_alias_mark),
    )
    if not saved:
        return None
    summary.articles = len(new_ids)
    summary.links = len(links)
    summary.merges = merged
    summary.seconds = time.perf_counter() - start
    return summary
