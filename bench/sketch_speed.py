"""Fingerprinting speed of copydesk against datasketch and rensa, end to end from text to signature.

Usage::

    python bench/sketch_speed.py ARTICLES.jsonl[.gz] [--limit N] [--repeat R] [--batch-size B] [--cpu C]

ARTICLES: JSON Lines (optionally gzip), one object per line with a ``"text"`` field (for example
``../shared/data/reuters21578/documents.jsonl.gz``). Prints one JSON object: articles/s and MB/s (UTF-8
bytes of the texts) of each system, best of R runs, with the process pinned to one CPU so that no library
gets a second core.

- copydesk: `copydesk.sketch.batch.fingerprint_batch` in batches of B texts with the default
  `IndexConfig` (5-word shingles, 128 permutations, 32 bands): folding, tokenizing, word hashes, shingles,
  content hash, MinHash, band keys and winnowing, one `Fingerprints` per article.
- datasketch: its own tokenization in Python (``text.lower().split()``, 5-word shingles joined by spaces,
  UTF-8 encoded), then ``MinHash.generator`` (a copy of one initialized MinHash and ``update_batch`` per
  article, its recommended bulk path), 128 permutations.
- rensa: the same tokenization, then ``RMinHash(128, seed).update(shingles)`` and ``digest()`` per article;
  ``rensa_bulk`` feeds the same shingles to ``RMinHash.digest_matrix_from_token_sets`` in one call per batch.

datasketch and rensa are optional (``pip install 'copydesk[bench]'``); a missing one is reported and skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

NUM_PERM = 128
SHINGLE = 5
SEED = 1


def read_texts(path: Path, limit: int | None) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    texts: list[str] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record.get("text") if isinstance(record, dict) else None
            if not isinstance(text, str):
                raise SystemExit(f"{path}:{number}: no string field 'text'")
            texts.append(text)
            if limit is not None and len(texts) >= limit:
                break
    return texts


def python_shingles(text: str) -> list[bytes]:
    """The competitors' tokenization: lower-cased whitespace words, 5-word shingles, UTF-8."""
    words = text.lower().split()
    if len(words) < SHINGLE:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)]


def batches(texts: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(texts), size):
        yield texts[i : i + size]


def run_copydesk(texts: Sequence[str], batch_size: int) -> int:
    from copydesk.config import IndexConfig
    from copydesk.sketch.batch import fingerprint_batch

    config = IndexConfig(shingle_size=SHINGLE, num_perm=NUM_PERM, seed=SEED)
    done = 0
    for chunk in batches(texts, batch_size):
        done += len(fingerprint_batch(chunk, config=config))
    return done


def run_datasketch(texts: Sequence[str], batch_size: int) -> int:
    from datasketch import MinHash

    done = 0
    for m in MinHash.generator((python_shingles(t) for t in texts), num_perm=NUM_PERM, seed=SEED):
        m.digest()
        done += 1
    return done


def run_rensa(texts: Sequence[str], batch_size: int) -> int:
    from rensa import RMinHash

    done = 0
    for text in texts:
        m = RMinHash(num_perm=NUM_PERM, seed=SEED)
        m.update(python_shingles(text))
        m.digest()
        done += 1
    return done


def run_rensa_bulk(texts: Sequence[str], batch_size: int) -> int:
    from rensa import RMinHash

    done = 0
    for chunk in batches(texts, batch_size):
        RMinHash.digest_matrix_from_token_sets([python_shingles(t) for t in chunk], NUM_PERM, SEED)
        done += len(chunk)
    return done


SYSTEMS: dict[str, tuple[str | None, Callable[[Sequence[str], int], int]]] = {
    "copydesk": (None, run_copydesk),
    "datasketch": ("datasketch", run_datasketch),
    "rensa": ("rensa", run_rensa),
    "rensa_bulk": ("rensa", run_rensa_bulk),
}


def available(module: str | None) -> str | None:
    """None when ``module`` imports, else the reason it does not."""
    if module is None:
        return None
    try:
        __import__(module)
    except ImportError as exc:
        return f"{module} is not installed ({exc}); pip install 'copydesk[bench]'"
    return None


# Builds copydesk's two lazily made tables (code-point classes, character folding: about 0.6 s once per
# process) during the warm-up, so that the figures are the steady state of a long ingest.
WARM_UP = ["Warm-up text, café… ½"] * 5


def measure(
    run: Callable[[Sequence[str], int], int], texts: Sequence[str], batch_size: int, repeat: int
) -> dict[str, float]:
    run([*WARM_UP, *texts[:200]], batch_size)  # warm-up: imports, lazily built tables, permutations
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        count = run(texts, batch_size)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        assert count == len(texts)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return {
        "seconds": round(best_wall, 4),
        "cpu_seconds": round(best_cpu, 4),
        "articles_per_s": round(len(texts) / best_wall, 1),
        "mb_per_s": round(mb / best_wall, 3),
        "articles_per_cpu_s": round(len(texts) / best_cpu, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="JSONL or JSONL.gz file of objects with a 'text' field")
    parser.add_argument("--limit", type=int, default=None, help="read at most this many articles")
    parser.add_argument("--repeat", type=int, default=3, help="runs per system; the best is reported")
    parser.add_argument("--batch-size", type=int, default=4096, help="texts per fingerprint_batch call")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the last allowed)")
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of {','.join(SYSTEMS)}"
    )
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"error: no such file: {args.path}", file=sys.stderr)
        return 2
    cpu = None
    if hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        cpu = args.cpu if args.cpu is not None else allowed[-1]
        os.sched_setaffinity(0, {cpu})
    texts = read_texts(args.path, args.limit)
    if not texts:
        print(f"error: no articles in {args.path}", file=sys.stderr)
        return 2
    from copydesk.sketch.words import word_hashes_batch

    _, offsets = word_hashes_batch(texts)
    report: dict[str, Any] = {
        "data": str(args.path),
        "articles": len(texts),
        "mb": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 3),
        "words_per_article": round(float(offsets[-1]) / len(texts), 1),
        "pinned_cpu": cpu,
        "num_perm": NUM_PERM,
        "shingle_size": SHINGLE,
        "repeat": args.repeat,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "results": {},
        "skipped": {},
    }
    for name in args.systems.split(","):
        if name not in SYSTEMS:
            print(f"error: unknown system {name!r}; choose from {','.join(SYSTEMS)}", file=sys.stderr)
            return 2
        module, run = SYSTEMS[name]
        reason = available(module)
        if reason is not None:
            print(f"skipping {name}: {reason}", file=sys.stderr)
            report["skipped"][name] = reason
            continue
        report["results"][name] = measure(run, texts, args.batch_size, args.repeat)
    ours = report["results"].get("copydesk")
    if ours:
        report["copydesk_speedup"] = {
            name: round(ours["articles_per_s"] / r["articles_per_s"], 2)
            for name, r in report["results"].items()
            if name != "copydesk"
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
