"""Confidence as a probability: the map from a verdict's raw confidence to how often such a verdict is right.

`verdict` weighs its evidence into a raw confidence in [0, 1] (the winner's share of the weight, see
`copydesk.provenance.verdict`); that share is an order, not a frequency. `calibrate` maps it through a
monotone table fitted on labelled pairs, one table per kind of verdict (a direction, ``a_from_b`` /
``b_from_a``, and ``common_source``), since the same share means different things for the two.

Method: isotonic regression (pool adjacent violators, `isotonic`) of "the verdict is right" (0/1) on the raw
confidence, over the verified links the engine makes on the development part of METER at default settings
(`copydesk bench meter` fits it again and prints the in-sample and the 2-fold, by story, cross-validated
expected calibration error beside each other). A link between a PA text and a derived copy of its story is
right when it says the copy derives from the PA text; one between two derived copies of one story is right
when it says ``common_source`` (METER's gold: each copy took the wire); any link touching a non-derived copy
or joining two stories is wrong whatever its verdict. Links between two PA texts carry no gold and are left
out. Each table is the fitted blocks' (mean raw confidence, share right), rounded to 3 decimals; between two
knots the map is linear, outside them flat, so it is non-decreasing and keeps the order of the raw values
inside the knots' range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone map from raw confidence to probability: knots ``raw`` (ascending, in [0, 1]) and their
    probabilities ``right`` (non-decreasing, in [0, 1]); linear between knots, flat outside."""

    raw: tuple[float, ...]
    right: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.raw or len(self.raw) != len(self.right):
            raise ValueError(
                f"a calibration needs as many knots as values, got {self.raw!r} and {self.right!r}"
            )
        if list(self.raw) != sorted(self.raw) or list(self.right) != sorted(self.right):
            raise ValueError(f"a calibration must be non-decreasing, got {self.raw!r} -> {self.right!r}")

    def apply(self, raw: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The probabilities of raw confidences (an array of the same shape)."""
        return np.interp(np.asarray(raw, dtype=np.float64), self.raw, self.right)


IDENTITY = Calibration((0.0, 1.0), (0.0, 1.0))

# Fitted by `copydesk bench meter` on METER's development part (1,292 judged links: 1,206 directed, 86
# common_source), see the module docstring; its figure ``calibration.fitted_here`` gives them again.
DIRECTED = Calibration(
    (0.282, 0.416, 0.426, 0.434, 0.442, 0.467, 0.495, 0.515, 0.592, 0.676, 0.698, 0.758),
    (0.0, 0.333, 0.375, 0.657, 0.667, 0.699, 0.714, 0.716, 0.73, 0.85, 0.917, 0.967),
)
COMMON_SOURCE = Calibration((0.0, 0.51, 0.564, 0.648), (0.0, 0.778, 0.837, 0.938))


def calibrate(verdict: str, raw: float) -> float:
    """The probability that a related verdict (``a_from_b``, ``b_from_a``, ``common_source``) with raw
    confidence ``raw`` is right; any other verdict's confidence is returned as it is."""
    table = _TABLES.get(verdict)
    return raw if table is None else float(table.apply(raw))


def calibrate_many(verdicts: Sequence[str], raw: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """`calibrate` pair by pair (the same floats)."""
    out = np.asarray(raw, dtype=np.float64).copy()
    for name, table in _TABLES.items():
        pick = np.fromiter((v == name for v in verdicts), dtype=bool, count=len(verdicts))
        if pick.any():
            out[pick] = table.apply(out[pick])
    return out


def isotonic(raw: Sequence[float], right: Sequence[bool]) -> Calibration:
    """The isotonic (non-decreasing, least squares) fit of ``right`` on ``raw`` by pooling adjacent
    violators, as knots: each block's mean raw value and share right, rounded to 3 decimals. Ties in ``raw``
    are one point. Needs at least one pair."""
    if len(raw) == 0 or len(raw) != len(right):
        raise ValueError(f"isotonic needs pairs of raw values and outcomes, got {len(raw)} and {len(right)}")
    order = np.argsort(np.asarray(raw, dtype=np.float64), kind="stable")
    xs = np.asarray(raw, dtype=np.float64)[order]
    ys = np.asarray(right, dtype=np.float64)[order]
    # blocks as [sum x, sum y, count]
    blocks: list[list[float]] = []
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        if blocks and blocks[-1][0] / blocks[-1][2] == x:
            blocks[-1][0] += x
            blocks[-1][1] += y
            blocks[-1][2] += 1
        else:
            blocks.append([x, y, 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            sx, sy, n = blocks.pop()
            blocks[-1][0] += sx
            blocks[-1][1] += sy
            blocks[-1][2] += n
    knots_x = [round(b[0] / b[2], 3) for b in blocks]
    knots_y = [round(b[1] / b[2], 3) for b in blocks]
    # rounding may tie two knots' raw values: keep the last of each (the map stays non-decreasing)
    keep = [k for k in range(len(knots_x)) if k + 1 == len(knots_x) or knots_x[k + 1] != knots_x[k]]
    return Calibration(tuple(knots_x[k] for k in keep), tuple(knots_y[k] for k in keep))


@dataclass(frozen=True, slots=True)
class Bin:
    """One row of a reliability table: confidences in [low, high), how many, their mean, the share right."""

    low: float
    high: float
    count: int
    confidence: float
    right: float


def reliability(confidence: Sequence[float], right: Sequence[bool], *, bins: int = 10) -> list[Bin]:
    """The reliability table of confidences in [0, 1] against outcomes: ``bins`` equal-width bins (the last
    closed), empty bins left out."""
    conf = np.asarray(confidence, dtype=np.float64)
    ok = np.asarray(right, dtype=np.float64)
    which = np.minimum((conf * bins).astype(np.int64), bins - 1)
    out = []
    for k in range(bins):
        pick = which == k
        n = int(pick.sum())
        if n:
            out.append(Bin(k / bins, (k + 1) / bins, n, float(conf[pick].mean()), float(ok[pick].mean())))
    return out


def expected_calibration_error(
    confidence: Sequence[float], right: Sequence[bool], *, bins: int = 10
) -> float:
    """The expected calibration error: the count-weighted mean of |share right - mean confidence| over the
    `reliability` bins, in [0, 1] (0 when there are no pairs)."""
    table = reliability(confidence, right, bins=bins)
    total = sum(b.count for b in table)
    return sum(b.count * abs(b.right - b.confidence) for b in table) / total if total else 0.0


_TABLES: dict[str, Calibration] = {"a_from_b": DIRECTED, "b_from_a": DIRECTED, "common_source": COMMON_SOURCE}
