from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import copydesk.sketch.batch as batch_module
from copydesk.config import IndexConfig
from copydesk.model import Fingerprints
from copydesk.sketch.batch import (
    BatchFingerprints,
    fingerprint_arrays,
    fingerprint_batch,
    shingles_batch,
    shingles_read,
)
from copydesk.sketch.reference import fingerprint_reference
from copydesk.sketch.shingle import shingle_width, shingles, word_hashes
from copydesk.sketch.words import word_hashes_batch, word_hashes_read
from copydesk.text.tokens import tokenize

CONFIG = IndexConfig(shingle_size=3, num_perm=16, bands=4, winnow_window=4, seed=7)

# Characters that exercise the tokenizer: word characters, the joiners ' and . (and ` folded to '), separators, typographic
# quotes and dashes, exotic spaces, accents (precomposed and combining), Cyrillic, Greek final sigma,
# a dotted capital I (lower-casing lengthens it), a ligature (NFKC), CJK, an emoji and a lone surrogate;
# kana, Thai letters, marks and sara am (NFKC splits it), so that texts read in characters come up.
ALPHABET = list("abcAB z09_'.`-,\n\t") + list(
    "’‘“”—–\u00a0\u2009éÉñ\u0301Кыїв ΣΟ İﬁ漢字🙂\ud800かナกม\u0e34\u0e48\u0e33。"
)
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=60)


def _same(a: Fingerprints, b: Fingerprints) -> bool:
    return (
        a.content_hash == b.content_hash
        and a.words == b.words
        and all(
            getattr(a, f).dtype == np.uint64 and np.array_equal(getattr(a, f), getattr(b, f))
            for f in ("signature", "band_keys", "passages")
        )
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, max_size=6), st.data())
def test_batch_equals_reference(batch: list[str], data: st.DataObject) -> None:
    starts = [data.draw(st.integers(min_value=0, max_value=len(t))) for t in batch]
    got = fingerprint_batch(batch, config=CONFIG, starts=starts)
    assert len(got) == len(batch)
    for text, start, fp in zip(batch, starts, got, strict=True):
        assert _same(fp, fingerprint_reference(text, config=CONFIG, start=start))


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=6))
def test_word_hashes_equal_tokenize(batch: list[str]) -> None:
    hashes, offsets = word_hashes_batch(batch)
    assert offsets.tolist()[0] == 0 and offsets.tolist()[-1] == len(hashes)
    for i, text in enumerate(batch):
        expected = word_hashes(tokenize(text).words)
        assert np.array_equal(hashes[offsets[i] : offsets[i + 1]], expected), tokenize(text).words


def test_non_ascii_words_are_tokenize_words() -> None:
    text = (
        "«Київ» — столиця; l’été à Montréal, naïve café. "
        "“Don’t,” she said – U.S. officials’ plans… ΟΔΟΣ İstanbul ﬁnal"
    )
    hashes, offsets = word_hashes_batch([text, "plain ascii text"])
    words = tokenize(text).words
    assert "don't" in words and "київ" in words and "l'été" in words and "u.s" in words
    assert np.array_equal(hashes[: offsets[1]], word_hashes(words))
    assert np.array_equal(hashes[offsets[1] :], word_hashes(["plain", "ascii", "text"]))


def test_word_lengths_around_the_key_width() -> None:
    words = ["a" * 7, "b" * 8, "c" * 9, "d" * 15, "e" * 16, "f" * 17, "g" * 40, "é" * 8, "é" * 9, "a" * 8]
    text = " ".join(words)
    hashes, _ = word_hashes_batch([text, text.upper()])
    assert np.array_equal(hashes, np.concatenate([word_hashes(words)] * 2))


def test_mixed_batch_keeps_order() -> None:
    batch = ["one two", "café au lait", "", "three four five", "Ёлка"]
    hashes, offsets = word_hashes_batch(batch)
    for i, text in enumerate(batch):
        assert np.array_equal(hashes[offsets[i] : offsets[i + 1]], word_hashes(tokenize(text).words))


def test_empty_text_and_text_without_words() -> None:
    empty, dots = fingerprint_batch(["", " ... -- "], config=CONFIG)
    for fp in (empty, dots):
        assert fp.words == 0
        assert (fp.signature == np.uint64(2**64 - 1)).all()
        assert fp.passages.tolist() == []
        assert _same(fp, fingerprint_reference("", config=CONFIG))


def test_text_shorter_than_shingle_size() -> None:
    (fp,) = fingerprint_batch(["Two words"], config=CONFIG)
    assert fp.words == 2
    one = shingles(word_hashes(["two", "words"]), CONFIG.shingle_size)
    assert len(one) == 1
    assert fp.passages.tolist() == one.tolist()
    assert (fp.signature != np.uint64(2**64 - 1)).all()
    assert _same(fp, fingerprint_reference("Two words", config=CONFIG))


def test_starts_skip_a_header() -> None:
    text = "2024-11-08 Header line\nThe body of the story."
    start = text.index("\n") + 1
    (fp,) = fingerprint_batch([text], config=CONFIG, starts=[start])
    (body,) = fingerprint_batch([text[start:]], config=CONFIG)
    assert _same(fp, body) and fp.words == 5


def test_content_hash_ignores_case_spacing_and_quote_style() -> None:
    a, b, c = fingerprint_batch(
        ["“Don’t stop,” he said.", "don't   STOP he said", "don't stop she said"], config=CONFIG
    )
    assert a.content_hash == b.content_hash != c.content_hash


