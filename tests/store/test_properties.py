"""Hypothesis: any articles with any fingerprints round-trip exactly through add, close and reopen."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.config import IndexConfig
from copydesk.model import Article, Fingerprints, IndexedArticle
from copydesk.store import SqliteStore, open_store

CONFIG = IndexConfig(num_perm=6, bands=3)
U64 = st.integers(min_value=0, max_value=2**64 - 1)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
OPTIONAL_TEXT = st.none() | st.text(max_size=20)


def u64_array(values: list[int]) -> np.ndarray[Any, np.dtype[np.uint64]]:
    return np.array(values, dtype=np.uint64)


@st.composite
def indexed(draw: st.DrawFn, id: str) -> IndexedArticle:
    text = draw(st.text(max_size=200))
    article = Article(
        text=text,
        id=id,
        title=draw(OPTIONAL_TEXT),
        date=draw(st.none() | st.dates()),
        url=draw(OPTIONAL_TEXT),
        outlet=draw(OPTIONAL_TEXT),
        body_start=draw(st.integers(min_value=0, max_value=len(text))),
        meta=draw(st.dictionaries(st.text(max_size=8), JSON, max_size=4)),
    )
    fp = Fingerprints(
        content_hash=draw(U64),
        words=draw(st.integers(min_value=0, max_value=10_000)),
        signature=u64_array(draw(st.lists(U64, min_size=CONFIG.num_perm, max_size=CONFIG.num_perm))),
        band_keys=u64_array(draw(st.lists(U64, min_size=CONFIG.bands, max_size=CONFIG.bands))),
        passages=np.unique(u64_array(draw(st.lists(U64, max_size=30)))),
    )
    return IndexedArticle(article, fp)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[IndexedArticle], list[int]]:
    ids = draw(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=12, unique=True))
    items = [draw(indexed(id_)) for id_ in ids]
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=len(items)), max_size=3)))
    return items, cuts


def same_fingerprints(a: Fingerprints, b: Fingerprints) -> bool:
    return (
        a.content_hash == b.content_hash
        and a.words == b.words
        and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("band_keys", "passages"))
        and len(a.signature) == 0  # the store keeps no signature
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_any_articles_round_trip_through_close_and_reopen(
    corpus: tuple[list[IndexedArticle], list[int]],
) -> None:
    items, cuts = corpus
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "index.db"
        with SqliteStore(path, config=CONFIG, merge_factor=2) as store:
            added: list[IndexedArticle] = []
            for start, end in zip([0, *cuts], [*cuts, len(items)], strict=True):
                result = store.add_batch(items[start:end])
                added += [
                    i for i, o in zip(items[start:end], result.outcomes, strict=True) if o.status == "added"
                ]
            # only identical (hash, text) pairs are refused, and the ids are unique here
            keys = [(i.fingerprints.content_hash, i.article.text) for i in items]
            assert len(added) == len(set(keys))
        # the id holding a text is the first of its ids by (date, undated last, then id), with its own
        # record; the text keeps the doc, layout and fingerprints it was first stored with
        holder: dict[tuple[int, str], IndexedArticle] = {}
        for i in items:
            k = (i.fingerprints.content_hash, i.article.text)
            d = i.article.date
            if k not in holder or (d is None, d or dt.date.min, i.article.id or "") < (
                holder[k].article.date is None,
                holder[k].article.date or dt.date.min,
                holder[k].article.id or "",
            ):
                holder[k] = i
        with open_store(path, readonly=True) as store:
            assert store.count() == len(added)
            held = [holder[(i.fingerprints.content_hash, i.article.text)] for i in added]
            assert list(store.ids()) == [h.article.id for h in held]
            for i, h in zip(added, held, strict=True):
                assert h.article.id is not None
                assert store.get(h.article.id) == h.article
                assert same_fingerprints(store.fingerprints(h.article.id), i.fingerprints)
                hits = store.band_candidates(i.fingerprints.band_keys)
                assert hits[h.article.id] == len(set(i.fingerprints.band_keys.tolist()))
