"""The candidates `Index.find` verifies for one query, and in which order.

Passage candidates are judged from either side: a stored article sharing `MIN_FP_SHARE` of the query's
passage fingerprints (a long article quoting the query), or `MIN_OWN_SHARE` of its own (a short article
quoted inside a long query, a digest's item), so that partial reuse is found whatever the lengths. They
are ranked by that larger share, an estimate of the larger containment. `find` verifies the `MAX_VERIFY`
sharing the most keys, as it always did, and every strong one besides: each whose share reaches
`STRONG_SHARE` (up to `MAX_STRONG`), however many a long query quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.config import IndexConfig
from copydesk.engine.stages.candidates import MIN_FP_SHARE
from copydesk.model import Fingerprints
from copydesk.store import Store

# Share of its own passage fingerprints a candidate sharing less than `MIN_FP_SHARE` of the query's must
# share. On the 100k corpus of bench/make_corpus.py, of the candidates holding under 4% of the query's and
# 4% to 8% of their own, 1 in 1,967 was related; 8% to 11%: 10 in 83; from 11%: 64 in 91.
MIN_OWN_SHARE = 0.08
# Candidates sharing the most keys verified per query: the rest share fewer.
MAX_VERIFY = 100
# A candidate with this share of the smaller side's passage fingerprints in common is all but sure to be
# related: all of them are verified, however many (a long query quoting hundreds of short articles) ...
STRONG_SHARE = 0.5
# ... up to this many, which bounds the work of one query.
MAX_STRONG = 5_000


@dataclass(frozen=True, slots=True)
class Proposal:
    """One stored article the query's fingerprints propose.

    bands: LSH band keys shared; shared: passage fingerprints shared; share: in [0, 1], the larger of the
    share of the smaller side's passage fingerprints shared and the share of bands shared.
    """

    id: str
    bands: int
    shared: int
    share: float


def proposals(store: Store, fp: Fingerprints, config: IndexConfig, *, exclude: str | None) -> list[Proposal]:
    """The stored articles the fingerprints ``fp`` propose (see the module), strongest first (share, then
    keys shared, then id)."""
    if fp.words == 0:
        return []
    bands = store.band_candidates(fp.band_keys, exclude=exclude)
    passages = store.passage_shares(
        fp.passages,
        max_postings=config.max_postings,
        min_shared=config.min_shared_fingerprints,
        min_share=MIN_FP_SHARE,
        min_own_share=MIN_OWN_SHARE,
        exclude=exclude,
    )
    query = len(set(fp.passages.tolist())) if len(passages) else 0
    out: list[Proposal] = []
    for id_ in bands.keys() | passages.keys():
        b = bands.get(id_, 0)
        shared, own = passages.get(id_, (0, 0))
        share = shared / max(min(query, own), 1) if shared else 0.0
        out.append(Proposal(id_, b, shared, max(min(share, 1.0), b / config.bands)))
    out.sort(key=lambda p: (-p.share, -(p.bands + p.shared), p.id))
    return out


def to_verify(ranked: list[Proposal]) -> list[str]:
    """The ids of ``ranked`` (strongest first) to verify, in that order: the `MAX_VERIFY` sharing the most
    keys (bands and passage fingerprints: a long source shares many, if a small part of a long query), and
    every strong one (share at least `STRONG_SHARE`, up to `MAX_STRONG`: the short articles a long query
    quotes)."""
    by_keys = sorted(ranked, key=lambda p: (-(p.bands + p.shared), p.id))[:MAX_VERIFY]
    chosen = {p.id for p in by_keys}
    chosen.update(p.id for p in ranked[:MAX_STRONG] if p.share >= STRONG_SHARE)
    return [p.id for p in ranked if p.id in chosen]
