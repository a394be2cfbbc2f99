"""Is a link's confidence a probability? Reliability and expected calibration error on METER-format data.

The engine links every text of the file as `copydesk.engine.batch.stories` does (default settings), and each
verified link gets a gold outcome (see `copydesk.provenance.calibration` for the rule: a PA text and a derived
copy of its story: right when the copy is said to derive from it; two derived copies of one story: right
when ``common_source``; a link touching a non-derived copy or joining two stories: wrong; two PA texts, and
the links of a wire story's headers (fixed confidence), left out).

Figures: the reliability table and expected calibration error (ECE, 10 equal-width bins) of the raw
confidence, of the shipped tables (`copydesk.provenance.calibration`: fitted on this very part when it is
METER's development part, so in-sample), and cross-validated: isotonic tables fitted on the links of half the
stories and scored on the other half, both ways (2 folds by story), which is the figure to quote.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from copydesk.bench.stories import MeterGold, meter_articles
from copydesk.config import CompareConfig
from copydesk.engine import batch
from copydesk.engine.articles import as_article
from copydesk.engine.stages import prepare
from copydesk.provenance.calibration import (
    Calibration,
    calibrate,
    expected_calibration_error,
    isotonic,
    reliability,
)
from copydesk.provenance.verdict import verdict


@dataclass(frozen=True, slots=True)
class Judged:
    """One verified link with its gold: verdict, raw and shipped confidence, right or not, and the gold
    story that puts it in a fold."""

    a: str
    b: str
    verdict: str
    raw: float
    confidence: float
    right: bool
    story: str


def _outcome(a: str, b: str, v: str, gold: MeterGold, story: Mapping[str, str]) -> bool | None:
    """Whether the verdict ``v`` of the link (a, b) is right by METER's gold, None when it has none."""
    if a not in story or b not in story:
        return None
    src_a, src_b = gold.label.get(a) is None, gold.label.get(b) is None
    if src_a and src_b:
        return None  # two PA texts: no gold between versions of a wire story
    if story[a] != story[b] or gold.label.get(a) == "non-derived" or gold.label.get(b) == "non-derived":
        return False
    if src_a != src_b:
        copy_side = "b" if src_a else "a"
        return v == ("a_from_b" if copy_side == "a" else "b_from_a")
    return v == "common_source"


def judged_links(rows: Sequence[Mapping[str, Any]], *, config: CompareConfig | None = None) -> list[Judged]:
    """The verified links among ``rows`` (METER-format objects) with their gold outcome, by (a, b)."""
    cfg = config or CompareConfig()
    gold = MeterGold.from_rows(rows)
    arts = [as_article(a) for a in meter_articles(rows)]
    found = batch.stories(arts, compare_config=cfg)
    story = gold.joined(found.holder)
    items = {it.article.id or "": it for it in prepare.items(arts, shingle_size=cfg.shingle_size)}
    out = []
    for ln in found.links:
        if any(e.kind == "wire_story" for e in ln.evidence):
            continue  # a header's link, with its fixed confidence
        right = _outcome(ln.a, ln.b, ln.verdict, gold, story)
        if right is None:
            continue
        v, raw, _ = verdict(
            dataclasses.replace(items[ln.a].signals, containment=ln.containment_a),
            dataclasses.replace(items[ln.b].signals, containment=ln.containment_b),
            shared_words=ln.shared_words,
            related_containment=cfg.related_containment,
            min_shared_words=cfg.min_shared_words,
            calibrated=False,
        )
        out.append(Judged(ln.a, ln.b, v, raw, ln.confidence, right, story[ln.a]))
    return out


def _fold(story: str) -> int:
    return int(hashlib.sha256(f"fold:{story}".encode()).hexdigest(), 16) % 2


def _directed(v: str) -> bool:
    return v in ("a_from_b", "b_from_a")


def fit(links: Sequence[Judged]) -> tuple[Calibration | None, Calibration | None]:
    """Isotonic tables (directed verdicts, ``common_source``) fitted on ``links`` (None for a kind without
    links)."""
    directed = [j for j in links if _directed(j.verdict)]
    common = [j for j in links if j.verdict == "common_source"]
    return (
        isotonic([j.raw for j in directed], [j.right for j in directed]) if directed else None,
        isotonic([j.raw for j in common], [j.right for j in common]) if common else None,
    )


def _apply(tables: tuple[Calibration | None, Calibration | None], j: Judged) -> float:
    table = tables[0] if _directed(j.verdict) else tables[1]
    return j.raw if table is None else float(table.apply(j.raw))


def _table(conf: Sequence[float], right: Sequence[bool]) -> dict[str, Any]:
    return {
        "ece": round(expected_calibration_error(conf, right), 4),
        "reliability": [
            {
                "bin": f"[{b.low:.1f}, {b.high:.1f})",
                "links": b.count,
                "confidence": round(b.confidence, 4),
                "right": round(b.right, 4),
            }
            for b in reliability(conf, right)
        ],
    }


def calibration_figures(
    rows: Sequence[Mapping[str, Any]], *, config: CompareConfig | None = None
) -> dict[str, Any]:
    """The calibration figures of the module docstring, JSON-ready."""
    links = judged_links(rows, config=config)
    right = [j.right for j in links]
    cv: list[float] = [0.0] * len(links)
    for held in (0, 1):
        tables = fit([j for j in links if _fold(j.story) != held])
        for k, j in enumerate(links):
            if _fold(j.story) == held:
                cv[k] = _apply(tables, j)
    refit = fit(links)
    return {
        "method": (
            "isotonic regression (pool adjacent violators) of 'the verdict is right' on the raw confidence, one "
            "table for directed verdicts and one for common_source (copydesk.provenance.calibration)"
        ),
        "links": len(links),
        "right": sum(right),
        "by_verdict": {
            v: sum(1 for j in links if j.verdict == v) for v in ("a_from_b", "b_from_a", "common_source")
        },
        "raw": _table([j.raw for j in links], right),
        "shipped_in_sample": {
            "note": "the tables in the code, fitted on METER's development part: in-sample there",
            **_table([calibrate(j.verdict, j.raw) for j in links], right),
        },
        "cross_validated": {
            "note": "2 folds by story: tables fitted on one half of the stories, scored on the other",
            **_table(cv, right),
        },
        "fitted_here": {
            "directed": None if refit[0] is None else {"raw": refit[0].raw, "right": refit[0].right},
            "common_source": None if refit[1] is None else {"raw": refit[1].raw, "right": refit[1].right},
        },
        "mean_confidence_right": round(float(np.mean([j.confidence for j in links if j.right])), 4)
        if any(right)
        else None,
    }
