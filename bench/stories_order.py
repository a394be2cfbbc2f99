"""Do the stories depend on history? One build from scratch against the same articles in K random updates.

Usage (from the repository root)::

    python bench/stories_order.py DATA [--updates K] [--seed S] [--limit N]

``DATA``: articles as JSONL (``.gz`` too), one object per line with at least ``id`` and ``text`` (the METER
file of ``../shared/data/meter/``, or ``DIR/articles.jsonl`` of ``copydesk bench make-corpus``); ``--limit`` keeps
the first N lines. Builds the stories twice, each in a new temporary index:

- ``scratch``: every article added in file order, then one stories update;
- ``history``: the same articles shuffled (``--seed``), cut at random into ``--updates`` parts, each part
  added and followed by a stories update (``--updates 1``: one build in another input order).

Prints one JSON object: what the two give, and what differs: ``partition`` (stories with exactly the same
members in both, and those that are not), ``story_ids`` (same members, another id), ``roots`` (same members,
another root or hidden source), ``parents`` (articles with another parent or role), ``links`` (pairs
linked on one side only, and pairs linked on both with another verdict), with a few examples of each. The
contract of ``docs/stories-contract.md`` wants every difference at 0.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_EXAMPLES = 3


def _records(path: Path, limit: int | None) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    out: list[dict[str, Any]] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if line.strip():
                out.append(json.loads(line))
    return out


def _article(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: rec[k] for k in ("id", "text", "title", "date", "outlet", "url") if rec.get(k) is not None}


def _parts(items: list[dict[str, Any]], k: int, rnd: random.Random) -> Iterator[list[dict[str, Any]]]:
    """``items`` shuffled and cut at ``k - 1`` distinct random places (every part holds an article)."""
    order = list(items)
    rnd.shuffle(order)
    k = max(1, min(k, len(order)))
    cuts = sorted(rnd.sample(range(1, len(order)), k - 1)) if k > 1 else []
    bounds = [0, *cuts, len(order)]
    for lo, hi in itertools.pairwise(bounds):
        yield order[lo:hi]


def snapshot(ix: Any) -> dict[str, Any]:
    """The stories and links of an index as plain values: ``stories`` (frozenset of member ids -> id, root,
    hidden source), ``members`` (id -> (story members key, parent, role)), ``links`` ((a, b) -> verdict)."""
    store = ix.store
    stories = store.load_stories(store.story_listing(min_size=1))
    by_members: dict[frozenset[str], tuple[str, str | None, bool]] = {}
    members: dict[str, tuple[frozenset[str], str | None, str]] = {}
    for s in stories:
        key = frozenset(m.id for m in s.members)
        by_members[key] = (s.id, s.root, s.hidden_source)
        for m in s.members:
            members[m.id] = (key, m.parent, m.role)
    ids = list(store.ids())
    links = {(ln.a, ln.b): ln.verdict for ln in store.links_of(ids)} if ids else {}
    return {"stories": by_members, "members": members, "links": links}


def _short(key: frozenset[str]) -> list[str]:
    return sorted(key)[:4] + (["..."] if len(key) > 4 else [])


def differences(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """What differs between two snapshots (``a``: from scratch, ``b``: by updates)."""
    sa, sb = a["stories"], b["stories"]
    same = sa.keys() & sb.keys()
    only_a = sorted(sa.keys() - sb.keys(), key=len, reverse=True)
    only_b = sorted(sb.keys() - sa.keys(), key=len, reverse=True)
    other_id = sorted((k for k in same if sa[k][0] != sb[k][0]), key=len, reverse=True)
    other_root = sorted((k for k in same if sa[k][1:] != sb[k][1:]), key=len, reverse=True)
    ma, mb = a["members"], b["members"]
    parents = sorted(i for i in ma.keys() & mb.keys() if ma[i][1:] != mb[i][1:])
    moved = sorted(i for i in ma.keys() & mb.keys() if ma[i][0] != mb[i][0])
    la, lb = a["links"], b["links"]
    links_a, links_b = sorted(la.keys() - lb.keys()), sorted(lb.keys() - la.keys())
    verdicts = sorted(p for p in la.keys() & lb.keys() if la[p] != lb[p])
    return {
        "partition": {
            "same_members": len(same),
            "scratch_only": len(only_a),
            "history_only": len(only_b),
            "articles_in_another_story": len(moved),
            "examples": [
                {"scratch": _short(k), "history": _short(mb[next(iter(k))][0])}
                for k in only_a[:_EXAMPLES]
                if next(iter(k)) in mb
            ],
        },
        "story_ids": {
            "other_id": len(other_id),
            "examples": [
                {"members": _short(k), "scratch": sa[k][0], "history": sb[k][0]} for k in other_id[:_EXAMPLES]
            ],
        },
        "roots": {
            "other_root": len(other_root),
            "examples": [
                {"members": _short(k), "scratch": sa[k][1:], "history": sb[k][1:]}
                for k in other_root[:_EXAMPLES]
            ],
        },
        "parents": {
            "other_parent_or_role": len(parents),
            "examples": [{"id": i, "scratch": ma[i][1:], "history": mb[i][1:]} for i in parents[:_EXAMPLES]],
        },
        "links": {
            "scratch_only": len(links_a),
            "history_only": len(links_b),
            "other_verdict": len(verdicts),
            "examples": {
                "scratch_only": [[x, y, la[(x, y)]] for x, y in links_a[:_EXAMPLES]],
                "history_only": [[x, y, lb[(x, y)]] for x, y in links_b[:_EXAMPLES]],
                "other_verdict": [[x, y, la[(x, y)], lb[(x, y)]] for x, y in verdicts[:_EXAMPLES]],
            },
        },
    }


def _figures(snap: dict[str, Any]) -> dict[str, int]:
    sizes = [len(k) for k in snap["stories"]]
    return {
        "stories": len(sizes),
        "stories_2plus": sum(n > 1 for n in sizes),
        "members": sum(sizes),
        "links": len(snap["links"]),
    }


def run(data: Path, *, updates: int, seed: int, limit: int | None) -> dict[str, Any]:
    from copydesk.config import StoryConfig
    from copydesk.engine.index import Index

    config = StoryConfig()

    items = [_article(r) for r in _records(data, limit)]
    out: dict[str, Any] = {
        "data": str(data),
        "articles": len(items),
        "updates": updates,
        "seed": seed,
    }
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        with Index(Path(tmp) / "scratch.db", story_config=config) as ix:
            ix.add(items, workers=0)
            ix.update_stories()
            scratch = snapshot(ix)
        out["scratch_seconds"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        sizes = []
        with Index(Path(tmp) / "history.db", story_config=config) as ix:
            for part in _parts(items, updates, random.Random(seed)):
                sizes.append(len(part))
                ix.add(part, workers=0)
                ix.update_stories()
            history = snapshot(ix)
        out["history_seconds"] = round(time.perf_counter() - t, 1)
    out["update_sizes"] = sizes
    out["scratch"], out["history"] = _figures(scratch), _figures(history)
    out["differences"] = differences(scratch, history)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="articles as JSONL (.gz too): id, text, and optional fields")
    parser.add_argument(
        "--updates", type=int, default=2, help="updates the shuffled articles go in (default 2)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffle and the cuts (default 1)")
    parser.add_argument("--limit", type=int, default=None, help="keep the first N articles of DATA")
    args = parser.parse_args(argv)
    if args.updates < 1:
        parser.error(f"--updates must be at least 1, got {args.updates}")
    print(
        json.dumps(
            run(
                args.data,
                updates=args.updates,
                seed=args.seed,
                limit=args.limit,
            ),
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
