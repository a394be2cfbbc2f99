"""What the Spark driver moves between workers comes back as it was written (no Spark needed): items,
links, edges, articles; and a partition sorted by a key is cut into its groups whatever its batches."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest

from copydesk.backends.records import (
    alias_from,
    article_row,
    edges_from,
    edges_json,
    item_from,
    item_json,
    link_row,
    row_article,
    row_link,
    shingle_bytes,
)
from copydesk.engine import batch
from copydesk.engine.stages import prepare
from tests.backends.test_spark import fixtures, generated

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install -e '.[spark]')")


def test_items_articles_links_and_edges_come_back_as_they_were() -> None:
    articles = fixtures() + generated(3)
    items = prepare.items(articles, shingle_size=3)
    for art, it in zip(articles, items, strict=True):
        back = item_from(item_json(it), shingle_bytes(it.shingles))
        assert back.article == it.article and back.words == it.words and back.credits == it.credits
        assert back.signals == it.signals and back.wire == it.wire
        assert np.array_equal(back.shingles, it.shingles) and back.shingles.dtype == np.uint64
        assert row_article(article_row(art)) == art
        record = {k: v for k, v in article_row(art).items() if k != "meta"}
        record["date"] = art.date.isoformat() if art.date else None
        assert alias_from(json.dumps(record)) == art.__class__(**{**record, "date": art.date})
    found = batch.stories(articles)
    assert any(ln.evidence for ln in found.links)
    for ln in found.links:
        assert row_link(link_row(ln)) == ln
    for s, _ in found.stories:
        assert edges_from(edges_json(s.edges)) == s.edges


def _batches(keys: list[int], cuts: list[int]) -> list[Any]:
    bounds = [0, *cuts, len(keys)]
    return [
        pa.RecordBatch.from_pydict({"k": keys[lo:hi], "n": list(range(lo, hi))})
        for lo, hi in itertools.pairwise(bounds)
    ]


@pytest.mark.parametrize("cuts", [[], [1], [2], [3, 4], [1, 2, 3, 4, 5, 6], [6]])
def test_a_sorted_partition_is_cut_into_its_groups_whatever_its_batches(cuts: list[int]) -> None:
    from copydesk.backends.partitions import groups

    keys = [1, 1, 1, 2, 5, 5, 7]
    got = [(t.column("k").to_pylist(), t.column("n").to_pylist()) for t in groups(_batches(keys, cuts), "k")]
    assert got == [([1, 1, 1], [0, 1, 2]), ([2], [3]), ([5, 5], [4, 5]), ([7], [6])]
