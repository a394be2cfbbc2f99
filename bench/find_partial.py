"""Partial reuse found from either side: short articles quoted inside a long query, and a digest in the index.

Usage (from the repository root)::

    python bench/find_partial.py ../shared/data/reuters21578/documents.jsonl.gz [--sizes 20,100,500]
        [--digest 100] [--db FILE]

The Reuters-21578 bodies (``{id, date, title, text}`` per line, see its README; id and text only) are
indexed once (``--db``
keeps the index for the next run). Then:

- joined: for each N of ``--sizes``, the first N bodies joined by blank lines are one query; ``find`` (no
  limit) should list each of them. Prints found/total, how many the engine calls related to the query at
  all (``findable``, for N up to ``--findable-max``), and the query's size and time (``find`` with no
  limit: the passages of every hit).
- digest: the first ``--digest`` bodies of 40 to 150 words are joined into one digest article, added to the
  index; ``find`` from each short article should list the digest (short -> digest), and ``find`` from the
  digest should list each short article (digest -> short).

An article whose text the index holds under another id counts as found when that id is. Prints one JSON
object per experiment.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from copydesk.config import CompareConfig
from copydesk.engine.index import Index
from copydesk.engine.overlap import overlap, prepare
from copydesk.model import Article


def _bodies(path: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") if path.name.endswith(".gz") else path.open() as f:
        for line in f:
            row = json.loads(line)
            if row.get("text", "").strip():
                out.append((str(row["id"]), row["text"]))
    return out


def _found(hits: set[str], ids: list[str], holder: dict[str, str]) -> int:
    return sum(holder.get(i, i) in hits for i in ids)


def _findable(query: Article, texts: list[tuple[str, str]]) -> int:
    """How many of ``texts`` the engine calls related to ``query`` (as `compare` would): the most `find`
    can list. Tables and other non-body lines of the query are not its text, so a body made only of them
    is not findable."""
    cfg = CompareConfig()
    pq = prepare(query, shingle_size=cfg.shingle_size)
    return sum(
        overlap(
            pq, prepare(Article(t, id=i), shingle_size=cfg.shingle_size), config=cfg, passages=False
        ).related(cfg)
        for i, t in texts
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source", type=Path, help="Reuters-21578 documents.jsonl(.gz)")
    p.add_argument("--sizes", default="20,100,500", help="comma-separated N of the joined queries")
    p.add_argument("--digest", type=int, default=100, help="short articles in the digest (0: none)")
    p.add_argument("--db", type=Path, default=Path("find_partial.db"), help="index file (made when absent)")
    p.add_argument(
        "--findable-max", type=int, default=500, help="count the findable articles for N up to this (slow)"
    )
    args = p.parse_args()
    bodies = _bodies(args.source)
    holder: dict[str, str] = {}
    fresh = not args.db.exists()
    with Index(args.db) as index:
        if fresh:
            summary = index.add(Article(text=t, id=i) for i, t in bodies)
            holder.update(summary.duplicate_of)
            Path(str(args.db) + ".aliases.json").write_text(json.dumps(holder))
        else:
            holder.update(json.loads(Path(str(args.db) + ".aliases.json").read_text()))
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            chosen = bodies[:n]
            query = Article(text="\n\n".join(t for _, t in chosen), id="joined")
            start = time.perf_counter()
            hits = {h.id for h in index.find(query, limit=None)}
            seconds = time.perf_counter() - start
            found = _found(hits, [i for i, _ in chosen], holder)
            row: dict[str, object] = {"experiment": "joined", "n": n, "found": found}
            if n <= args.findable_max:
                row["findable"] = _findable(query, chosen)
            row.update(total=n, query_mb=round(len(query.text) / 1e6, 3), seconds=round(seconds, 3))
            print(json.dumps(row), flush=True)
        if args.digest:
            short = [(i, t) for i, t in bodies if 40 <= len(t.split()) <= 150][: args.digest]
            digest = Article(text="\n\n".join(t for _, t in short), id="digest")
            if "digest" not in index.store.known(["digest"]):
                index.add([digest])
            ids = [i for i, _ in short]
            to_digest = sum(
                "digest" in {h.id for h in index.find(index.get(holder.get(i, i)), limit=None)} for i in ids
            )
            start = time.perf_counter()
            from_digest = _found({h.id for h in index.find("digest", limit=None)}, ids, holder)
            seconds = time.perf_counter() - start
            print(
                json.dumps(
                    {
                        "experiment": "digest",
                        "short": len(ids),
                        "findable": _findable(digest, short),
                        "short_finds_digest": to_digest,
                        "digest_finds_short": from_digest,
                        "digest_seconds": round(seconds, 3),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
