"""Plain scoring functions: ROC-AUC, F1, best threshold. No third-party dependency."""

from __future__ import annotations

from collections.abc import Sequence


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (probability that a positive outscores a negative; ties count half)."""
    pairs = sorted(zip(scores, labels, strict=True), key=lambda t: t[0])
    pos = sum(1 for _, y in pairs if y)
    neg = len(pairs) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += avg_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def f1(predicted: Sequence[bool], labels: Sequence[bool]) -> float:
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_f1(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The best F1 over all thresholds ``score >= t`` and that threshold (tuned on the data it scores)."""
    best = (0.0, 0.0)
    for t in sorted(set(scores)):
        value = f1([s >= t for s in scores], labels)
        if value > best[0]:
            best = (value, t)
    return best


def macro_f1(predicted: Sequence[str], labels: Sequence[str]) -> float:
    classes = sorted(set(labels))
    return sum(f1([p == c for p in predicted], [y == c for y in labels]) for c in classes) / len(classes)
