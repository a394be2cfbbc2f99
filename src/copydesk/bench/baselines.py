"""Baselines for ``copydesk add / find``: datasketch MinHashLSH and rensa RMinHashLSH, end to end.

Run by ``copydesk bench corpus DIR --baselines datasketch,rensa`` (each engine in its own process, see
`copydesk.bench.isolate`), on a corpus of ``copydesk bench make-corpus``: ``DIR`` holds ``articles.jsonl``
and ``labels.jsonl``. Both libraries are in the ``bench`` extra (``pip install 'copydesk[bench]'``).

What is run, for every article of ``articles.jsonl`` (timed together as *ingest*): read and parse the line,
tokenize in Python (lowercase, split on non-word characters: ``\\w+`` runs), 5-word shingles (UTF-8 bytes
for datasketch, ``str`` for rensa, which hashes them itself), one MinHash of ``num_perm`` permutations,
LSH insert; plus the verification data every engine must keep (the article's 3-word shingle set).

Both engines band the signature the same way: the bands and rows that minimise false positives plus false
negatives around ``threshold`` (datasketch's own rule) among those that use every permutation, as rensa
requires (32 bands of 4 rows for 0.5 and 128; datasketch alone would take 25 of 5).

Then *queries*, each timed as LSH query plus verification of every candidate: all labelled derived
articles and near-misses (copy -> source), and every article that is a source (source -> copy).
Verification is exact, on the 3-word shingle sets of the two articles (same tokens as above): Jaccard and
containment both ways; a candidate is kept when the larger containment is at least 0.2 and at least 10
shingles are shared. That is copydesk's default decision (``CompareConfig.related_containment = 0.2``,
``min_shared_words = 12``, i.e. at least 10 shared 3-word shingles) on shingle sets: copydesk measures the
share of *words* covered by shared shingles, which is never lower than the share of shingles.

Scores come from `copydesk.bench.scoring` (the same code copydesk's runner uses). ``verify_ceiling`` is the
share of derived articles that pass verification against one of their sources when compared directly: the
recall an engine would have if its candidates were perfect.

Memory: ``peak_rss_mb`` is ``ru_maxrss`` of the process (one engine per process);
``index_bytes_per_article`` is the growth of resident memory during ingest per article (the baselines keep
their index in memory and persist nothing).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from copydesk.bench.isolate import isolated
from copydesk.bench.memory import peak_rss_mb
from copydesk.bench.scoring import DERIVED_KINDS, Labels, score
from copydesk.errors import ConfigError, MissingDependency

ENGINES = ("datasketch", "rensa")
SKETCH_SHINGLE = 5
VERIFY_SHINGLE = 3
MIN_CONTAINMENT = 0.2
MIN_SHARED = 10
SEED = 1
_WORD = re.compile(r"\w+")
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
U64 = npt.NDArray[np.uint64]


def require(engine: str) -> None:
    """Raise `MissingDependency` (or `ConfigError` for an unknown name) unless ``engine`` can run here."""
    if engine not in ENGINES:
        raise ConfigError(f"baseline must be one of {', '.join(ENGINES)}, got {engine!r}")
    if importlib.util.find_spec(engine) is None:
        raise MissingDependency(engine, "bench", f"The {engine} baseline")


def tokens(text: str) -> list[str]:
    """Lowercased word tokens (runs of ``\\w``; everything else separates)."""
    return _WORD.findall(text.lower())


def shingles(toks: list[str], n: int = SKETCH_SHINGLE) -> list[str]:
    """Word n-grams joined by a space; a text shorter than ``n`` words gives one shingle of all of it."""
    if not toks:
        return []
    return [" ".join(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))]


def verify_set(toks: list[str]) -> U64:
    """Sorted unique 64-bit hashes (this process only) of the 3-word shingles of ``toks``."""
    if not toks:
        return np.empty(0, dtype=np.uint64)
    h = np.fromiter((hash(t) for t in toks), np.int64, len(toks)).view(np.uint64)
    if len(h) < VERIFY_SHINGLE:
        return np.unique(h[:1] * _P1 + h[-1:])
    with np.errstate(over="ignore"):
        return np.unique((h[:-2] * _P1 + h[1:-1]) * _P2 + h[2:])


def verify(a: U64, b: U64) -> tuple[float, float, float, int]:
    """Exact Jaccard, containment of ``a`` in ``b``, of ``b`` in ``a``, and the shared count."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    if not shared:
        return 0.0, 0.0, 0.0, 0
    return shared / (len(a) + len(b) - shared), shared / len(a), shared / len(b), shared


