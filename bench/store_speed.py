"""Speed of the index store alone: `add_batch` throughput and candidate query latency on synthetic articles.

Usage (from the repository root)::

    python bench/store_speed.py [N] [--batch-size 10000] [--db PATH] [--queries 1000] [--merge-factor 16]
        [--no-compact]

N synthetic articles (default 200,000), ids in random order: ~1,000 characters of text from a 5,000-word
vocabulary, a 128-value signature, 32 band keys and ~40 passage fingerprints (random uint64). One article in ten is a near copy of
an earlier one (half of its band keys and passage fingerprints), so that queries find something. Data is made
before each batch is timed, so the figures are the store's own.

Prints one JSON object: ``add`` (seconds in add_batch, articles/s, postings+article rows/s, bytes per article
on disk, segments), ``queries`` (p50/p99 in ms of ``--queries`` band_candidates and passage_candidates calls
with the keys of stored articles), the same after ``compact`` (unless ``--no-compact``), and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from copydesk.config import IndexConfig
from copydesk.model import Article, Fingerprints, IndexedArticle
from copydesk.store import SqliteStore

VOCAB = 5000
U64_MAX = np.iinfo(np.uint64).max


def make_batch(rng: np.random.Generator, start: int, size: int, vocab: list[str]) -> list[IndexedArticle]:
    items: list[IndexedArticle] = []
    sigs = rng.integers(0, U64_MAX, size=(size, 128), dtype=np.uint64, endpoint=True)
    bands = rng.integers(0, U64_MAX, size=(size, 32), dtype=np.uint64, endpoint=True)
    for i in range(size):
        n = start + i
        words = rng.integers(0, VOCAB, size=170)
        text = " ".join(vocab[w] for w in words)
        passages = rng.integers(0, U64_MAX, size=int(rng.integers(30, 51)), dtype=np.uint64, endpoint=True)
        band_keys = bands[i].copy()
        if i % 10 == 9:  # a near copy of the previous article
            band_keys = np.concatenate([bands[i - 1][:16], bands[i][16:]])
            passages = np.concatenate([items[-1].fingerprints.passages[:20], passages[20:]])
        fp = Fingerprints(
            content_hash=int(rng.integers(0, U64_MAX, dtype=np.uint64, endpoint=True)),
            words=len(words),
            signature=sigs[i].copy(),  # not a view: a kept probe must not hold its whole batch
            band_keys=band_keys,
            passages=np.unique(passages),
        )
        # ids in no particular order (as URLs or content hashes are): a bijection of n scrambles them
        article = Article(
            text=text,
            id=f"{(n * 0x9E3779B97F4A7C15) % 2**64:016x}",
            title=f"Story {n}",
            outlet=f"outlet{n % 50}",
        )
        items.append(IndexedArticle(article, fp))
    return items


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
    }


def time_queries(store: SqliteStore, probes: list[Fingerprints], max_postings: int) -> dict[str, object]:
    band, passage, found = [], [], 0
    for fp in probes:
        t = time.perf_counter()
        hits = store.band_candidates(fp.band_keys)
        band.append(time.perf_counter() - t)
        t = time.perf_counter()
        more = store.passage_candidates(fp.passages, max_postings=max_postings)
        passage.append(time.perf_counter() - t)
        found += len(hits) + len(more)
    return {"band_candidates": percentiles(band), "passage_candidates": percentiles(passage), "hits": found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=200_000, help="articles to add")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None, help="index file (default: a temporary one)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--merge-factor", type=int, default=16, help="SqliteStore(merge_factor=...)")
    parser.add_argument("--no-compact", action="store_true", help="skip compact() and the second query run")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(7)
    vocab = [f"w{i}{'x' * int(rng.integers(0, 8))}" for i in range(VOCAB)]
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "store_speed.db"
        store = SqliteStore(path, config=IndexConfig(), merge_factor=args.merge_factor)
        added = rows = 0
        seconds = 0.0
        probes: list[Fingerprints] = []
        for start in range(0, args.n, args.batch_size):
            items = make_batch(rng, start, min(args.batch_size, args.n - start), vocab)
            t = time.perf_counter()
            result = store.add_batch(items)
            seconds += time.perf_counter() - t
            added += result.added
            rows += sum(1 + len(i.fingerprints.band_keys) + len(i.fingerprints.passages) for i in items)
            picks = rng.choice(
                len(items), size=min(len(items), -(-args.queries * len(items) // args.n)), replace=False
            )
            probes += [items[int(k)].fingerprints for k in picks]
            print(f"{added:,} articles, {seconds:.1f} s", file=sys.stderr, flush=True)
        stats = store.stats()
        report: dict[str, object] = {
            "articles": added,
            "batch_size": args.batch_size,
            "add": {
                "seconds": round(seconds, 2),
                "articles_per_s": round(added / seconds),
                "rows_per_s": round(rows / seconds),
                "bytes_per_article": round(stats.bytes_on_disk / max(added, 1)),
                "segments": stats.segments,
            },
            "queries": time_queries(store, probes[: args.queries], IndexConfig().max_postings),
            "merge_factor": args.merge_factor,
        }
        if not args.no_compact:
            t = time.perf_counter()
            store.compact()
            report["compact_seconds"] = round(time.perf_counter() - t, 2)
            report["queries_after_compact"] = time_queries(
                store, probes[: args.queries], IndexConfig().max_postings
            )
        store.close()
        with sqlite3.connect(path) as con:
            pages = (
                con.execute("PRAGMA page_count").fetchone()[0]
                - con.execute("PRAGMA freelist_count").fetchone()[0]
            )
            page_size = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        report["bytes_per_article_closed"] = round(path.stat().st_size / max(added, 1))
        report["bytes_per_article_in_use"] = round(pages * page_size / max(added, 1))
        report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
