"""Score reported matches against the labels of a generated corpus; shared by every engine's runner.

Labels: ``labels.jsonl`` of ``copydesk bench make-corpus``, one ``{"id", "kind", "sources": [ids]}`` per
article.
Results: for each query article, the ids of the articles the engine reports (verified) as sharing its text,
as ``(query_id, matched_ids)`` pairs in Python, or as JSONL ``{"query": id, "matches": [ids]}`` for
``copydesk bench score``.

Rules:

- Truth: two articles are related when they share a root story. An article without sources is its own root;
  one with sources has the roots of its sources (a merge has two). So a copy and its source, two copies of
  one source, a reissue and copies of its original, and a merge and either of its sources are related; a
  near-miss is related to nothing.
- Precision: over the distinct unordered pairs reported (a pair found from both ends counts once; a query
  matching itself is ignored), the share that is related. ``None`` when nothing is reported.
- Recall per derived kind, both directions: ``copy_to_source``, over derived articles that were queried:
  found when one of its sources is among its matches (what ``find COPY`` must do); ``source_to_copy``, over
  derived articles with a queried source: found when it is among that source's matches; ``either``: found
  one way or the other. Targets are checked on ``copy_to_source``.
- Near-misses: the share of near-miss queries with any match (every such match is false).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DERIVED_KINDS = ("verbatim", "light", "heavy", "excerpt", "merge", "reissue")
TARGETS = {"verbatim": 0.99, "light": 0.99, "excerpt": 0.95, "heavy": 0.85, "precision": 0.99}


@dataclass(frozen=True, slots=True)
class Labels:
    """Kind and sources of every article; ``roots`` holds the root stories of articles that have sources."""

    kind: dict[str, str]
    sources: dict[str, tuple[str, ...]]
    roots: dict[str, frozenset[str]]

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Labels:
        kind: dict[str, str] = {}
        sources: dict[str, tuple[str, ...]] = {}
        for r in records:
            kind[r["id"]] = r["kind"]
            if r.get("sources"):
                sources[r["id"]] = tuple(r["sources"])
        roots: dict[str, frozenset[str]] = {}
        for aid in sources:
            roots[aid] = _roots(aid, sources, roots, ())
        return cls(kind, sources, roots)

    @classmethod
    def load(cls, path: Path) -> Labels:
        return cls.from_records(read_jsonl(path))

    def roots_of(self, aid: str) -> frozenset[str]:
        return self.roots.get(aid) or frozenset((aid,))

    def related(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` share a root story (see the module docstring)."""
        return not self.roots_of(a).isdisjoint(self.roots_of(b))


def _roots(
    aid: str, sources: dict[str, tuple[str, ...]], memo: dict[str, frozenset[str]], path: tuple[str, ...]
) -> frozenset[str]:
    if aid in memo:
        return memo[aid]
    if aid not in sources:
        return frozenset((aid,))
    if aid in path:
        raise ValueError(f"labels have a source cycle through {aid!r}")
    out = frozenset().union(*(_roots(s, sources, memo, (*path, aid)) for s in sources[aid]))
    memo[aid] = out
    return out


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def score(results: Iterable[tuple[str, Iterable[str]]], labels: Labels) -> dict[str, Any]:
    """Precision, recall per derived kind (both directions) and near-miss false matches; JSON-ready."""
    matches: dict[str, set[str]] = {}
    for query, found in results:
        matches.setdefault(query, set()).update(m for m in found if m != query)
    pairs = {(a, b) if a < b else (b, a) for a, ms in matches.items() for b in ms}
    false_kinds: Counter[str] = Counter()
    true = 0
    for a, b in pairs:
        if labels.related(a, b):
            true += 1
        else:
            ka, kb = sorted((labels.kind.get(a, "unlabelled"), labels.kind.get(b, "unlabelled")))
            false_kinds[f"{ka}+{kb}"] += 1
    near = [q for q in matches if labels.kind.get(q) == "near_miss"]
    flagged = sum(1 for q in near if matches[q])
    recall = _recall(matches, labels)
    precision = true / len(pairs) if pairs else None
    return {
        "queries": len(matches),
        "reported_pairs": len(pairs),
        "true_pairs": true,
        "precision": _round(precision),
        "recall": recall,
        "near_miss": {
            "queries": len(near),
            "with_a_match": flagged,
            "rate": _round(_share(flagged, len(near))),
        },
        "false_pairs_by_kinds": dict(false_kinds.most_common()),
        "targets": _targets(recall, precision),
    }


def _recall(matches: dict[str, set[str]], labels: Labels) -> dict[str, dict[str, Any]]:
    tally: dict[str, Counter[str]] = {}
    for aid, srcs in labels.sources.items():
        kind = labels.kind[aid]
        if kind not in DERIVED_KINDS:
            continue
        t = tally.setdefault(kind, Counter())
        down = aid in matches and any(s in matches[aid] for s in srcs)
        queried_sources = [s for s in srcs if s in matches]
        up = any(aid in matches[s] for s in queried_sources)
        if aid in matches:
            t["c2s_n"] += 1
            t["c2s_found"] += down
        if queried_sources:
            t["s2c_n"] += 1
            t["s2c_found"] += up
        if aid in matches or queried_sources:
            t["either_n"] += 1
            t["either_found"] += down or up
    return {
        kind: {
            "copy_to_source": _round(_share(t["c2s_found"], t["c2s_n"])),
            "source_to_copy": _round(_share(t["s2c_found"], t["s2c_n"])),
            "either": _round(_share(t["either_found"], t["either_n"])),
            "n": t["either_n"],
        }
        for kind, t in sorted(tally.items(), key=lambda kv: DERIVED_KINDS.index(kv[0]))
    }


def _targets(recall: dict[str, dict[str, Any]], precision: float | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, goal in TARGETS.items():
        value = precision if name == "precision" else recall.get(name, {}).get("copy_to_source")
        out[name] = {"target": goal, "value": value, "met": value is not None and value >= goal}
    return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
