"""The stories of a corpus three ways: in memory (`copydesk.engine.batch.stories`, the definition), with the
local engine over an index (`Index.add`, `Index.update_stories`), and on Spark (`copydesk.backends.spark`,
local master by default); wall time per stage, peak memory, and whether each gives the definition's answer.

Usage (the corpus from ``copydesk bench make-corpus``)::

    copydesk bench make-corpus ../shared/data/reuters21578/documents.jsonl.gz --size 10000 --out /tmp/c10k
    python bench/spark_scale.py /tmp/c10k [--db PATH] [--master local[2]] [--partitions 4] [--out FILE]

Prints one JSON object:

- ``read``: seconds to read and check ``DIR/articles.jsonl`` (as ``copydesk add`` does);
- ``batch``: seconds and peak memory (MiB, PSS of this process) of the in-memory build, and what it found;
- ``local``: the index build (``add``, then ``update_stories``): seconds of each, peak memory (this process
  and its workers), and ``same_as_batch`` with the number of articles whose row of ``copydesk export
  stories`` differs from the definition's, and of links that differ;
- ``spark``: the input written (``input_seconds``), each stage's wall time in order (``stages``, as the
  stages run with their output written to a folder, as ``copydesk spark stories`` does), the tables
  collected, the total, the peak memory of this process, the JVM and the Python workers (MiB, PSS summed),
  and ``same_as_batch`` (every article row, story and link equal; the run fails loudly otherwise).

``--db`` keeps the index there (a new path) instead of a temporary file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from copydesk.bench.memory import TreePeak


def _mb(peak: TreePeak) -> float | None:
    return None if peak.peak_mb is None else round(peak.peak_mb)


def _rows(stories: Any) -> dict[str, dict[str, Any]]:
    from copydesk.engine.export import story_rows

    return {row["id"]: row for s in stories for row in story_rows(s)}


def _links(links: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (ln.a, ln.b): (
            round(ln.containment_a, 9),
            round(ln.containment_b, 9),
            ln.shared_words,
            ln.verdict,
            round(ln.confidence, 9),
        )
        for ln in links
    }


def _differ(a: dict[Any, Any], b: dict[Any, Any]) -> int:
    return sum(1 for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def local(
    articles: list[Any], db: Path, want_rows: dict[str, Any], want_links: dict[Any, Any]
) -> dict[str, Any]:
    from copydesk.engine.export import story_pages
    from copydesk.engine.index import Index

    out: dict[str, Any] = {}
    with TreePeak() as peak, Index(db) as ix:
        t = time.perf_counter()
        ix.add(articles)
        out["add_seconds"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        ix.update_stories()
        out["stories_seconds"] = round(time.perf_counter() - t, 1)
        rows = _rows(s for page in story_pages(ix) for s in page)
        links = _links(ix.store.links_of(sorted(rows)))
    out["peak_mb"] = _mb(peak)
    out["rows_differing"] = _differ(rows, want_rows)
    out["links_differing"] = _differ(links, want_links)
    out["same_as_batch"] = out["rows_differing"] == 0 and out["links_differing"] == 0
    return out


def spark(articles: list[Any], work: Path, want: Any, *, master: str, partitions: int) -> dict[str, Any]:
    from copydesk.backends import folder
    from copydesk.backends import spark as backend
    from copydesk.backends.records import link_row
    from copydesk.engine.export import story_rows

    out: dict[str, Any] = {"master": master, "partitions": partitions}
    stages: dict[str, float] = {}
    with TreePeak() as peak:
        start = time.perf_counter()
        folder.write_input(articles, work, run={})
        out["input_seconds"] = round(time.perf_counter() - start, 1)
        t = time.perf_counter()
        with backend.session_of(master, partitions=partitions) as session:
            session.sparkContext.setLogLevel("ERROR")
            out["session_seconds"] = round(time.perf_counter() - t, 1)
            last = time.perf_counter()

            def told(name: str, resumed: bool) -> None:
                nonlocal last
                now = time.perf_counter()
                stages[name] = round(now - last, 1)
                last = now

            found = backend.run(
                session,
                session.read.parquet(str(folder.input_path(work))),
                folder=str(work),
                partitions=partitions,
                on_stage=told,
            )
            t = time.perf_counter()
            rows = [r.asDict() for r in found.tables.articles.collect()]
            links = [r.asDict() for r in found.tables.links.collect()]
            stories = found.tables.stories.count()
            stages["collect"] = round(time.perf_counter() - t, 1)
        out["seconds"] = round(time.perf_counter() - start, 1)
    out["stages"] = stages
    out["peak_mb"] = _mb(peak)
    want_rows = [row for s, _ in want.stories for row in story_rows(s)]
    want_links = [{k: v for k, v in link_row(ln).items() if k != "evidence"} for ln in want.links]
    out["same_as_batch"] = rows == want_rows and links == want_links and stories == len(want.stories)
    if not out["same_as_batch"]:
        out["rows_differing"] = _differ({r["id"]: r for r in rows}, {r["id"]: r for r in want_rows})
        out["links_differing"] = _differ(
            {(r["a"], r["b"]): r for r in links}, {(r["a"], r["b"]): r for r in want_links}
        )
    return out


def run(corpus: Path, *, db: Path, work: Path, master: str, partitions: int) -> dict[str, Any]:
    from copydesk.engine import batch
    from copydesk.engine.intake import checked
    from copydesk.io import FieldMap, read

    out: dict[str, Any] = {"corpus": str(corpus)}
    t = time.perf_counter()
    skipped: list[Any] = []
    articles = list(checked(read([str(corpus / "articles.jsonl")], fields=FieldMap()), skipped, []))
    out["articles"] = len(articles)
    out["read_seconds"] = round(time.perf_counter() - t, 1)
    with TreePeak() as peak:
        t = time.perf_counter()
        want = batch.stories(articles)
        seconds = time.perf_counter() - t
    out["batch"] = {
        "seconds": round(seconds, 1),
        "peak_mb": _mb(peak),
        "stories": len(want.stories),
        "in_stories_of_two_or_more": sum(s.size for s, _ in want.stories if s.size > 1),
        "links": len(want.links),
    }
    out["local"] = local(articles, db, _rows(s for s, _ in want.stories), _links(want.links))
    out["spark"] = spark(articles, work, want, master=master, partitions=partitions)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder from copydesk bench make-corpus")
    ap.add_argument("--db", type=Path, help="keep the local index here (a new path)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    args = ap.parse_args(argv)
    if args.db is not None and args.db.exists():
        ap.error(f"{args.db} exists: pass a new path")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db if args.db is not None else Path(tmp) / "index.db"
        result = run(
            args.corpus, db=db, work=Path(tmp) / "spark", master=args.master, partitions=args.partitions
        )
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if result["spark"]["same_as_batch"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
