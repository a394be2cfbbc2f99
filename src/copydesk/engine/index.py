"""The corpus index: `Index.add` fingerprints and stores articles in batches, `Index.find` lists where else an
article's text appears.

Candidates come from two fingerprints: LSH bands over MinHash signatures (near-duplicates) and winnowed
passage fingerprints (partial reuse, from either side: a few paragraphs of the query inside a longer article,
or short articles quoted inside a long query; see `copydesk.engine.candidates`). Candidates only propose:
every hit is verified on the real shingle sets of both texts, exactly as `compare` computes its figures,
from the body layout kept for each article at add time (`copydesk.engine.verify`), so that no candidate's
text is analysed again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine import intake
from copydesk.engine import stories as story_engine
from copydesk.engine.articles import as_article
from copydesk.engine.candidates import Proposal, proposals, to_verify
from copydesk.engine.compare import compare_prepared, side_signals, signals
from copydesk.engine.layouts import BatchPool, PreparedBatch, auto_workers, gather
from copydesk.engine.overlap import Prepared, overlap, prepare, related
from copydesk.engine.verify import Body, bodies, body_words, figures, passages
from copydesk.errors import ArticleNotFound
from copydesk.io.record import Skipped
from copydesk.model import Article, BodyLayout, Comparison, Passage, Story
from copydesk.provenance.verdict import SideSignals, verdict
from copydesk.sketch.batch import fingerprint_batch
from copydesk.sketch.shingle import word_hashes
from copydesk.store import OutletRow, Store, StoreStats, StoryPage, StoryQuery, StoryRow, open_store
from copydesk.store.codec import EncodedBatch, encode_arrays
from copydesk.text.layout import body_layout

Direction = Literal["source", "copy", "sibling", "same"]
ArticleLike = Article | str | Mapping[str, Any]
_DIRECTION: dict[str, Direction] = {"a_from_b": "source", "b_from_a": "copy", "common_source": "sibling"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One article that shares reused text with the query.

    containment_query / containment_hit: share of the query's (of the hit's) body words found in the other,
        in [0, 1]; jaccard in [0, 1]. direction: what the hit is to the query (``source``: the query derives
        from it; ``copy``: it derives from the query; ``sibling``: both from a parent not in the pair; ``same``:
        the same words, nothing to tell them apart), a guess from dates, containment asymmetry and credits. passages: shared runs, side a = the query,
        side b = the hit, offsets into each original text.
    """

    id: str
    title: str | None
    date: str | None
    outlet: str | None
    url: str | None
    jaccard: float
    containment_query: float
    containment_hit: float
    direction: Direction
    confidence: float
    passages: tuple[Passage, ...]

    @property
    def score(self) -> float:
        return max(self.containment_query, self.containment_hit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "outlet": self.outlet,
            "url": self.url,
            "jaccard": round(self.jaccard, 4),
            "containment_query_in_hit": round(self.containment_query, 4),
            "containment_hit_in_query": round(self.containment_hit, 4),
            "direction": self.direction,
            "confidence": round(self.confidence, 4),
            "passage_count": len(self.passages),
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass(slots=True)
class AddSummary:
    """What one `add` did: counts, the skipped inputs with where and why, and how long it took.

    duplicate_of: for each article whose text is already indexed under another id, the id holding it; the
        article is kept as an alias of it (its own id and record, found by `Index.get` and `Index.find`, and
        a member of its story), its text not stored twice.
    notes: what was done to articles that were read, one line each, ``path:line: what``: a value repaired
        or dropped (`copydesk.io.check`), an article not stored because its id holds another text.
    """

    added: int = 0
    duplicate_id: int = 0
    duplicate_text: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    chars: int = 0
    seconds: float = 0.0

    @property
    def read(self) -> int:
        return self.added + self.duplicate_id + self.duplicate_text

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "already_present_same_id": self.duplicate_id,
            "already_present_same_text": self.duplicate_text,
            "skipped": len(self.skipped),
            "skipped_reasons": [s.message for s in self.skipped],
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.read / self.seconds, 1) if self.seconds else None,
        }


