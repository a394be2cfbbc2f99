"""Exact all-pairs audit of a generated corpus under the benchmark's verification rule.

Usage (from the repository root)::

    python bench/audit_corpus.py DIR [--show 20]

Compares every pair of articles in ``DIR/articles.jsonl`` on their 3-word shingle sets (the tokens and the
rule of `copydesk.bench.baselines`: larger containment >= 0.2 and >= 10 shared shingles) with a sparse matrix
product, and checks each pair the rule keeps against ``DIR/labels.jsonl``. Prints one JSON object:

- ``rule_pairs``: pairs the rule keeps; ``related`` / ``unrelated``: how the labels call them;
- ``precision_ceiling``: ``related / rule_pairs``, the precision of an engine that proposes every pair and
  decides by this rule (its false pairs are stock phrases and templates, not label errors: see the pool's
  cleaning in `copydesk.bench.generator.pool`);
- ``unrelated_by_kinds`` and, with ``--show N``, the N unrelated pairs of highest containment.

Needs scipy. Time and memory grow with the square of shared common shingles: fine at 20k and 100k
articles (seconds at 20k, about 2 minutes at 100k), not meant for 1M.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from copydesk.bench.baselines import MIN_CONTAINMENT, MIN_SHARED, tokens, verify_set
from copydesk.bench.generator.pool import incidence
from copydesk.bench.scoring import Labels, read_jsonl


def audit(corpus: Path, *, show: int = 0, block: int = 1000) -> dict[str, Any]:
    """All pairs the verification rule keeps in ``corpus``, checked against its labels."""
    if importlib.util.find_spec("scipy") is None:
        raise SystemExit("audit_corpus needs scipy: pip install -e '.[bench]'")
    labels = Labels.load(corpus / "labels.jsonl")
    ids: list[str] = []
    sets: list[np.ndarray] = []
    for art in read_jsonl(corpus / "articles.jsonl"):
        ids.append(art["id"])
        sets.append(verify_set(tokens(art["text"])))
    x = incidence(sets)
    sizes = np.array([len(s) for s in sets])
    xt = x.T.tocsc()
    related = 0
    unrelated: list[tuple[float, str, str]] = []
    for start in range(0, len(sets), block):
        c = (x[start : start + block] @ xt).tocoo()
        r = c.row + start
        keep = r < c.col
        r, col, shared = r[keep], c.col[keep], c.data[keep]
        top = shared / np.maximum(np.minimum(sizes[r], sizes[col]), 1)
        hit = (shared >= MIN_SHARED) & (top >= MIN_CONTAINMENT)
        for a, b, t in zip(r[hit].tolist(), col[hit].tolist(), top[hit].tolist(), strict=True):
            if labels.related(ids[a], ids[b]):
                related += 1
            else:
                unrelated.append((t, ids[a], ids[b]))
    kinds = Counter("+".join(sorted((labels.kind[a], labels.kind[b]))) for _, a, b in unrelated)
    total = related + len(unrelated)
    unrelated.sort(reverse=True)
    return {
        "corpus": str(corpus),
        "articles": len(ids),
        "rule": f"3-word shingle sets: max containment >= {MIN_CONTAINMENT}, shared >= {MIN_SHARED}",
        "rule_pairs": total,
        "related": related,
        "unrelated": len(unrelated),
        "precision_ceiling": round(related / total, 4) if total else None,
        "unrelated_by_kinds": dict(kinds.most_common()),
        "top_unrelated": [{"containment": round(t, 3), "a": a, "b": b} for t, a, b in unrelated[:show]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Exact all-pairs audit of a generated corpus's labels.")
    parser.add_argument("corpus", type=Path, help="directory with articles.jsonl and labels.jsonl")
    parser.add_argument(
        "--show", type=int, default=0, help="list the N unrelated pairs of highest containment"
    )
    args = parser.parse_args(argv)
    for name in ("articles.jsonl", "labels.jsonl"):
        if not (args.corpus / name).is_file():
            parser.error(f"{args.corpus / name} not found (make it with copydesk bench make-corpus)")
    print(json.dumps(audit(args.corpus, show=args.show), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
