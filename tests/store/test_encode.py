"""A batch encoded ahead of its write (from the batch's arrays, as `Index.add` does, or item by item) is what
the store would have encoded itself, and stores the same index."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from copydesk.config import IndexConfig
from copydesk.errors import StoreError
from copydesk.model import Article, IndexedArticle
from copydesk.sketch.batch import BatchFingerprints, fingerprint_arrays
from copydesk.store import open_store
from copydesk.store.codec import EncodedBatch, encode_arrays, encode_batch, encode_items
from copydesk.text.layout import body_layouts
from tests.conftest import EXAMPLES

CONFIG = IndexConfig()


def _batch() -> tuple[list[Article], list[IndexedArticle], BatchFingerprints]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    articles = [
        Article(
            id=f"a{i}",
            text=t,
            title=f"t{i}" if i % 2 else None,
            date=dt.date(2024, 1, 1 + i) if i % 3 else None,
            outlet="Ledger" if i % 2 else None,
            meta={"n": i, "tags": ["x"]} if i % 2 else {},
        )
        for i, t in enumerate(texts + texts[:2])  # two texts twice: duplicates of the batch
    ]
    fps = fingerprint_arrays([a.text for a in articles], config=CONFIG)
    layouts = body_layouts([a.text for a in articles], [0] * len(articles))
    items = [IndexedArticle(a, f, lay) for a, f, lay in zip(articles, fps.records(), layouts, strict=True)]
    return articles, items, fps


def _from_arrays(
    articles: list[Article], items: list[IndexedArticle], fps: BatchFingerprints, pack: list[bool]
) -> EncodedBatch:
    return encode_arrays(
        articles,
        [it.layout for it in items],
        content_hashes=fps.content_hashes,
        words=fps.words,
        band_keys=fps.band_keys,
        passages=fps.passages,
        passage_offsets=fps.passage_offsets,
        config=CONFIG,
        pack=pack,
    )


def test_from_arrays_equals_item_by_item() -> None:
    articles, items, fps = _batch()
    pack = [i % 2 == 0 for i in range(len(items))]
    got = _from_arrays(articles, items, fps, pack)
    ahead = encode_batch(items, CONFIG, pack=pack)
    for a, b, c in zip(got.items, ahead.items, encode_items(items, CONFIG), strict=True):
        for item in (b, c):
            assert (a.id, a.article, a.text, a.rest, a.content_hash, a.blobs) == (
                item.id,
                item.article,
                item.text,
                item.rest,
                item.content_hash,
                item.blobs,
            )
            assert np.array_equal(a.band_keys, item.band_keys) and np.array_equal(a.passages, item.passages)
        assert a.packed_text() == b.packed_text() == c.packed_text()
        assert (a.packed is None) == (b.packed is None)


def test_each_way_stores_the_same_index(tmp_path: Path) -> None:
    articles, items, fps = _batch()
    rows = []
    for name, batch in (
        ("plain", items),
        ("ahead", encode_batch(items, CONFIG, pack=[False] * len(items))),
        (
            "arrays",
            _from_arrays(articles, items, fps, [True] * len(items)),
        ),
    ):
        with open_store(tmp_path / f"{name}.db", config=CONFIG) as store:
            result = store.add_batch(batch)
            ids = sorted(store.ids())
            rows.append(
                (
                    [(o.id, o.status, o.duplicate_of) for o in result.outcomes],
                    ids,
                    store.get_layouts(ids),
                    [store.fingerprints(i).passages.tolist() for i in ids],
                    store.band_candidates(items[0].fingerprints.band_keys),
                )
            )
    assert rows[0] == rows[1] == rows[2]
    assert rows[0][0][-1][1] == "duplicate_text"


def test_a_batch_encoded_for_other_settings_is_refused(tmp_path: Path) -> None:
    _, items, _ = _batch()
    other = IndexConfig(max_postings=500)
    with (
        open_store(tmp_path / "x.db", config=CONFIG) as store,
        pytest.raises(StoreError, match="encoded for"),
    ):
        store.add_batch(encode_batch(items, other))


@pytest.mark.parametrize("count", [3, 200])
def test_texts_packed_together_are_the_bytes_of_each_packed_alone(count: int) -> None:
    # one call of the compressor over every core, or one text at a time below `_MANY`: the same frames
    from copydesk.store.codec import pack_text, pack_texts, unpack_text

    texts = ["", "a lone surrogate \ud800 kept", *(f"Story {i}: " + "word " * i for i in range(count))]
    packed = pack_texts(texts)
    assert packed == [pack_text(t) for t in texts]
    assert [unpack_text(b) for b in packed] == texts


def test_texts_packed_ahead_are_stored_as_given(tmp_path: Path) -> None:
    from copydesk.store.codec import pack_texts

    articles, _, fps = _batch()
    layouts = body_layouts([a.text for a in articles], [a.body_start for a in articles])
    ready = pack_texts([a.text for a in articles])

    def encode(packed: list[bytes | None] | list[bytes]) -> EncodedBatch:
        return encode_arrays(
            articles,
            list(layouts),
            content_hashes=fps.content_hashes,
            words=fps.words,
            band_keys=fps.band_keys,
            passages=fps.passages,
            passage_offsets=fps.passage_offsets,
            config=CONFIG,
            pack=[True] * len(articles),
            packed=packed,
        )

    batch = encode([b if i % 2 else None for i, b in enumerate(ready)])
    assert [item.packed for item in batch.items] == ready
    with pytest.raises(StoreError, match="as many packed texts"):
        encode(ready[:1])