def test_copies_share_band_keys_and_passages() -> None:
    story = " ".join(f"word{i}" for i in range(200))
    copy = "Breaking: " + story + " Reuters contributed."
    config = IndexConfig()
    a, b = fingerprint_batch([story, copy], config=config)
    assert a.signature.shape == (config.num_perm,) and a.band_keys.shape == (config.bands,)
    assert np.count_nonzero(a.band_keys == b.band_keys) >= 1
    assert len(np.intersect1d(a.passages, b.passages)) > 10


def test_chunked_batches_equal_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    vocab = ["alpha", "beta", "gamma", "delta", "Épée", "ünïcode", "x"]
    batch = [" ".join(rng.choice(vocab, size=int(rng.integers(0, 30))).tolist()) for _ in range(40)]
    whole = fingerprint_batch(batch, config=CONFIG)
    monkeypatch.setattr(batch_module, "_CHUNK_CHARS", 50)
    chunked = fingerprint_batch(batch, config=CONFIG)
    assert all(_same(x, y) for x, y in zip(whole, chunked, strict=True))


def test_arrays_joined_from_parts_give_the_same_records() -> None:
    rng = np.random.default_rng(5)
    vocab = ["alpha", "beta", "gamma", "delta", "Épée", "x"]
    batch = [" ".join(rng.choice(vocab, size=int(rng.integers(0, 30))).tolist()) for _ in range(25)]
    whole = fingerprint_batch(batch, config=CONFIG)
    parts = [fingerprint_arrays(batch[i : i + 7], config=CONFIG) for i in range(0, 25, 7)]
    joined = BatchFingerprints.concat(parts)
    assert len(joined) == 25
    assert all(_same(x, y) for x, y in zip(whole, joined.records(), strict=True))
    empty = fingerprint_arrays([], config=CONFIG)
    assert len(empty) == 0 and empty.records() == []
    assert all(
        _same(x, y) for x, y in zip(whole, BatchFingerprints.concat([empty, *parts]).records(), strict=True)
    )


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=12), max_size=6),
    st.integers(min_value=1, max_value=6),
)
def test_shingles_batch_equals_shingles(articles: list[list[int]], n: int) -> None:
    hashes = np.array([v for a in articles for v in a], dtype=np.uint64)
    offsets = np.zeros(len(articles) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in articles], out=offsets[1:])
    values, value_offsets = shingles_batch(hashes, offsets, n=n)
    for i, art in enumerate(articles):
        expected = shingles(np.array(art, dtype=np.uint64), n)
        assert np.array_equal(values[value_offsets[i] : value_offsets[i + 1]], expected)


def test_errors_name_the_index_in_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "_CHUNK_CHARS", 4)
    with pytest.raises(TypeError, match=r"texts\[3\]"):
        fingerprint_batch(["one", "two", "six", None], config=CONFIG)  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"starts\[2\]"):
        fingerprint_batch(["one", "two", "six"], config=CONFIG, starts=[0, 0, 4])


def test_records_are_read_only() -> None:
    (fp,) = fingerprint_batch(["some words here and more words"], config=CONFIG)
    for array in (fp.signature, fp.band_keys, fp.passages):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="starts"):
        fingerprint_batch(["a", "b"], config=CONFIG, starts=[0])
    with pytest.raises(ValueError, match=r"starts\[1\]"):
        fingerprint_batch(["a", "b"], config=CONFIG, starts=[0, 5])
    with pytest.raises(TypeError, match=r"texts\[0\]"):
        fingerprint_batch([b"bytes"], config=CONFIG)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="n must be"):
        shingles_batch(np.empty(0, dtype=np.uint64), np.zeros(1, dtype=np.int64), n=0)


def test_reuters_sample_equals_reference() -> None:
    from tests.conftest import shared_file

    path = shared_file("reuters21578", "documents.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        docs = [json.loads(line)["text"] for _, line in zip(range(120), f, strict=False)]
    config = IndexConfig()
    for text, fp in zip(docs, fingerprint_batch(docs, config=config), strict=True):
        assert _same(fp, fingerprint_reference(text, config=config))


SPACELESS = Path(__file__).resolve().parents[1] / "data" / "spaceless"


def test_texts_read_in_characters_in_a_mixed_batch_equal_reference() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SPACELESS.glob("*.txt"))]
    latin = ["A plain English line of text, with words.", "café au lait"] * 5
    batch = [t for pair in zip(texts, latin[: len(texts)], strict=True) for t in pair]
    hashes, offsets, chars = word_hashes_read(batch)
    assert chars.tolist() == [True, False] * len(texts)
    for i, text in enumerate(batch):
        tokens = tokenize(text)
        assert np.array_equal(hashes[offsets[i] : offsets[i + 1]], word_hashes(tokens.words))
        assert tokens.chars == chars[i]
    sh, sh_off = shingles_read(hashes, offsets, n=CONFIG.shingle_size, chars=chars)
    for i in range(len(batch)):
        n = shingle_width(CONFIG.shingle_size, chars=bool(chars[i]))
        assert np.array_equal(sh[sh_off[i] : sh_off[i + 1]], shingles(hashes[offsets[i] : offsets[i + 1]], n))
    for text, fp in zip(batch, fingerprint_batch(batch, config=CONFIG), strict=True):
        assert _same(fp, fingerprint_reference(text, config=CONFIG))
