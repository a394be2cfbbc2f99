"""Derivation detection and word-level reuse on METER-format data (see shared/data/meter/README.md).

Input: JSONL (optionally gzip) with one object per text: ``id``, ``story``, ``role`` (``source`` for a PA
wire text, ``copy`` for a newspaper article), ``label`` (``wholly-derived``, ``partially-derived``,
``non-derived``, null for sources), ``text``, and optionally ``spans`` (``start``, ``end``, ``tag`` in
``Verbatim``, ``Rewrite``, ``New``) on copies.

Each copy is compared with every source of its story, as `compare(copy, source)` at default settings. The
copy's containment is the share of its words found in shared shingles of any of those sources (newspapers
draw on several versions of one wire story); it is derived when that share reaches the engine's own
decision threshold, ``CompareConfig.related_containment``. Its reused words (for the word-level score)
are exactly those `compare` reports in ``Comparison.reused_a`` for any of those sources (paired sentences,
shared runs of two content words or more, clauses paired with a source clause: `copydesk.align.clauses`).

``calibration``: whether the confidence of the engine's links is a probability (reliability table and
expected calibration error, in-sample and cross-validated; see `copydesk.bench.confidence`).
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from copydesk.bench.metrics import best_f1, f1, macro_f1, roc_auc
from copydesk.config import CompareConfig
from copydesk.engine.compare import compare
from copydesk.errors import InputError
from copydesk.text.tokens import tokenize

# Share of a copy's words that must come from the wire for the 3-way answer "wholly derived". METER calls a
# text wholly derived when the wire is its only source; two thirds leaves room for the words every paper
# writes itself (headline-style openers, attributions). Fixed a priori, not tuned on the file scored.
WHOLLY_SHARE = 2 / 3


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=line_no) from exc


def _inside(starts: np.ndarray, ends: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """For each word [start, end), whether it lies inside one of the sorted, disjoint spans."""
    if not spans:
        return np.zeros(len(starts), dtype=bool)
    lo = np.asarray([s for s, _ in spans])
    hi = np.asarray([e for _, e in spans])
    k = np.searchsorted(lo, starts, side="right") - 1
    ok = k >= 0
    return ok & (ends <= np.where(ok, hi[np.maximum(k, 0)], -1))


def evaluate_meter(
    path: Path, *, details: Path | None = None, config: CompareConfig | None = None
) -> dict[str, Any]:
    """Score the engine on one METER-format file; returns the figures as a JSON-ready dict."""
    cfg = config or CompareConfig()
    rows = list(read_jsonl(path))
    sources: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("role") == "source":
            sources[r["story"]].append(r)
    copies = [r for r in rows if r.get("role") == "copy" and r.get("label")]
    if not copies:
        raise InputError("no labelled copies (role 'copy' with a label) in this file", path=str(path))

    scores: list[float] = []
    decided: list[bool] = []
    pairwise: list[bool] = []
    gold: list[bool] = []
    three_pred: list[str] = []
    three_gold: list[str] = []
    tok_tp = tok_fp = tok_fn = 0
    out = details.open("w", encoding="utf-8") if details else None
    try:
        for r in copies:
            text = r["text"]
            toks = tokenize(text)
            shared = np.zeros(len(toks), dtype=bool)
            reused = np.zeros(len(toks), dtype=bool)
            verdicts: list[str] = []
            for src in sources.get(r["story"], []):
                c = compare({"text": text, "id": r["id"]}, {"text": src["text"], "id": src["id"]}, config=cfg)
                verdicts.append(c.verdict)
                shared |= _inside(toks.starts, toks.ends, list(c.shared_a))
                reused |= _inside(toks.starts, toks.ends, list(c.reused_a))
            containment = float(shared.mean()) if len(toks) else 0.0
            share = float(reused.mean()) if len(toks) else 0.0
            related = containment >= cfg.related_containment and int(shared.sum()) >= cfg.min_shared_words
            pred3 = (
                "non-derived"
                if not related
                else ("wholly-derived" if share >= WHOLLY_SHARE else "partially-derived")
            )
            scores.append(containment)
            decided.append(related)
            pairwise.append(any(v != "unrelated" for v in verdicts))
            gold.append(r["label"] != "non-derived")
            three_pred.append(pred3)
            three_gold.append(r["label"])
            if r.get("spans"):
                tagged = sorted((s["start"], s["end"], s["tag"]) for s in r["spans"])
                pos = [(s, e) for s, e, t in tagged if t in ("Verbatim", "Rewrite")]
                neg = [(s, e) for s, e, t in tagged if t == "New"]
                is_pos = _inside(toks.starts, toks.ends, pos)
                is_neg = _inside(toks.starts, toks.ends, neg)
                tok_tp += int((reused & is_pos).sum())
                tok_fp += int((reused & is_neg).sum())
                tok_fn += int((~reused & is_pos).sum())
            if out is not None:
                record = {
                    "id": r["id"],
                    "label": r["label"],
                    "predicted": pred3,
                    "containment": round(containment, 4),
                    "reused_share": round(share, 4),
                    "verdicts": verdicts,
                }
                out.write(json.dumps(record) + "\n")
    finally:
        if out is not None:
            out.close()

    # imported here: copydesk.bench.confidence reads the gold through copydesk.bench.stories, which reads
    # files with this module's `read_jsonl`
    from copydesk.bench.confidence import calibration_figures

    calibration = calibration_figures(rows, config=cfg)
    best_value, best_threshold = best_f1(scores, gold)
    token_f1 = 2 * tok_tp / (2 * tok_tp + tok_fp + tok_fn) if tok_tp else 0.0
    return {
        "data": str(path),
        "copies": len(copies),
        "derived": sum(gold),
        "non_derived": len(gold) - sum(gold),
        "copies_with_spans": sum(1 for r in copies if r.get("spans")),
        "score": "containment: share of the copy's words found in shingles of its story's sources (0..1)",
        "auc": round(roc_auc(scores, gold), 4),
        "binary_f1": round(f1(decided, gold), 4),
        "decision": (
            f"engine default: derived when >= {cfg.related_containment} of the copy's words are found in its "
            f"sources and at least {cfg.min_shared_words} words are shared"
        ),
        "binary_f1_pairwise": round(f1(pairwise, gold), 4),
        "pairwise_note": "derived when compare() calls at least one (copy, source) pair related",
        "all_derived_f1": round(f1([True] * len(gold), gold), 4),
        "all_derived_note": "F1 of calling every copy derived: the floor any useful decision must be read against",
        "best_f1": round(best_value, 4),
        "best_threshold": round(best_threshold, 4),
        "best_f1_note": "threshold tuned on this very file: for reference, not a headline figure",
        "macro_f1": round(macro_f1(three_pred, three_gold), 4),
        "wholly_share": round(WHOLLY_SHARE, 4),
        "token_f1": round(token_f1, 4),
        "token_precision": round(tok_tp / (tok_tp + tok_fp), 4) if tok_tp else 0.0,
        "token_recall": round(tok_tp / (tok_tp + tok_fn), 4) if tok_tp else 0.0,
        "calibration": calibration,
    }
