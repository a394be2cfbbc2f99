"""copydesk add / find on a labelled corpus, with datasketch and rensa on the same corpus in the same run.

Run by ``copydesk bench corpus DIR [DIR ...] [--baselines datasketch,rensa] [--queries 5000] [--out FILE]``.
Each ``DIR`` holds ``articles.jsonl`` and ``labels.jsonl`` from ``copydesk bench make-corpus``. For each
corpus, in a fresh process (so that its peak memory is its own; copydesk's counts its `add` workers too;
see `copydesk.bench.isolate`): copydesk ingests ``articles.jsonl`` end to end into a new index file (read,
parse, fingerprint, commit), then runs ``find`` for the labelled queries (derived articles, near-misses,
then sources; at most ``queries``), timing each, once with no limit (scored) and once with the CLI's
default ``--limit 20``. Articles whose text is already indexed under another id are not stored again
(``add`` reports them as already present); a query by such an id is answered for the id that holds the
text, and a match of that id stands for all its aliases. Scores come from `copydesk.bench.scoring`, the
same code the baselines (`copydesk.bench.baselines`) use, each run in its own process after copydesk's.

``--db INDEX`` (one corpus, no baselines; `run_find`) skips the ingest: it opens the index file ``INDEX``,
built from that corpus, read-only (as ``copydesk find`` does) and times the same queries the same way, so
that ``find`` can be measured in minutes on a large index; ``--dump FILE`` also writes each query's hits
(the JSON of both calls, one line per query) to compare the answers of two versions of the code.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from copydesk import core
from copydesk.bench import baselines
from copydesk.bench.baselines import query_ids
from copydesk.bench.isolate import isolated
from copydesk.bench.memory import TreePeak, peak_rss_mb
from copydesk.bench.scoring import Labels, score
from copydesk.engine.index import Index
from copydesk.engine.layouts import auto_workers
from copydesk.errors import InputError
from copydesk.io import read
from copydesk.model import Article

# `find` is timed twice per query: with no limit (every hit with its passages: what is scored) and with the
# CLI's default limit (passages only for the hits shown).
SHOWN = 20


def _latency(lat: npt.NDArray[Any], lat_shown: npt.NDArray[Any]) -> dict[str, Any]:
    """p50 and p99 in ms of the queries with no limit, and of the same queries with the CLI's default
    ``--limit`` (passages only for the hits shown)."""

    def pct(values: npt.NDArray[Any], q: int) -> float | None:
        return round(float(np.percentile(values, q)), 3) if len(values) else None

    return {
        "queries": len(lat),
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        f"p50_ms_limit{SHOWN}": pct(lat_shown, 50),
        f"p99_ms_limit{SHOWN}": pct(lat_shown, 99),
    }


def run_copydesk(corpus: Path, *, queries: int) -> dict[str, Any]:
    """Ingest and query with copydesk in this process; a JSON-ready dict."""
    labels = Labels.load(corpus / "labels.jsonl")
    path = corpus / "articles.jsonl"
    with tempfile.TemporaryDirectory() as tmp, TreePeak(every=0.5) as memory:
        db = Path(tmp) / "index.db"
        with Index(db) as index:
            t0 = time.perf_counter()
            summary = index.add(read([path]))
            ingest_s = time.perf_counter() - t0
            size = sum(p.stat().st_size for p in Path(tmp).iterdir())
            aliases: dict[str, list[str]] = {}
            for dup, canon in summary.duplicate_of.items():
                aliases.setdefault(canon, []).append(dup)
            results: list[tuple[str, list[str]]] = []
            latencies: list[float] = []
            shown: list[float] = []
            for qid in query_ids(labels)[:queries]:
                target = summary.duplicate_of.get(qid, qid)
                t = time.perf_counter()
                hits = index.find(target, limit=None)
                latencies.append(time.perf_counter() - t)
                t = time.perf_counter()
                index.find(target, limit=SHOWN)
                shown.append(time.perf_counter() - t)
                found = [h.id for h in hits] + [a for h in hits for a in aliases.get(h.id, ())]
                if target != qid:
                    found.append(target)
                found += [a for a in aliases.get(target, ()) if a != qid]
                results.append((qid, found))
    lat = np.array(latencies) * 1000
    lat_shown = np.array(shown) * 1000
    articles = summary.read
    return {
        "engine": "copydesk",
        "core": core.name(),
        "corpus": str(corpus),
        "articles": articles,
        "ingest": {
            "seconds": round(ingest_s, 2),
            "articles_per_s": round(articles / ingest_s, 1),
            "mb_per_s": round(path.stat().st_size / 1e6 / ingest_s, 2),
            "input_mb": round(path.stat().st_size / 1e6, 1),
            "index_bytes_per_article": round(size / max(summary.added, 1)),
            "stored": summary.added,
            "already_present_same_text": summary.duplicate_text,
        },
        "query": _latency(lat, lat_shown),
        **_memory(memory),
        "scores": score(results, labels),
    }


def _memory(tree: TreePeak) -> dict[str, Any]:
    """Peak memory of a copydesk run: ``peak_rss_mb`` of this (the main) process, ``workers_peak_rss_mb`` of
    the largest of `add`'s worker processes (gone by now), ``peak_rss_upper_mb`` the main process's peak plus
    each worker at that largest peak (an upper bound: it counts twice the pages a forked worker shares with
    its parent, and adds peaks that need not coincide), and ``peak_pss_tree_mb`` the largest summed PSS of
    the main process and its workers seen every half second (see `copydesk.bench.memory`)."""
    main = peak_rss_mb()
    worker = peak_rss_mb(children=True)
    workers = auto_workers() if worker > 0 else 0  # none started for a batch too small to pay for them
    return {
        "peak_rss_mb": round(main, 1),
        "workers": workers,
        "workers_peak_rss_mb": round(worker, 1),
        "peak_rss_upper_mb": round(main + workers * worker, 1),
        "peak_pss_tree_mb": None if tree.peak_mb is None else round(tree.peak_mb, 1),
    }


def _stored_targets(index: Index, corpus: Path, qids: list[str]) -> dict[str, str]:
    """Each query id -> the stored id holding its text (itself, or the first article with the identical text,
    which is the one `add` kept)."""
    stored = index.store.known(qids)
    missing = {q for q in qids if q not in stored}
    targets = {q: q for q in qids if q in stored}
    first: dict[int, str] = {}
    for rec in read([corpus / "articles.jsonl"]):
        if not missing:
            break
        if not isinstance(rec, Article) or rec.id is None:
            continue
        key = hash(rec.text)
        first.setdefault(key, rec.id)
        if rec.id in missing:
            targets[rec.id] = first[key]
            missing.discard(rec.id)
    if missing:
        raise InputError(
            f"{len(missing)} query ids of labels.jsonl are not in articles.jsonl: use the corpus the labels "
            "came with",
            path=str(corpus / "articles.jsonl"),
        )
    return targets


def run_find(corpus: Path, db: Path, *, queries: int, dump: Path | None = None) -> dict[str, Any]:
    """Time `find` for the labelled queries on the existing index ``db`` (opened read-only); a JSON-ready
    dict with the query figures, and the scores of the hits."""
    labels = Labels.load(corpus / "labels.jsonl")
    qids = query_ids(labels)[:queries]
    with Index(db, readonly=True) as index:
        targets = _stored_targets(index, corpus, qids)
        latencies: list[float] = []
        shown: list[float] = []
        results: list[tuple[str, list[str]]] = []
        lines: list[str] = []
        for qid in qids:
            target = targets[qid]
            t = time.perf_counter()
            hits = index.find(target, limit=None)
            latencies.append(time.perf_counter() - t)
            t = time.perf_counter()
            top = index.find(target, limit=SHOWN)
            shown.append(time.perf_counter() - t)
            # the other ids of each text found (aliases: `add` kept their texts once)
            held = index.store.aliases_of([h.id for h in hits] + [target])
            found = [h.id for h in hits] + [a for h in hits for a in held.get(h.id, ())]
            if target != qid:
                found.append(target)
            found += held.get(target, [])
            results.append((qid, [f for f in found if f != qid]))
            if dump is not None:
                lines.append(
                    json.dumps(
                        {
                            "query": target,
                            "all": [h.to_dict() for h in hits],
                            "top": [h.to_dict() for h in top],
                        }
                    )
                )
    if dump is not None:
        dump.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    lat = np.array(latencies) * 1000
    lat_shown = np.array(shown) * 1000
    return {
        "engine": "copydesk",
        "core": core.name(),
        "corpus": str(corpus),
        "db": str(db),
        "query": _latency(lat, lat_shown),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "scores": score(results, labels),
    }


def check_corpus(corpus: Path) -> None:
    """Raise `InputError` unless ``corpus`` holds ``articles.jsonl`` and ``labels.jsonl``."""
    for name in ("articles.jsonl", "labels.jsonl"):
        if not (corpus / name).is_file():
            raise InputError(
                f"{name} not found: give a folder made by `copydesk bench make-corpus`", path=str(corpus)
            )


def run_corpora(
    corpora: Sequence[Path], *, engines: Sequence[str] = baselines.ENGINES, queries: int = 5000
) -> list[dict[str, Any]]:
    """For each corpus, copydesk then each baseline of ``engines``, each in a fresh process; the results in
    that order. Every corpus and engine is checked before the first run."""
    for corpus in corpora:
        check_corpus(corpus)
    for engine in engines:
        baselines.require(engine)
    results: list[dict[str, Any]] = []
    for corpus in corpora:
        results.append(isolated(run_copydesk, what="copydesk", corpus=corpus, queries=queries))
        for engine in engines:
            results.append(baselines.run_isolated(corpus, engine, queries=queries))
    return results


HEADER = (
    f"{'engine':<11} {'articles':>9} {'ingest/s':>10} {'MB/s':>6} {'mem MB':>8} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'prec':>6}  recall"
)


def row(r: dict[str, Any]) -> str:
    """One line of the table under `HEADER` for a result of `run_corpora`."""
    rec = {k: v["either"] for k, v in r["scores"]["recall"].items() if v.get("either") is not None}
    recall = " ".join(f"{k}={v:.3f}" for k, v in rec.items())
    p50, p99, precision = r["query"]["p50_ms"], r["query"]["p99_ms"], r["scores"]["precision"]
    return (
        f"{r['engine']:<11} {r['articles']:>9,} {r['ingest']['articles_per_s']:>10,.0f} {r['ingest']['mb_per_s']:>6.1f} "
        f"{r.get('peak_rss_upper_mb', r['peak_rss_mb']):>8.0f} {_num(p50, 7, 2)} {_num(p99, 7, 2)} "
        f"{_num(precision, 6, 4)}  {recall}"
    )


def _num(x: float | None, width: int, digits: int) -> str:
    return f"{'-':>{width}}" if x is None else f"{x:>{width}.{digits}f}"