def kept(a: U64, b: U64) -> bool:
    """The decision: larger containment >= 0.2 and at least 10 shared 3-word shingles."""
    _, ab, ba, shared = verify(a, b)
    return shared >= MIN_SHARED and max(ab, ba) >= MIN_CONTAINMENT


def lsh_params(threshold: float, num_perm: int, *, divisors_only: bool = False) -> tuple[int, int]:
    """Bands and rows minimising false positives plus false negatives around ``threshold`` (datasketch's
    rule, equal weights); ``divisors_only`` keeps ``bands * rows == num_perm`` (rensa needs it)."""
    xs = np.linspace(0.0, 1.0, 2001)
    best = (float("inf"), (1, num_perm))
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            if divisors_only and b * r != num_perm:
                continue
            p = 1 - (1 - xs**r) ** b
            fp = np.trapezoid(np.where(xs <= threshold, p, 0.0), xs)
            fn = np.trapezoid(np.where(xs >= threshold, 1 - p, 0.0), xs)
            if fp + fn < best[0]:
                best = (fp + fn, (b, r))
    return best[1]


class DatasketchEngine:
    """datasketch ``MinHash`` (permutations built once and shared) and ``MinHashLSH`` (same bands as rensa)."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        require("datasketch")
        import datasketch

        self.version = datasketch.__version__
        self._minhash = datasketch.MinHash
        self.num_perm = num_perm
        template = datasketch.MinHash(num_perm=num_perm, seed=SEED)
        self._perm, self._scheme = template.permutations, template.scheme
        bands, rows = lsh_params(threshold, num_perm, divisors_only=True)
        self.lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm, params=(bands, rows))
        self.params = {"bands": bands, "rows": rows}

    def sketch(self, grams: list[str]) -> Any:
        m = self._minhash(num_perm=self.num_perm, seed=SEED, permutations=self._perm, scheme=self._scheme)
        m.update_batch([g.encode("utf-8") for g in grams])
        return m

    def insert(self, key: int, sketch: Any) -> None:
        self.lsh.insert(key, sketch, check_duplication=False)

    def query(self, sketch: Any) -> list[int]:
        return list(self.lsh.query(sketch))


class RensaEngine:
    """rensa ``RMinHash`` and ``RMinHashLSH`` (bands chosen by ``lsh_params`` among divisors of num_perm)."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        require("rensa")
        from importlib.metadata import version

        import rensa

        self.version = version("rensa")
        self._minhash = rensa.RMinHash
        self.num_perm = num_perm
        bands, rows = lsh_params(threshold, num_perm, divisors_only=True)
        self.lsh = rensa.RMinHashLSH(threshold=threshold, num_perm=num_perm, num_bands=bands)
        self.params = {"bands": bands, "rows": rows}

    def sketch(self, grams: list[str]) -> Any:
        m = self._minhash(num_perm=self.num_perm, seed=SEED)
        m.update(grams)
        return m

    def insert(self, key: int, sketch: Any) -> None:
        self.lsh.insert(key, sketch)

    def query(self, sketch: Any) -> list[int]:
        return list(self.lsh.query(sketch))


def make_engine(name: str, *, threshold: float, num_perm: int) -> DatasketchEngine | RensaEngine:
    if name == "datasketch":
        return DatasketchEngine(threshold, num_perm)
    if name == "rensa":
        return RensaEngine(threshold, num_perm)
    raise ConfigError(f"baseline must be one of {', '.join(ENGINES)}, got {name!r}")


