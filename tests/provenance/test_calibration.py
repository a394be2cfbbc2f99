"""Confidence as a probability: the isotonic fit, the shipped tables, reliability and calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.provenance.calibration import (
    COMMON_SOURCE,
    DIRECTED,
    Calibration,
    calibrate,
    calibrate_many,
    expected_calibration_error,
    isotonic,
    reliability,
)


def test_isotonic_pools_adjacent_violators() -> None:
    # 0.2 right, 0.4 wrong, 0.6 right, 0.8 right: the violating pair (0.2, 0.4) is pooled to one half
    fit = isotonic([0.2, 0.4, 0.6, 0.8], [True, False, True, True])
    assert fit.raw == (0.3, 0.7) and fit.right == (0.5, 1.0)


def test_ties_in_raw_are_one_point() -> None:
    fit = isotonic([0.5, 0.5, 0.5, 0.9], [True, False, False, True])
    assert fit.raw == (0.5, 0.9) and fit.right == (0.333, 1.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=60))
def test_an_isotonic_fit_is_a_monotone_map_into_the_unit_interval(pairs) -> None:  # type: ignore[no-untyped-def]
    fit = isotonic([p[0] for p in pairs], [p[1] for p in pairs])
    grid = fit.apply(np.linspace(0, 1, 101))
    assert np.all(np.diff(grid) >= 0) and grid.min() >= 0 and grid.max() <= 1


def test_a_calibration_must_be_monotone() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        Calibration((0.1, 0.5), (0.9, 0.2))


def test_shipped_tables_are_monotone_and_only_related_verdicts_are_mapped() -> None:
    for table in (DIRECTED, COMMON_SOURCE):
        grid = table.apply(np.linspace(0, 1, 101))
        assert np.all(np.diff(grid) >= 0)
    assert calibrate("unrelated", 0.7) == 0.7
    raw = np.array([0.3, 0.5, 0.7, 0.9])
    verdicts = ["a_from_b", "common_source", "unrelated", "b_from_a"]
    got = calibrate_many(verdicts, raw)
    assert got.tolist() == [calibrate(v, float(r)) for v, r in zip(verdicts, raw, strict=True)]


def test_reliability_and_expected_calibration_error() -> None:
    conf = [0.95, 0.95, 0.15, 0.15]
    right = [True, False, False, False]
    table = reliability(conf, right)
    assert [(b.count, b.right) for b in table] == [(2, 0.0), (2, 0.5)]
    # bins [0.1, 0.2): |0 - 0.15| ; [0.9, 1.0]: |0.5 - 0.95|; weighted alike
    assert expected_calibration_error(conf, right) == pytest.approx((0.15 + 0.45) / 2)
    assert expected_calibration_error([], []) == 0.0
