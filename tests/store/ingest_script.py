"""A synthetic ingest, run as a child process by the store tests (and importable for its item builder).

    python -m tests.store.ingest_script PATH --batches 20 --batch-size 500 [--seed 0] [--cache-mb 64]

Adds ``--batches`` batches of synthetic articles to the index at PATH. Batch ``k`` is always the same
articles (ids ``doc{k * batch_size + i:07d}``), so a re-run after a kill repeats the same input. Before each
``add_batch`` it prints ``adding k``, after its commit ``committed k added=N``, at the end ``done``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from copydesk.config import IndexConfig
from copydesk.model import Article, Fingerprints, IndexedArticle
from copydesk.store import SqliteStore

CONFIG = IndexConfig()
WORDS = [f"word{i}" for i in range(2000)]
U64_MAX = np.iinfo(np.uint64).max


def make_batch(
    batch: int, batch_size: int, *, seed: int = 0, config: IndexConfig = CONFIG
) -> list[IndexedArticle]:
    """Batch ``batch`` of the synthetic corpus: random texts and random uint64 fingerprints."""
    rng = np.random.default_rng([seed, batch])
    items = []
    for i in range(batch_size):
        n = batch * batch_size + i
        text = " ".join(WORDS[w] for w in rng.integers(0, len(WORDS), size=150))
        fp = Fingerprints(
            content_hash=int(rng.integers(0, U64_MAX, dtype=np.uint64, endpoint=True)),
            words=150,
            signature=rng.integers(0, U64_MAX, size=config.num_perm, dtype=np.uint64, endpoint=True),
            band_keys=rng.integers(0, U64_MAX, size=config.bands, dtype=np.uint64, endpoint=True),
            passages=np.unique(rng.integers(0, U64_MAX, size=40, dtype=np.uint64, endpoint=True)),
        )
        items.append(IndexedArticle(Article(text=text, id=f"doc{n:07d}", outlet=f"outlet{n % 7}"), fp))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cache-mb", type=int, default=64, help="small: a batch spills into the log before commit"
    )
    args = parser.parse_args(argv)
    with SqliteStore(args.path, config=CONFIG, cache_mb=args.cache_mb) as store:
        for k in range(args.batches):
            items = make_batch(k, args.batch_size, seed=args.seed)
            print(f"adding {k}", flush=True)
            result = store.add_batch(items)
            print(f"committed {k} added={result.added}", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