def query_ids(labels: Labels) -> list[str]:
    """Derived articles and near-misses, then every source (in label order, no repeats)."""
    derived = [a for a, k in labels.kind.items() if k in DERIVED_KINDS or k == "near_miss"]
    sources = dict.fromkeys(s for a in derived for s in labels.sources.get(a, ()))
    return list(dict.fromkeys([*derived, *sources]))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(
    corpus: Path, *, engine: str, threshold: float = 0.5, num_perm: int = 128, queries: int | None = None
) -> dict[str, Any]:
    """Ingest ``corpus/articles.jsonl`` into one engine, run the queries (the first ``queries`` of
    `query_ids`, all by default), score; a JSON-ready dict."""
    labels = Labels.load(corpus / "labels.jsonl")
    wanted = set(query_ids(labels)[:queries])
    eng = make_engine(engine, threshold=threshold, num_perm=num_perm)
    ids: list[str] = []
    sets: list[U64] = []
    sketches: dict[int, Any] = {}
    path = corpus / "articles.jsonl"
    rss0 = _rss_bytes()
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        for line in fh:
            art = json.loads(line)
            toks = tokens(art["text"])
            key = len(ids)
            sk = eng.sketch(shingles(toks))
            eng.insert(key, sk)
            if art["id"] in wanted:
                sketches[key] = sk
            ids.append(art["id"])
            sets.append(verify_set(toks))
    ingest_s = time.perf_counter() - t0
    grown = _rss_bytes() - rss0
    results, latencies, candidates = _queries(eng, ids, sets, sketches, kept)
    lat = np.array(latencies) * 1000
    size = path.stat().st_size
    return {
        "engine": engine,
        "version": eng.version,
        "corpus": str(corpus),
        "articles": len(ids),
        "params": {
            "threshold": threshold,
            "num_perm": num_perm,
            **eng.params,
            "sketch_shingle_words": SKETCH_SHINGLE,
            "verify": f"3-word shingle sets: max containment >= {MIN_CONTAINMENT}, shared >= {MIN_SHARED}",
        },
        "ingest": {
            "seconds": round(ingest_s, 2),
            "articles_per_s": round(len(ids) / ingest_s, 1),
            "mb_per_s": round(size / 1e6 / ingest_s, 2),
            "input_mb": round(size / 1e6, 1),
            "index_bytes_per_article": round(grown / max(len(ids), 1)),
        },
        "query": {
            "queries": len(lat),
            "p50_ms": round(float(np.percentile(lat, 50)), 3) if len(lat) else None,
            "p99_ms": round(float(np.percentile(lat, 99)), 3) if len(lat) else None,
            "mean_candidates": round(candidates / max(len(lat), 1), 2),
        },
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "scores": score(results, labels),
        "verify_ceiling": verify_ceiling(labels, ids, sets),
    }


def _queries(
    eng: DatasketchEngine | RensaEngine,
    ids: list[str],
    sets: list[U64],
    sketches: dict[int, Any],
    decide: Callable[[U64, U64], bool],
) -> tuple[list[tuple[str, list[str]]], list[float], int]:
    results: list[tuple[str, list[str]]] = []
    latencies: list[float] = []
    total = 0
    for key, sk in sketches.items():
        t = time.perf_counter()
        cands = [c for c in eng.query(sk) if c != key]
        found = [ids[c] for c in cands if decide(sets[key], sets[c])]
        latencies.append(time.perf_counter() - t)
        total += len(cands)
        results.append((ids[key], found))
    return results, latencies, total


def verify_ceiling(labels: Labels, ids: list[str], sets: list[U64]) -> dict[str, float | None]:
    """Per derived kind, the share of articles that pass verification against one of their sources."""
    where = {a: i for i, a in enumerate(ids)}
    hit: dict[str, list[int]] = {}
    for aid, srcs in labels.sources.items():
        kind = labels.kind[aid]
        if kind not in DERIVED_KINDS or aid not in where:
            continue
        ok = any(s in where and kept(sets[where[aid]], sets[where[s]]) for s in srcs)
        hit.setdefault(kind, []).append(int(ok))
    return {k: round(sum(v) / len(v), 4) for k, v in sorted(hit.items())}


def run_isolated(
    corpus: Path, engine: str, *, threshold: float = 0.5, num_perm: int = 128, queries: int | None = None
) -> dict[str, Any]:
    """`run` in a fresh process (so that its peak RSS is its own; see `copydesk.bench.isolate`)."""
    require(engine)
    return isolated(
        run,
        what=engine,
        corpus=corpus,
        engine=engine,
        threshold=threshold,
        num_perm=num_perm,
        queries=queries,
    )
