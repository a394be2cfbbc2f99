"""Scores of a clustering against a gold clustering: adjusted Rand index and B-cubed.

Both clusterings are given as one label per item, in the same item order (labels are any hashable values;
only equality matters). The counts come from the sparse contingency table (one cell per pair of a gold and a
predicted cluster that share items), so a corpus of many small clusters costs O(n log n), not O(k * l).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.errors import ConfigError

_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009), each in [0, 1].

    precision: mean over items of the share of the item's predicted cluster that is in its gold cluster;
    recall: the same with the roles swapped; f1: harmonic mean of the two means.
    """

    precision: float
    recall: float
    f1: float


def _codes(labels: Sequence[Hashable]) -> _Ints:
    index: dict[Hashable, int] = {}
    return np.fromiter((index.setdefault(x, len(index)) for x in labels), dtype=np.int64, count=len(labels))


def contingency(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[_Ints, _Ints, _Ints]:
    """The non-empty cells of the contingency table.

    Returns ``(g, p, n)``: cell k holds ``n[k]`` items of gold cluster ``g[k]`` and predicted cluster
    ``p[k]`` (clusters numbered in order of first appearance). Raises `ConfigError` when the two sequences
    differ in length or are empty.
    """
    if len(gold) != len(predicted):
        raise ConfigError(
            f"gold and predicted must label the same items, got {len(gold)} and {len(predicted)}"
        )
    if not gold:
        raise ConfigError("cannot score a clustering of no items")
    g, p = _codes(gold), _codes(predicted)
    width = int(p.max()) + 1
    keys, n = np.unique(g * width + p, return_counts=True)
    return keys // width, keys % width, n.astype(np.int64)


def _pairs(x: npt.NDArray[np.int64]) -> float:
    return float((x * (x - 1) // 2).sum())


def adjusted_rand_index(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of ``predicted`` against ``gold``, in [-1, 1].

    1 for identical partitions, about 0 for a random one. When both partitions are trivial in the same way
    (all singletons, or one cluster) the index is undefined (0 / 0); it is then 1, as in scikit-learn.
    """
    g, p, n = contingency(gold, predicted)
    total = len(gold) * (len(gold) - 1) / 2
    index = _pairs(n)
    sum_g = _pairs(np.bincount(g, weights=n).astype(np.int64))
    sum_p = _pairs(np.bincount(p, weights=n).astype(np.int64))
    expected = sum_g * sum_p / total if total else 0.0
    maximum = (sum_g + sum_p) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> BCubed:
    """B-cubed precision, recall and F1 of ``predicted`` against ``gold`` (see `BCubed`)."""
    g, p, n = contingency(gold, predicted)
    gold_size = np.bincount(g, weights=n)[g]
    pred_size = np.bincount(p, weights=n)[p]
    items = float(n.sum())
    # Each of the n items of a cell sees n of its predicted cluster's items in its gold cluster.
    precision = float((n * n / pred_size).sum()) / items
    recall = float((n * n / gold_size).sum()) / items
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)
