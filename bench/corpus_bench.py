"""copydesk add / find on a labelled corpus, with datasketch and rensa on the same corpus in the same run.

Usage (from the repository root)::

    python bench/corpus_bench.py DIR [DIR ...] [--baselines datasketch,rensa] [--queries 5000] [--out FILE]

Each ``DIR`` holds ``articles.jsonl`` and ``labels.jsonl`` from ``bench/make_corpus.py``. For each corpus,
in a fresh process (so that its peak memory is its own; copydesk's counts its `add` workers too): ``copydesk`` ingests ``articles.jsonl`` end to end
into a new index file (read, parse, fingerprint, commit), then runs ``find`` for the labelled queries
(derived articles, near-misses, then sources; at most ``--queries``), timing each, once with no limit
(scored) and once with the CLI's default ``--limit 20``. Articles whose text is
already indexed under another id are not stored again (``add`` reports them as already present); a query
by such an id is answered for the id that holds the text, and a match of that id stands for all its
aliases. Scores come from ``bench/scoring.py``, the same code the baselines use. Prints one JSON object
per corpus and a table of the headline figures.

``--db INDEX`` (one corpus, no baselines) skips the ingest: it opens the index file ``INDEX``, built from
that corpus, read-only (as ``copydesk find`` does) and times the same queries the same way, so that
``find`` can be measured in minutes on a large index; ``--dump FILE`` also writes each query's hits (the
JSON of both calls, one line per query) to compare the answers of two versions of the code.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.baselines import query_ids, run_isolated  # noqa: E402
from bench.memory import TreePeak, peak_rss_mb  # noqa: E402
from bench.scoring import Labels, score  # noqa: E402

# `find` is timed twice per query: with no limit (every hit with its passages: what is scored) and with the
# CLI's default limit (passages only for the hits shown).
SHOWN = 20


def run_copydesk(corpus: Path, *, queries: int) -> dict[str, Any]:
    """Ingest and query with copydesk in this process; a JSON-ready dict."""
    from copydesk.engine.index import Index
    from copydesk.io import read

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
        "query": {
            "queries": len(lat),
            "p50_ms": round(float(np.percentile(lat, 50)), 3) if len(lat) else None,
            "p99_ms": round(float(np.percentile(lat, 99)), 3) if len(lat) else None,
            # the same queries with the CLI's default --limit: passages only for the hits shown
            f"p50_ms_limit{SHOWN}": round(float(np.percentile(lat_shown, 50)), 3) if len(lat) else None,
            f"p99_ms_limit{SHOWN}": round(float(np.percentile(lat_shown, 99)), 3) if len(lat) else None,
        },
        **_memory(memory),
        "scores": score(results, labels),
    }


def _memory(tree: TreePeak) -> dict[str, Any]:
    """Peak memory of a copydesk run: ``peak_rss_mb`` of this (the main) process, ``workers_peak_rss_mb`` of
    the largest of `add`'s worker processes (gone by now), ``peak_rss_upper_mb`` the main process's peak plus
    each worker at that largest peak (an upper bound: it counts twice the pages a forked worker shares with
    its parent, and adds peaks that need not coincide), and ``peak_pss_tree_mb`` the largest summed PSS of
    the main process and its workers seen every half second (see `bench.memory`)."""
    from copydesk.engine.layouts import auto_workers

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


def _stored_targets(index: Any, corpus: Path, qids: list[str]) -> dict[str, str]:
    """Each query id -> the stored id holding its text (itself, or the first article with the identical text,
    which is the one `add` kept)."""
    from copydesk.io import read
    from copydesk.model import Article

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
        raise RuntimeError(f"{len(missing)} query ids are not in {corpus / 'articles.jsonl'}")
    return targets


def run_find(corpus: Path, db: Path, *, queries: int, dump: Path | None = None) -> dict[str, Any]:
    """Time `find` for the labelled queries on the existing index ``db`` (opened read-only); a JSON-ready
    dict with the query figures, and the scores of the hits."""
    from copydesk.engine.index import Index

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
            found = [h.id for h in hits] + ([target] if target != qid else [])
            results.append((qid, found))
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
        "corpus": str(corpus),
        "db": str(db),
        "query": {
            "queries": len(lat),
            "p50_ms": round(float(np.percentile(lat, 50)), 3) if len(lat) else None,
            "p99_ms": round(float(np.percentile(lat, 99)), 3) if len(lat) else None,
            f"p50_ms_limit{SHOWN}": round(float(np.percentile(lat_shown, 50)), 3) if len(lat) else None,
            f"p99_ms_limit{SHOWN}": round(float(np.percentile(lat_shown, 99)), 3) if len(lat) else None,
        },
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # aliases of the hits are not known without the ingest: recall here can only be lower than the
        # full run's; the query figures are what this mode is for
        "scores": score(results, labels),
    }


def _isolated(corpus: Path, queries: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(corpus), "--queries", str(queries)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"copydesk run failed (exit {done.returncode}): {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _row(r: dict[str, Any]) -> str:
    rec = {k: v["either"] for k, v in r["scores"]["recall"].items() if v.get("either") is not None}
    recall = " ".join(f"{k}={v:.3f}" for k, v in rec.items())
    return (
        f"{r['engine']:<11} {r['articles']:>9,} {r['ingest']['articles_per_s']:>10,.0f} {r['ingest']['mb_per_s']:>6.1f} "
        f"{r.get('peak_rss_upper_mb', r['peak_rss_mb']):>8.0f} {r['query']['p50_ms']:>7.2f} {r['query']['p99_ms']:>7.2f} "
        f"{r['scores']['precision']:>6.4f}  {recall}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", type=Path)
    ap.add_argument("--baselines", default="datasketch,rensa", help="comma-separated; empty for none")
    ap.add_argument("--queries", type=int, default=5000)
    ap.add_argument("--out", type=Path, help="also write the JSON results here")
    ap.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help="time find on this existing index of the one corpus (no ingest)")
    ap.add_argument("--dump", type=Path, help="with --db: write each query's hits as JSON lines here")
    args = ap.parse_args(argv)
    if args.db is not None:
        if len(args.corpora) != 1:
            ap.error("--db takes exactly one corpus, the one the index was built from")
        result = run_find(args.corpora[0], args.db, queries=args.queries, dump=args.dump)
        print(json.dumps(result, indent=2))
        if args.out:
            args.out.write_text(json.dumps([result], indent=2), encoding="utf-8")
        return 0
    if args.one is not None:
        print(json.dumps(run_copydesk(args.one, queries=args.queries)))
        return 0
    results = []
    for corpus in args.corpora:
        results.append(_isolated(corpus, args.queries))
        for engine in filter(None, args.baselines.split(",")):
            results.append(run_isolated(corpus, engine, queries=args.queries))
    print(json.dumps(results, indent=2))
    print(
        f"\n{'engine':<11} {'articles':>9} {'ingest/s':>10} {'MB/s':>6} {'mem MB':>8} {'p50 ms':>7} {'p99 ms':>7} {'prec':>6}  recall",
        file=sys.stderr,
    )
    for r in results:
        print(_row(r), file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
