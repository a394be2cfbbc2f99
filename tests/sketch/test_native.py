"""The native core's fingerprints equal the Python reference's, field for field, on generated and real text.

Both cores run in the same test (`copydesk.core.use`), so a run with the extension installed checks the one
against the other; without it these tests skip (the rest of the suite then runs the reference only).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk import core
from copydesk.config import IndexConfig
from copydesk.errors import ConfigError
from copydesk.sketch.batch import BatchFingerprints, fingerprint_arrays
from copydesk.sketch.minhash import permutations
from copydesk.sketch.words import _group, class_table, folded, word_hashes_read
from tests.conftest import SUITE_CORE, shared_file
from tests.sketch.test_batch import ALPHABET

native = pytest.importorskip("copydesk_native", reason="the native core is not built (pip install ./native)")

FIELDS = ("content_hashes", "words", "signatures", "band_keys", "passages", "passage_offsets")


@pytest.fixture(autouse=True)
def default_core() -> Iterator[None]:
    yield
    core.use(SUITE_CORE)


def both(texts: list[str], config: IndexConfig, starts: list[int] | None = None) -> None:
    core.use("python")
    ref = fingerprint_arrays(texts, config=config, starts=starts)
    core.use("native")
    got = fingerprint_arrays(texts, config=config, starts=starts)
    same(got, ref)


def same(got: BatchFingerprints, ref: BatchFingerprints) -> None:
    for field in FIELDS:
        a, b = getattr(got, field), getattr(ref, field)
        assert a.dtype == b.dtype and a.shape == b.shape, field
        assert np.array_equal(a, b), field


configs = st.builds(
    IndexConfig,
    shingle_size=st.integers(1, 7),
    num_perm=st.sampled_from([8, 16, 24]),
    bands=st.sampled_from([1, 2, 4, 8]),
    winnow_window=st.integers(1, 10),
    seed=st.integers(0, 2**32),
)
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=80) | st.text(max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, max_size=8), configs, st.data())
def test_fingerprints_equal_the_reference(batch: list[str], config: IndexConfig, data: st.DataObject) -> None:
    starts = [data.draw(st.integers(min_value=0, max_value=len(t))) for t in batch]
    both(batch, config, starts)


def test_a_batch_large_enough_for_threads_equals_the_reference() -> None:
    rng = np.random.default_rng(3)
    words = np.array(
        "the minister said on tuesday that talks would resume in kyiv's capital U.S. 2024".split()
    )
    batch = [" ".join(rng.choice(words, size=int(rng.integers(0, 400)))) for _ in range(2000)]
    batch[7] = "漢字かな交じりの文章です。" * 20  # read in characters: the words go through the reference
    batch[8] = "Кыїв’s café—déjà vu " * 30
    both(batch, IndexConfig())
    both(batch[:7] + batch[9:], IndexConfig())  # no text read in characters: the one-call path


def test_word_hashes_equal_the_reference_for_ascii_and_other_bodies() -> None:
    bodies = [folded(t) for t in ["Kyiv's U.S. talks", "", "café’s déjà—vu", "a..b 'x' _y_", "Σ Οδός"]]
    raw, offsets = native.word_hashes(bodies, class_table())
    ref, ref_offsets = _group(bodies)
    assert np.array_equal(np.frombuffer(raw, dtype=np.uint64), ref)
    assert np.array_equal(np.frombuffer(offsets, dtype=np.int64), ref_offsets)
    with pytest.raises(ValueError, match="class table"):
        native.word_hashes(["café"], None)


def test_bad_arguments_are_refused() -> None:
    a, b = permutations(num_perm=8, seed=1)
    with pytest.raises(ValueError, match="divisor"):
        native.fingerprints(["x"], 3, a.tobytes(), b.tobytes(), 3, 4)
    with pytest.raises(ValueError, match="8-byte"):
        native.fingerprints(["x"], 3, a.tobytes()[:-1], b.tobytes(), 4, 4)
    with pytest.raises(ValueError, match="offsets"):
        native.sketch(b"", np.array([0, 1], dtype=np.int64).tobytes(), [3], a.tobytes(), b.tobytes(), 4, 4)


def test_a_lone_surrogate_falls_back_to_the_reference() -> None:
    batch = ["plain text here", "broken \ud800 text here"]
    both(batch, IndexConfig(shingle_size=2))
    core.use("native")
    _, offsets, _ = word_hashes_read(batch)
    assert offsets.tolist() == [0, 3, 6]


def test_the_core_is_chosen_in_one_place() -> None:
    core.use("python")
    assert core.name() == "python" and core.native() is None
    core.use("native")
    assert core.name() == "native" and core.native() is native
    assert "copydesk_native" in core.describe()
    with pytest.raises(ConfigError, match="core must be one of"):
        core.use("fast")


def _jsonl_texts(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f]


@pytest.mark.parametrize("folder", ["reuters21578", "meter"])
def test_real_texts_equal_the_reference(folder: str) -> None:
    batch = _jsonl_texts(shared_file(folder, "documents.jsonl.gz"))
    both(batch, IndexConfig())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.booleans()), max_size=8),
    st.integers(1, 6),
    st.integers(0, 2**32),
)
def test_shingles_read_is_the_same_on_both_cores(shape: list[tuple[int, bool]], n: int, seed: int) -> None:
    from copydesk.sketch.batch import shingles_read

    rng = np.random.default_rng(seed)
    counts = [c for c, _ in shape]
    hashes = rng.integers(0, 2**63, sum(counts), dtype=np.uint64)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    chars = np.asarray([c for _, c in shape], dtype=bool)
    got = {}
    for name in ("python", "native"):
        core.use(name)
        sh, off = shingles_read(hashes, offsets, n=n, chars=chars)
        got[name] = (sh.tolist(), off.tolist())
    assert got["native"] == got["python"]
