"""`copydesk stories` at scale, on a labelled corpus from ``copydesk bench make-corpus``.

Usage (from the repository root)::

    python bench/stories_scale.py DIR [--later 10000] [--db PATH] [--out FILE]

Adds all but the last ``--later`` articles of ``DIR/articles.jsonl`` to a new index, builds the stories
(timed: the full build), then adds the last ``--later`` articles and updates the stories (timed: the
incremental update). Prints one JSON object: the two timings, the peak RSS of this process, the stories
(count, sizes) and how the stories agree with the corpus labels:

- ``derived_with_source``: for each derived article (verbatim, light, heavy, excerpt, merge), whether it is
  in the same story as each of its sources, per kind (a merge counts once per source);
- ``near_miss_alone``: share of near-miss articles (same topic words, no shared text) in no story with the
  article they imitate.

``--db`` keeps the index at that path (it must not exist) instead of a temporary file, so that it can be
inspected or queried afterwards.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copydesk.bench.memory import peak_rss_mb


def _lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def _articles(path: Path, lo: int, hi: int) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if lo <= n < hi:
                yield json.loads(line)


def run(corpus: Path, *, later: int, db: Path) -> dict[str, Any]:
    from copydesk.engine.index import Index

    path = corpus / "articles.jsonl"
    total = _lines(path)
    first = max(total - later, 0)
    out: dict[str, Any] = {"corpus": str(corpus), "articles": total, "later": total - first}
    with Index(db) as ix:
        t = time.perf_counter()
        added = ix.add(_articles(path, 0, first))
        out["ingest_seconds"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        build = ix.update_stories()
        out["build"] = {**_summary(build.to_dict()), "seconds": round(time.perf_counter() - t, 1)}
        more = ix.add(_articles(path, first, total))
        t = time.perf_counter()
        update = ix.update_stories()
        out["update"] = {**_summary(update.to_dict()), "seconds": round(time.perf_counter() - t, 1)}
        out["peak_rss_mb"] = round(peak_rss_mb())
        out["stories"] = ix.store.story_counts()
        biggest = ix.store.story_heads(ix.store.story_listing(limit=5))
        out["biggest_stories"] = sorted((h.size for h in biggest.values()), reverse=True)
        alias = {**added.duplicate_of, **more.duplicate_of}
        out["agreement"] = _agreement(ix, corpus / "labels.jsonl", alias)
    return out


def _summary(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "merges"}


def _agreement(ix: Any, labels_path: Path, alias: dict[str, str]) -> dict[str, Any]:
    labels = [json.loads(line) for line in labels_path.open(encoding="utf-8")]
    ids = sorted(
        {alias.get(x["id"], x["id"]) for x in labels}
        | {alias.get(s, s) for x in labels for s in x["sources"]}
    )
    story = ix.store.story_of(ids)
    found: dict[str, Counter[bool]] = defaultdict(Counter)
    for x in labels:
        me = story.get(alias.get(x["id"], x["id"]))
        for s in x["sources"]:
            if x["kind"] == "reissue":
                continue
            found[x["kind"]][me is not None and me == story.get(alias.get(s, s))] += 1
        if x["kind"] == "near_miss":
            other = [story.get(alias.get(o, o)) for o in x.get("imitates", [])]
            found["near_miss_alone"][me not in other] += 1
    return {k: round(c[True] / max(sum(c.values()), 1), 4) for k, c in sorted(found.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--later", type=int, default=10_000, help="articles added after the full build")
    ap.add_argument("--db", type=Path, help="keep the index here (a new path)")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    if args.db is not None:
        if args.db.exists():
            ap.error(f"{args.db} exists: pass a new path")
        result = run(args.corpus, later=args.later, db=args.db)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args.corpus, later=args.later, db=Path(tmp) / "index.db")
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