def _batches(
    records: Iterable[Article | Skipped | Mapping[str, Any]], size: int, summary: AddSummary
) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for r in intake.checked(records, summary.skipped, summary.notes):
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Index:
    """An index of articles in one SQLite file (see `copydesk.store`).

    on_wait: called once with a message when a write (an add batch, a stories update) waits for another
    process writing to the file; writes wait for each other rather than fail.
    """

    def __init__(
        self,
        path: str | Path = "copydesk.db",
        *,
        config: IndexConfig | None = None,
        compare_config: CompareConfig | None = None,
        story_config: StoryConfig | None = None,
        readonly: bool = False,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.store: Store = open_store(path, config=config, readonly=readonly, on_wait=on_wait)
        self.config = self.store.config
        self.compare_config = compare_config or CompareConfig()
        self.story_config = story_config or StoryConfig()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def add(
        self,
        articles: Iterable[Article | Skipped | Mapping[str, Any]],
        *,
        batch_size: int = 10_000,
        progress: Callable[[AddSummary], None] | None = None,
        workers: int | None = None,
    ) -> AddSummary:
        """Fingerprint and store ``articles`` in batches of ``batch_size``, each batch one transaction.

        Articles already present (same id) are counted, not added again (an id met again with another text
        gets a note); an article whose original text is already stored under another id is kept as an alias
        of it (counted in ``duplicate_text``). Each article is checked first (`copydesk.io.check`): one that
        cannot be stored is skipped, with where it was and why, and the rest of its batch goes on; `Skipped`
        records from the readers are collected in the summary too. ``progress`` is called after each
        committed batch. ``workers``: processes that fingerprint the articles and compute their body
        layouts while this process reads and writes (on the native core, any number above 0 means one
        preparing thread instead: the core uses every core itself); 0 does all in this process, and the
        default (None) is `auto_workers` (one per core, none on a single core). Batches under `MIN_PARALLEL` articles are prepared in
        this process whatever ``workers`` says; the stored result is the same either way.
        """
        summary = AddSummary()
        start = time.perf_counter()

        def commit(batch: list[Article], encoded: EncodedBatch) -> None:
            result = self.store.add_batch(encoded)
            summary.added += result.added
            summary.duplicate_id += result.duplicate_id
            summary.duplicate_text += result.duplicate_text
            summary.duplicate_of.update({o.id: o.duplicate_of for o in result.outcomes if o.duplicate_of})
            summary.notes.extend(intake.conflicts(batch, result.outcomes))
            summary.chars += sum(len(a.text) for a in batch)
            summary.seconds = time.perf_counter() - start
            if progress is not None:
                progress(summary)

        # A pipeline of three stages, each on its own core when there are enough: worker processes
        # fingerprint and lay out batch n + 1 while this thread reads it and then turns batch n into
        # records, and the store writes batch n on a second thread (SQLite and zstd release the GIL).
        # Batches still commit one at a time, in input order.
        with (
            BatchPool(auto_workers() if workers is None else workers, config=self.config) as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-store") as writer,
        ):
            pending: Future[None] | None = None
            ready: tuple[list[Article], list[Future[PreparedBatch]]] | None = None
            # Content hashes met so far in this call (as a set, and sorted for the workers): a text met
            # again is a duplicate the store will not keep (same hash and same text), so it is not laid
            # out. Should it be kept after all (a hash collision, or its first copy refused for its id), it
            # is stored without a layout, and `find` verifies it the slow way: the answers stay the same.
            met: set[int] = set()
            known = np.zeros(0, dtype=np.uint64)

            def write(batch: list[Article], futures: list[Future[PreparedBatch]]) -> None:
                nonlocal pending, known
                prepared = gather(futures)
                fps = prepared.fingerprints
                layouts: list[BodyLayout | None] = [None] * len(batch)
                fresh: list[int] = []
                for i, h in enumerate(fps.content_hashes.tolist()):
                    if h not in met:
                        met.add(h)
                        fresh.append(h)
                        # The workers skipped only hashes met before, so they laid this one out.
                        layout = prepared.layouts[i]
                        if layout is None:  # pragma: no cover - would mean the above is wrong
                            layout = body_layout(batch[i].text, start=batch[i].body_start)
                        layouts[i] = layout
                new = np.unique(np.asarray(fresh, dtype=np.uint64))
                known = np.insert(known, np.searchsorted(known, new), new)
                # Encoded here from the batch's arrays, the texts met for the first time compressed where
                # they were prepared: the writer thread, the pipeline's slowest stage, then only runs the SQL.
                encoded = encode_arrays(
                    batch,
                    layouts,
                    content_hashes=fps.content_hashes,
                    words=fps.words,
                    band_keys=fps.band_keys,
                    passages=fps.passages,
                    passage_offsets=fps.passage_offsets,
                    config=self.config,
                    pack=[lay is not None for lay in layouts],
                    packed=prepared.packed,
                )
                if pending is not None:
                    pending.result()
                pending = writer.submit(commit, batch, encoded)

            for batch in _batches(articles, batch_size, summary):
                futures = pool.submit([a.text for a in batch], [a.body_start for a in batch], known)
                if ready is not None:
                    write(*ready)
                ready = (batch, futures)
            if ready is not None:
                write(*ready)
            if pending is not None:
                pending.result()
        summary.seconds = time.perf_counter() - start
        return summary

    def get(self, id: str) -> Article:
        """The stored article ``id`` (an alias: its own record with the text it shares), or ArticleNotFound."""
        return self.store.get(id)

    def stats(self) -> StoreStats:
        return self.store.stats()

    def compact(self) -> tuple[int, int]:
        """Merge the postings into one segment, so that `find` looks in one instead of several (see
        `copydesk.store.postings`); the candidates do not change. One transaction. Returns the number of
        segments before and after."""
        before = self.store.stats().segments
        self.store.compact()
        return before, self.store.stats().segments

    def resolve(self, article: ArticleLike) -> Article:
        """An article given as an `Article`, a mapping, or a plain string naming an id in the index."""
        if isinstance(article, str):
            return self.store.get(article)
        return as_article(article, default_id=None)

    def candidates(self, article: Article) -> dict[str, int]:
        """Ids proposed by the fingerprints, with the number of bands and passage fingerprints shared (see
        `copydesk.engine.candidates`)."""
        return {p.id: p.bands + p.shared for p in self.proposals(article)}

    def proposals(self, article: Article) -> list[Proposal]:
        """The stored articles the fingerprints of ``article`` propose, strongest first (see
        `copydesk.engine.candidates`); `find` verifies the first of them (`to_verify`)."""
        fp = fingerprint_batch([article.text], config=self.config, starts=[article.body_start])[0]
        return proposals(self.store, fp, self.config, exclude=article.id)

    def find(
        self, article: ArticleLike, *, min_containment: float | None = None, limit: int | None = 20
    ) -> list[Hit]:
        """Articles that share reused text with ``article``, best first (by the larger containment).

        Each hit is verified on the real shingles; it is kept when the engine calls the pair related and
        its larger containment reaches ``min_containment`` (default: the engine's decision threshold).
        The candidates verified are the strongest 100 and every strong one beyond (up to 5,000; see
        `copydesk.engine.candidates.to_verify`). At most ``limit`` hits are returned (None: all); only those
        get their passages, the costly part.
        """
        query = self.resolve(article)
        cfg = self.compare_config
        n = cfg.shingle_size
        floor = cfg.related_containment if min_containment is None else min_containment
        ranked = to_verify(self.proposals(query))
        pq = prepare(query, shingle_size=n)
        rows = self.store.get_layouts(ranked)
        laid = [(a, lay) for a, lay in rows if lay is not None]
        cands = bodies(laid, shingle_size=n)
        fig = figures(pq.shingles, len(pq.analysis.body_words), cands, shingle_size=pq.shingle_size)
        # (hit, candidate body or prepared text, shared words); the hits from bodies get their direction
        # once the list is cut to ``limit``: it does not change their order.
        found: list[tuple[Hit, Body | None, Prepared | None, int]] = []
        for i, body in enumerate(cands):
            c_q, c_o, shared = fig.containment_query[i], fig.containment_candidate[i], fig.shared_words[i]
            if not _kept(c_q, c_o, shared, floor, cfg):
                continue
            found.append((_hit(body.article, fig.jaccard[i], c_q, c_o, "sibling", 0.0), body, None, shared))
        for other, lay in rows:
            if lay is None:  # stored without a layout: verified the slow way
                po = prepare(other, shingle_size=n)
                ov = overlap(pq, po, config=cfg, passages=False)
                if not _kept(ov.containment_a, ov.containment_b, ov.shared_words, floor, cfg):
                    continue
                guess, confidence = _direction(
                    signals(pq.article, pq.analysis, ov.containment_a, 0, 0),
                    signals(po.article, po.analysis, ov.containment_b, 0, 0),
                    ov.shared_words,
                    cfg,
                )
                if guess == "sibling" and pq.analysis.body_words == po.analysis.body_words:
                    guess = "same"
                hit = _hit(other, ov.jaccard, ov.containment_a, ov.containment_b, guess, confidence)
                found.append((hit, None, po, ov.shared_words))
        found.sort(key=lambda f: (-f[0].score, f[0].id))
        if limit is not None:
            found = found[:limit]
        out: list[Hit] = []
        for hit, cand, prepared, shared in found:
            # Directions and passages (which need the words' offsets): only for the hits returned.
            if cand is not None:
                guess, confidence = _direction(
                    side_signals(
                        query, pq.analysis.credits, len(pq.analysis.body_words), hit.containment_query, 0, 0
                    ),
                    side_signals(cand.article, cand.credits, cand.words, hit.containment_hit, 0, 0),
                    shared,
                    cfg,
                )
                if guess == "sibling" and _same_words(pq, cand):
                    guess = "same"
                hit = dataclasses.replace(hit, direction=guess, confidence=confidence)
                spans = passages(pq, cand, min_words=cfg.min_passage_words)
            else:
                assert prepared is not None
                spans = overlap(pq, prepared, config=cfg).passages
            out.append(dataclasses.replace(hit, passages=spans))
        return out

    def explain(self, article: ArticleLike, hit_id: str) -> Comparison:
        """The full `compare` report between ``article`` (side a) and the indexed article ``hit_id`` (side b)."""
        cfg = self.compare_config
        query = self.resolve(article)
        try:
            other = self.store.get(hit_id)
        except KeyError as exc:
            raise ArticleNotFound(f"no article with id {hit_id!r} in the index") from exc
        return compare_prepared(
            prepare(query, shingle_size=cfg.shingle_size),
            prepare(other, shingle_size=cfg.shingle_size),
            config=cfg,
        )

    # -- stories ---------------------------------------------------------------------------------------------

    def update_stories(
        self, *, progress: Callable[[int, int], None] | None = None
    ) -> story_engine.StoriesUpdate:
        """Bring the stories up to date with the articles added since the last update (see
        `copydesk.engine.stories`); one transaction. Nothing to do on a read-only index."""
        if self.store.readonly:
            return story_engine.StoriesUpdate()
        return story_engine.update(
            self.store, compare_config=self.compare_config, config=self.story_config, progress=progress
        )

    def stories(
        self, *, min_size: int = 1, limit: int | None = None, offset: int = 0, update: bool = True
    ) -> list[Story]:
        """The stories, biggest first (then oldest), with at least ``min_size`` members; brought up to date
        first unless ``update`` is False or the index is read-only."""
        if update:
            self.update_stories()
        return self.store.load_stories(
            self.store.story_listing(min_size=min_size, limit=limit, offset=offset)
        )

    def search_stories(self, query: StoryQuery | None = None) -> tuple[list[Story], StoryPage]:
        """One page of the stories ``query`` selects (default: stories of two or more, biggest first), with
        the total and facet counts (see `StoryQuery`); reads only, as the stories stand."""
        page = self.store.search_stories(query or StoryQuery())
        return self.store.load_stories(list(page.ids)), page

    def list_stories(self, query: StoryQuery | None = None) -> tuple[list[StoryRow], StoryPage]:
        """`search_stories` as a listing shows it: each story a `StoryRow` (its figures, counted without
        loading its members and edges); reads only."""
        page = self.store.search_stories(query or StoryQuery())
        return self.store.story_rows(list(page.ids)), page

    def outlets(self, *, name: str | None = None, top: int = 5) -> list[OutletRow]:
        """Per outlet (or only ``name``) the articles, stories run, copies, uncredited copies and the outlets
        it takes copy from (see `OutletRow`); reads only."""
        return self.store.outlet_table(name=name, top=top)

    def stories_pending(self) -> int:
        """Articles added since the stories were last brought up to date (0: they are); reads only."""
        return len(self.store.stories_pending()[2])

    def story(self, id: str) -> Story:
        """One story by its id (a retired id leads to the story it was merged into), or ArticleNotFound."""
        found = self.store.load_stories([id])
        if not found:
            into = self.store.story_merged_into(id)
            found = self.store.load_stories([into]) if into else []
        if not found:
            raise ArticleNotFound(
                f"no story with id {id!r} in {self.store.path}: list them with copydesk stories "
                "(stories are built by copydesk stories or Index.update_stories)"
            )
        return found[0]

    def story_of(self, article_id: str, *, update: bool = True) -> Story:
        """The story holding the article ``article_id`` (stories brought up to date first unless ``update``
        is False or the index is read-only)."""
        if update:
            self.update_stories()
        sid = self.store.story_of([article_id]).get(article_id)
        if sid is None:
            self.store.get(article_id)  # ArticleNotFound when it is not in the index at all
            raise ArticleNotFound(f"article {article_id!r} is in no story yet: run copydesk stories")
        return self.story(sid)


def _kept(c_q: float, c_o: float, shared: int, floor: float, cfg: CompareConfig) -> bool:
    """The engine's decision (`related`), and the larger containment reaching ``floor``."""
    return related(c_q, c_o, shared, cfg) and max(c_q, c_o) >= floor


def _same_words(pq: Prepared, body: Body) -> bool:
    """Whether the candidate's body words are the query's (hashes first; the words when they agree)."""
    words = pq.analysis.body_words
    if body.words != len(words) or not np.array_equal(word_hashes(words), body.hashes):
        return False
    return body_words(body) == words


def _hit(
    other: Article, jaccard: float, c_q: float, c_o: float, direction: Direction, confidence: float
) -> Hit:
    return Hit(
        id=other.id or "",
        title=other.title,
        date=None if other.date is None else other.date.isoformat(),
        outlet=other.outlet,
        url=other.url,
        jaccard=jaccard,
        containment_query=c_q,
        containment_hit=c_o,
        direction=direction,
        confidence=confidence,
        passages=(),
    )


def _direction(
    query: SideSignals, other: SideSignals, shared: int, cfg: CompareConfig
) -> tuple[Direction, float]:
    """A quick direction guess for a hit from dates, containment asymmetry and credits (no alignment)."""
    v, confidence, _ = verdict(
        query,
        other,
        shared_words=shared,
        related_containment=cfg.related_containment,
        min_shared_words=cfg.min_shared_words,
    )
    return _DIRECTION.get(v, "sibling"), confidence
