"""Load on `copydesk serve` over loopback: concurrent readers while a write job adds articles.

Usage (from the repository root)::

    python bench/serve_load.py CORPUS_OR_INDEX [--base 10000] [--add 2000] [--batch 500] [--clients 8]
        [--seconds 30] [--keep DB] [--add-from ARTICLES] [--delay 0] [--workers 1] [--readers 2]

CORPUS_OR_INDEX: a folder or file of articles as `copydesk add` reads them (e.g. a corpus of
``copydesk bench make-corpus``: its ``articles.jsonl``), or an index file (``.db``) to serve (then the ``--add``
articles come from ``--add-from``, a file of articles, and the index is copied first when ``--keep`` names
the copy: a write run changes the index). With a corpus, the first ``--base`` articles are indexed (stories
included; this is not timed), and the next ``--add`` are held back for the writer.

The 100k load test of issue 20 (an index of 90,000 articles of the generated 100k corpus, and a job adding
the other 10,000)::

    copydesk bench make-corpus DATA/reuters21578/documents.jsonl.gz --size 100000 --out /tmp/c100k
    head -n 90000 /tmp/c100k/articles.jsonl > base.jsonl; tail -n 10000 /tmp/c100k/articles.jsonl > held.jsonl
    copydesk add base.jsonl --db c90k.db && copydesk stories --db c90k.db
    python bench/serve_load.py c90k.db --keep run.db --add-from held.jsonl --add 10000 --batch 10000 \
        --clients 8 --seconds 180 --delay 30 --workers 2

The server runs in its own process (``copydesk serve`` with a token, ``--workers`` processes), so that the
clients' threads do not share its interpreter. ``--clients`` threads then, for ``--seconds``, each keep one
HTTP/1.1 connection and loop: ``POST /api/find`` with the text of a random indexed article (three times), a page (``GET
/stories?page=N``, once), and ``GET /api/health`` (once), which checks that the article count is the base plus
what whole batches add up to: a reader never sees a batch half added. Meanwhile (after ``--delay`` seconds) one
writer posts the held-back articles ``--batch`` at a time (``POST /api/articles``), waiting for each job.

Prints one JSON object: find and page latency (p50, p99, max in ms) over the whole run, and apart for the
requests made while no job ran (``reads_only``) and while one did (``while_adding``), requests per second,
errors (any answer other than 200), half batches seen, articles added and the write jobs' seconds.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _articles(path: Path, n: int) -> list[dict[str, Any]]:
    from copydesk.io import read
    from copydesk.model import Article

    out: list[dict[str, Any]] = []
    for r in itertools.islice(read([str(path)]), n):
        if isinstance(r, Article):
            out.append(
                {
                    "id": r.id,
                    "text": r.text,
                    "title": r.title,
                    "date": None if r.date is None else r.date.isoformat(),
                    "outlet": r.outlet,
                }
            )
    return out


def _pct(values: list[float], q: float) -> float | None:
    """The ``q`` quantile of ``values`` (seconds) in ms; None (JSON null, not NaN) when there are none."""
    if not values:
        return None
    s = sorted(values)
    return round(1000 * s[min(len(s) - 1, int(q * len(s)))], 1)


class Client:
    def __init__(self, port: int, token: str | None = None) -> None:
        self.con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        data = None if body is None else json.dumps(body).encode()
        start = time.perf_counter()
        self.con.request(method, path, body=data, headers=self.headers)
        r = self.con.getresponse()
        payload = r.read()
        return r.status, payload, time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", type=Path)
    p.add_argument("--base", type=int, default=10_000)
    p.add_argument("--add", type=int, default=2_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument(
        "--keep", type=Path, default=None, help="build (or copy) the index here (default: temporary)"
    )
    p.add_argument("--add-from", type=Path, default=None, help="articles the writer adds to an index given")
    p.add_argument("--delay", type=float, default=0.0, help="seconds of reads only before the writer starts")
    p.add_argument("--workers", type=int, default=1, help="copydesk serve --workers")
    p.add_argument("--readers", type=int, default=2, help="copydesk serve --readers")
    args = p.parse_args()
    from copydesk.engine.index import Index

    folder = Path(tempfile.mkdtemp(prefix="copydesk-load-"))
    if args.source.suffix == ".db":
        db, held = args.source, []
        if args.keep:
            db = args.keep
            shutil.copyfile(args.source, db)
        if args.add_from is not None:
            held = _articles(args.add_from, args.add)
        with Index(db, readonly=True) as index:
            ids = list(itertools.islice(index.store.ids(), 20_000))
            queries = [index.get(i).text for i in random.Random(1).sample(ids, min(2_000, len(ids)))]
    else:
        db = args.keep or folder / "index.db"
        rows = _articles(args.source, args.base + args.add)
        base, held = rows[: args.base], rows[args.base :]
        t0 = time.perf_counter()
        with Index(db) as index:
            index.add(base)
            index.update_stories()
        print(
            f"indexed {len(base):,} articles with stories in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
        queries = [r["text"] for r in random.Random(1).sample(base, min(2_000, len(base)))]
    with Index(db, readonly=True) as index:
        start_count = index.stats().articles
    token = secrets.token_hex(16)
    (folder / "token").write_text(token)
    port = _free_port()
    cmd = [sys.executable, "-c", "from copydesk.cli import main; main()", "serve", "--db", str(db)]
    cmd += ["--port", str(port), "--token-file", str(folder / "token"), "--max-body", "200MB"]
    cmd += ["--readers", str(args.readers)] + ([] if args.workers == 1 else ["--workers", str(args.workers)])
    server = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if Client(port).call("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        result = _run(port, token, queries, held, args, start_count)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)  # the token, and the index unless --keep put it elsewhere
    result.update(
        {
            "index": str(db) if args.keep or args.source.suffix == ".db" else "(temporary)",
            "base_articles": start_count,
            "clients": args.clients,
            "workers": args.workers,
            "readers": args.readers,
            "seconds": args.seconds,
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    )
    print(json.dumps(result, indent=2))


def _run(
    port: int, token: str, queries: list[str], held: list[dict[str, Any]], args: Any, base: int
) -> dict[str, Any]:
    stop = time.monotonic() + args.seconds
    lock = threading.Lock()
    find: list[float] = []
    pages: list[float] = []
    # (took, whether a write job ran when the request was sent) for find and pages
    phased: dict[str, list[tuple[float, bool]]] = {"find": [], "page": []}
    adding = threading.Event()
    counts = {"requests": 0, "errors": 0}
    error_samples: list[str] = []
    writes: dict[str, Any] = {"added": 0, "jobs": 0, "job_seconds": []}
    # article counts readers saw, and the counts a whole batch at a time can give: base plus the articles
    # each job added (a batch may add fewer than it sends: texts already stored become aliases)
    seen: set[int] = set()
    whole = [base]

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        c = Client(port)
        while time.monotonic() < stop:
            for method, path, body, into in (
                ("POST", "/api/find", {"text": rng.choice(queries), "limit": 10}, find),
                ("POST", "/api/find", {"text": rng.choice(queries), "limit": 10}, find),
                ("POST", "/api/find", {"text": rng.choice(queries), "limit": 10}, find),
                ("GET", f"/stories?page={rng.randint(1, 20)}", None, pages),
                ("GET", "/api/health", None, None),
            ):
                during = adding.is_set()
                status, payload, took = c.call(method, path, body)
                during = during or adding.is_set()
                with lock:
                    counts["requests"] += 1
                    if status != 200:
                        counts["errors"] += 1
                        if len(error_samples) < 5:
                            error_samples.append(f"{status} {path}: {payload[:200]!r}")
                    elif into is not None:
                        into.append(took)
                        phased["find" if into is find else "page"].append((took, during))
                    else:
                        seen.add(json.loads(payload)["articles"])

    def writer() -> None:
        time.sleep(args.delay)
        c = Client(port, token)
        for start in range(0, len(held), args.batch):
            if time.monotonic() >= stop:
                return
            status, payload, _ = c.call("POST", "/api/articles", held[start : start + args.batch])
            if status != 202:
                with lock:
                    counts["errors"] += 1
                    error_samples.append(f"{status} POST /api/articles: {payload[:200]!r}")
                return
            job = json.loads(payload)["job"]
            adding.set()
            t0 = time.perf_counter()
            while True:
                body = json.loads(c.call("GET", f"/api/jobs/{job}")[1])
                if body["state"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            adding.clear()
            writes["jobs"] += 1
            writes["job_seconds"].append(round(time.perf_counter() - t0, 2))
            if body["state"] == "done":
                writes["added"] += body["summary"]["added"]
                whole.append(whole[-1] + body["summary"]["added"])
            else:
                error_samples.append(f"job {job} failed: {body['error']}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.clients)]
    if held:
        threads.append(threading.Thread(target=writer))
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "find_ms": {"p50": _pct(find, 0.5), "p99": _pct(find, 0.99), "max": _pct(find, 1.0), "n": len(find)},
        "page_ms": {
            "p50": _pct(pages, 0.5),
            "p99": _pct(pages, 0.99),
            "max": _pct(pages, 1.0),
            "n": len(pages),
        },
        **{
            phase: {
                f"{kind}_ms": {
                    "p50": _pct(values, 0.5),
                    "p99": _pct(values, 0.99),
                    "n": len(values),
                }
                for kind in ("find", "page")
                for values in [[t for t, d in phased[kind] if d == during]]
            }
            for phase, during in (("reads_only", False), ("while_adding", True))
        },
        "requests_per_second": round(counts["requests"] / wall, 1),
        "requests": counts["requests"],
        "errors": counts["errors"],
        "error_samples": error_samples,
        "half_batches_seen": len(seen - set(whole)),
        "article_counts_seen": sorted(seen),
        "writes": writes,
    }


if __name__ == "__main__":
    main()
