"""ARI and B-cubed on hand-counted cases, against a slow pair-by-pair reference, and against scikit-learn
when it happens to be installed (it is not a dependency)."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Hashable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copydesk.bench.clustering import adjusted_rand_index, bcubed
from copydesk.errors import ConfigError

# gold a a a b b c / predicted 1 1 2 2 2 3: cells (a,1)=2 (a,2)=1 (b,2)=2 (c,3)=1.
GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = [1, 1, 2, 2, 2, 3]


def test_hand_counted_case() -> None:
    # Pairs together in both: 1 + 1 = 2; gold pairs 3 + 1 = 4; predicted pairs 1 + 3 = 4; all pairs 15.
    # ARI = (2 - 4 * 4 / 15) / ((4 + 4) / 2 - 4 * 4 / 15) = 14 / 44.
    assert adjusted_rand_index(GOLD, PRED) == pytest.approx(7 / 22)
    # Precision per item: 1, 1, 1/3, 2/3, 2/3, 1; recall: 2/3, 2/3, 1/3, 1, 1, 1. Both means are 7/9.
    b = bcubed(GOLD, PRED)
    assert (b.precision, b.recall, b.f1) == pytest.approx((7 / 9, 7 / 9, 7 / 9))


def test_merging_everything_keeps_recall_and_loses_precision() -> None:
    b = bcubed(GOLD, [0] * 6)
    # Precision per item: 3/6 for a, 2/6 for b, 1/6 for c: (9 + 4 + 1) / 36.
    assert (b.precision, b.recall) == pytest.approx((14 / 36, 1.0))
    assert adjusted_rand_index(GOLD, [0] * 6) == pytest.approx(0.0)


def test_singletons_keep_precision_and_lose_recall() -> None:
    b = bcubed(GOLD, range(6))
    # Recall per item: 1/3 for a, 1/2 for b, 1 for c: (1 + 1 + 1) / 6.
    assert (b.precision, b.recall) == pytest.approx((1.0, 0.5))
    assert b.f1 == pytest.approx(2 * 0.5 / 1.5)


def test_scikit_learn_documented_values() -> None:
    # The values printed in scikit-learn's adjusted_rand_score docstring.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714, abs=1e-4)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0


def test_trivial_partitions_score_one() -> None:
    assert adjusted_rand_index(["x"], [7]) == 1.0
    assert adjusted_rand_index(range(5), "abcde") == 1.0
    assert adjusted_rand_index([1] * 4, [2] * 4) == 1.0
    assert bcubed(["x"], [7]).f1 == 1.0


def test_bad_input() -> None:
    with pytest.raises(ConfigError, match="same items"):
        adjusted_rand_index([1, 2], [1])
    with pytest.raises(ConfigError, match="no items"):
        bcubed([], [])


def _reference_ari(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Rand's pair counting, one pair at a time."""
    n = len(gold)
    both = same_g = same_p = 0
    for i, j in itertools.combinations(range(n), 2):
        g, p = gold[i] == gold[j], pred[i] == pred[j]
        both += g and p
        same_g += g
        same_p += p
    total = n * (n - 1) / 2
    expected = same_g * same_p / total if total else 0.0
    maximum = (same_g + same_p) / 2
    return 1.0 if maximum == expected else (both - expected) / (maximum - expected)


def _reference_bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float]:
    n = len(gold)
    precision = recall = 0.0
    for i in range(n):
        same_p = [j for j in range(n) if pred[j] == pred[i]]
        same_g = [j for j in range(n) if gold[j] == gold[i]]
        both = len(set(same_p) & set(same_g))
        precision += both / len(same_p)
        recall += both / len(same_g)
    return precision / n, recall / n


labelings = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
)


@given(labelings)
def test_same_as_the_slow_reference(pair: tuple[list[int], list[int]]) -> None:
    gold, pred = pair
    assert adjusted_rand_index(gold, pred) == pytest.approx(_reference_ari(gold, pred), abs=1e-9)
    b = bcubed(gold, pred)
    assert (b.precision, b.recall) == pytest.approx(_reference_bcubed(gold, pred), abs=1e-9)


@given(labelings)
def test_invariants(pair: tuple[list[int], list[int]]) -> None:
    gold, pred = pair
    renamed = [f"story-{x * 7}" for x in pred]
    assert adjusted_rand_index(gold, pred) == pytest.approx(adjusted_rand_index(gold, renamed))
    assert adjusted_rand_index(gold, pred) == pytest.approx(adjusted_rand_index(pred, gold))
    assert adjusted_rand_index(gold, gold) == 1.0
    b, swapped = bcubed(gold, pred), bcubed(pred, gold)
    assert (b.precision, b.recall) == pytest.approx((swapped.recall, swapped.precision))
    assert 0.0 < b.precision <= 1.0 and 0.0 < b.recall <= 1.0
    assert bcubed(gold, gold).f1 == pytest.approx(1.0)
    assert not math.isnan(b.f1)


def test_same_as_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed (optional check)")
    rng = random.Random(0)
    for _ in range(200):
        n = rng.randint(1, 40)
        gold = [rng.randint(0, 6) for _ in range(n)]
        pred = [rng.randint(0, 6) for _ in range(n)]
        expected = metrics.adjusted_rand_score(gold, pred)
        assert adjusted_rand_index(gold, pred) == pytest.approx(expected, abs=1e-9)
