"""The batched verification of `find` gives exactly the figures and passages of `overlap` on analysed texts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk import Article, CompareConfig
from copydesk.engine.index import Index
from copydesk.engine.overlap import overlap, prepare
from copydesk.engine.verify import bodies, body_words, figures, passages
from copydesk.io import read
from copydesk.text.layout import body_layout
from tests.conftest import EXAMPLES, ROOT, SUITE_CORE
from tests.engine.test_compare_properties import article as generated

CFG = CompareConfig()


def _fixtures() -> list[Article]:
    arts = [Article(p.read_text(encoding="utf-8"), id=p.name) for p in sorted(EXAMPLES.glob("*.txt"))]
    for line in (ROOT / "tests" / "data" / "meter_mini.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        arts.append(Article(rec["text"], id=rec["id"]))
    return arts


def _agree(query: Article, others: list[Article]) -> None:
    n = CFG.shingle_size
    pq = prepare(query, shingle_size=n)
    cands = bodies([(a, body_layout(a.text, start=a.body_start)) for a in others], shingle_size=n)
    fig = figures(pq.shingles, len(pq.analysis.body_words), cands, shingle_size=n)
    for i, (other, cand) in enumerate(zip(others, cands, strict=True)):
        po = prepare(other, shingle_size=n)
        ov = overlap(pq, po, config=CFG)
        assert cand.words == len(po.analysis.body_words)
        assert (cand.shingles == po.shingles).all()
        assert body_words(cand) == po.analysis.body_words
        assert fig.jaccard[i] == ov.jaccard
        assert fig.containment_query[i] == ov.containment_a
        assert fig.containment_candidate[i] == ov.containment_b
        assert fig.shared_words[i] == ov.shared_words
        got = passages(pq, cand, min_words=CFG.min_passage_words)
        assert got == ov.passages


def test_figures_equal_overlap_on_the_fixtures() -> None:
    arts = _fixtures()
    for query in arts:
        _agree(query, arts)


def test_bodies_of_a_batch_with_empty_and_short_articles_last() -> None:
    # Shingles are taken for the whole batch at once: empty and short bodies, and layouts that drop
    # words, must still give each candidate its own shingles (checked against `prepare` by `_agree`).
    arts = _fixtures()
    assert any(body_layout(a.text, start=a.body_start).skip for a in arts)
    tail = [Article("Two words"), Article("  ...  "), Article("")]
    _agree(arts[0], [*arts, *tail])
    _agree(arts[0], tail)


@pytest.mark.parametrize(
    ("table", "filter_bits", "cover"),
    [(0, (12, 24), 1 << 22), (1 << 24, (1, 1), 1 << 22), (1 << 24, (12, 24), 0)],
)
def test_figures_without_the_pair_table_or_with_a_crowded_bitmap(
    monkeypatch: pytest.MonkeyPatch, table: int, filter_bits: tuple[int, int], cover: int
) -> None:
    # Large queries count their (candidate, shingle) pairs with np.unique instead of a table of flags, a
    # bitmap much smaller than the query lets most shingles through to the binary search, and the query's
    # covered words are counted from sorted windows instead of a table of marks: the same figures.
    import copydesk.engine.verify as verify

    monkeypatch.setattr(verify, "_MAX_PAIR_TABLE", table)
    monkeypatch.setattr(verify, "_FILTER_BITS", filter_bits)
    monkeypatch.setattr(verify, "_MAX_COVER_TABLE", cover)
    arts = _fixtures()
    for query in arts[:4]:
        _agree(query, arts)


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6)), min_size=1, max_size=6),
    picks=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 40)), max_size=60),
    uniform=st.booleans(),
    table=st.booleans(),
)
def test_covered_counts_the_words_of_the_windows(
    segments: list[tuple[int, int]], picks: list[tuple[int, int]], uniform: bool, table: bool
) -> None:
    # windows in any order, repeated or not, sorted or not, with one width or one per segment: the words
    # they cover, counted by marking each word
    import copydesk.engine.verify as verify

    words = np.asarray([w for w, _ in segments], dtype=np.int64)
    width = np.asarray([segments[0][1] if uniform else k for _, k in segments], dtype=np.int64)
    width = np.minimum(width, np.maximum(words, 1))
    owner: list[int] = []
    pos: list[int] = []
    for o, p in picks:
        o %= len(segments)
        if words[o] >= width[o] and words[o] > 0:
            owner.append(o)
            pos.append(p % (int(words[o]) - int(width[o]) + 1))
    expect = [
        len({p + d for q, p in zip(owner, pos, strict=True) if q == o for d in range(int(width[o]))})
        for o in range(len(segments))
    ]
    old = verify._MAX_COVER_TABLE
    verify._MAX_COVER_TABLE = (1 << 22) if table else 0
    try:
        got = verify._covered(
            np.asarray(owner, dtype=np.int64), np.asarray(pos, dtype=np.int64), width, words
        )
    finally:
        verify._MAX_COVER_TABLE = old
    assert got.tolist() == expect


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated(), st.lists(generated(), min_size=0, max_size=5))
def test_figures_equal_overlap_on_generated_texts(query: str, others: list[str]) -> None:
    _agree(Article(query), [Article(t) for t in others] + [Article(query)])


def _reference_find(index: Index, query_id: str) -> list[tuple[object, ...]]:
    """`find` as it was before the index kept layouts: every candidate analysed and compared."""
    from copydesk.engine.candidates import to_verify
    from copydesk.engine.compare import signals
    from copydesk.engine.index import _direction

    query = index.get(query_id)
    pq = prepare(query, shingle_size=CFG.shingle_size)
    ranked = to_verify(index.proposals(query))
    out = []
    for other in index.store.get_many(ranked):
        po = prepare(other, shingle_size=CFG.shingle_size)
        ov = overlap(pq, po, config=CFG)
        if not ov.related(CFG):
            continue
        guess, confidence = _direction(
            signals(pq.article, pq.analysis, ov.containment_a, 0, 0),
            signals(po.article, po.analysis, ov.containment_b, 0, 0),
            ov.shared_words,
            CFG,
        )
        if guess == "sibling" and pq.analysis.body_words == po.analysis.body_words:
            guess = "same"
        score = max(ov.containment_a, ov.containment_b)
        out.append(
            (other.id, ov.jaccard, ov.containment_a, ov.containment_b, guess, confidence, ov.passages, score)
        )
    out.sort(key=lambda r: (-float(r[-1]), str(r[0])))  # type: ignore[arg-type]
    return [r[:-1] for r in out]


def test_find_equals_the_reference(tmp_path: Path) -> None:
    """Every hit of `find` carries the figures, direction and passages of the analysed path, in order."""
    with Index(tmp_path / "t.db") as index:
        index.add(read([EXAMPLES]))
        index.add([{"id": a.id, "text": a.text} for a in _fixtures()[3:]])
        stored = sorted(index.store.known(a.id or "" for a in _fixtures()))
        assert len(stored) > 5
        some = 0
        for query in stored:
            hits = index.find(query, limit=None)
            got = [
                (
                    h.id,
                    h.jaccard,
                    h.containment_query,
                    h.containment_hit,
                    h.direction,
                    h.confidence,
                    h.passages,
                )
                for h in hits
            ]
            assert got == _reference_find(index, query)
            assert index.find(query, limit=1) == hits[:1]
            some += bool(hits)
        assert some >= 3


def test_limit_keeps_the_best_hits(tmp_path: Path) -> None:
    with Index(tmp_path / "t.db") as index:
        index.add(read([EXAMPLES]))
        every = index.find("wire.txt", limit=None)
        assert len(every) >= 2
        assert index.find("wire.txt", limit=1) == every[:1]


@pytest.mark.parametrize("limit", [None, 20])
def test_articles_stored_without_layout_are_verified_too(tmp_path: Path, limit: int | None) -> None:
    from copydesk.model import IndexedArticle
    from copydesk.sketch.batch import fingerprint_batch

    with Index(tmp_path / "t.db") as index:
        index.add(read([EXAMPLES / "wire.txt"]))
        ledger = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
        fp = fingerprint_batch([ledger], config=index.config)[0]
        index.store.add_batch([IndexedArticle(Article(ledger, id="ledger"), fp)])  # no layout
        hits = index.find("wire.txt", limit=limit)
        assert [h.id for h in hits] == ["ledger"]
        ov = overlap(
            prepare(index.get("wire.txt"), shingle_size=3),
            prepare(index.get("ledger"), shingle_size=3),
            config=CFG,
        )
        assert hits[0].passages == ov.passages


@pytest.mark.parametrize("chosen", ["python", "native"])
def test_layouts_from_worker_processes_or_a_thread_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen: str
) -> None:
    """Worker processes (the Python core) or one preparing thread (the native core) store what preparing
    each batch in this thread stores."""
    from copydesk import core
    from copydesk.engine import layouts

    if chosen == "native":
        pytest.importorskip("copydesk_native", reason="the native core is not built (pip install ./native)")
    monkeypatch.setattr(layouts, "MIN_PARALLEL", 2)
    arts = [{"id": a.id, "text": a.text} for a in _fixtures()]
    stored = {}
    try:
        core.use(chosen)
        for workers in (0, 2):
            with Index(tmp_path / f"w{workers}.db") as index:
                summary = index.add(arts, batch_size=4, workers=workers)
                ids = sorted(index.store.ids())
                stored[workers] = (summary.added, index.store.get_layouts(ids))
    finally:
        core.use(SUITE_CORE)
    assert stored[0] == stored[2] and stored[0][0] > 5


def test_a_prepared_batch_lays_out_each_new_text_once() -> None:
    import numpy as np

    from copydesk.config import IndexConfig
    from copydesk.engine.layouts import prepare_batch
    from copydesk.sketch.batch import fingerprint_batch

    texts = [
        (EXAMPLES / f"{n}.txt").read_text(encoding="utf-8") for n in ("wire", "ledger", "wire", "weekly")
    ]
    config = IndexConfig()
    fps = fingerprint_batch(texts, config=config)
    known = np.array([fps[1].content_hash], dtype=np.uint64)  # the ledger was laid out before
    got = prepare_batch(texts, [0] * 4, config=config, known=known)
    assert got.layouts == [body_layout(texts[0]), None, None, body_layout(texts[3])]
    assert [f.content_hash for f in got.fingerprints.records()] == [f.content_hash for f in fps]


def test_a_text_met_again_is_not_laid_out_and_still_found(tmp_path: Path) -> None:
    wire = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    ledger = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
    with Index(tmp_path / "t.db") as index:
        index.add([{"id": "old", "text": "something else entirely, stored first"}])
        # "old" again (refused for its id) carries the ledger text first; "copy" repeats it and is kept
        summary = index.add(
            [{"id": "wire", "text": wire}, {"id": "old", "text": ledger}, {"id": "copy", "text": ledger}]
        )
        assert summary.added == 2 and summary.duplicate_id == 1
        ((_, layout),) = index.store.get_layouts(["copy"])
        assert layout is None  # met before in this call: stored without a layout
        hits = index.find("wire", limit=None)
        assert [h.id for h in hits] == ["copy"]
        ov = overlap(
            prepare(index.get("wire"), shingle_size=3), prepare(index.get("copy"), shingle_size=3), config=CFG
        )
        assert (hits[0].containment_query, hits[0].passages) == (ov.containment_a, ov.passages)


def test_auto_workers_one_per_core_and_none_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from copydesk.engine import layouts

    for cores, expected in ((1, 0), (2, 2), (8, 8)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert layouts.auto_workers() == expected


def test_add_uses_auto_workers_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from copydesk.engine import index as index_module
    from copydesk.engine.layouts import BatchPool

    started: list[int] = []

    class Recording(BatchPool):
        def __init__(self, workers: int, **kw: Any) -> None:
            started.append(workers)
            super().__init__(workers, **kw)

    monkeypatch.setattr(index_module, "BatchPool", Recording)
    monkeypatch.setattr(index_module, "auto_workers", lambda: 3)
    arts = [{"id": a.id, "text": a.text} for a in _fixtures()]
    with Index(tmp_path / "a.db") as index:
        index.add(arts)
        index.add(arts, workers=0)
    assert started == [3, 0]


_ORPHAN_SCRIPT = """
import os, sys, time
import numpy as np
from copydesk import core
from copydesk.config import IndexConfig
from copydesk.engine import layouts
core.use("python")  # worker processes are the Python core's way
layouts.MIN_PARALLEL = 1
with layouts.BatchPool(1, config=IndexConfig()) as pool:
    layouts.gather(pool.submit(["a few words of text"] * 4, [0] * 4, np.zeros(0, dtype=np.uint64)))
    print(*pool._pool._processes, flush=True)  # the worker's pid
    time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
def test_a_worker_exits_when_its_parent_is_killed() -> None:
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    os.kill(worker, 0)  # alive while the parent is
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail(f"worker {worker} still running 10 s after its parent was killed")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated(), st.lists(generated(), min_size=0, max_size=6))
def test_figures_are_the_same_on_both_cores(query: str, others: list[str]) -> None:
    pytest.importorskip("copydesk_native", reason="the native core is not built (pip install ./native)")
    from copydesk import core

    n = CFG.shingle_size
    pq = prepare(Article(query, id="q"), shingle_size=n)
    arts = [Article(t, id=f"c{i}") for i, t in enumerate(others)]
    cands = bodies([(a, body_layout(a.text, start=a.body_start)) for a in arts], shingle_size=n)
    got = {}
    try:
        for name in ("python", "native"):
            core.use(name)
            got[name] = figures(pq.shingles, len(pq.analysis.body_words), cands, shingle_size=pq.shingle_size)
    finally:
        core.use(SUITE_CORE)
    assert got["native"] == got["python"]
