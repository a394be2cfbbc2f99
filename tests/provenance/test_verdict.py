from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.provenance.verdict import SideSignals, verdict, verdict_many


def run(a: SideSignals, b: SideSignals):  # type: ignore[no-untyped-def]
    return verdict(a, b, shared_words=200, related_containment=0.2, min_shared_words=12)


def test_unrelated_below_threshold() -> None:
    v, conf, ev = verdict(
        SideSignals(500, 0.05),
        SideSignals(400, 0.06),
        shared_words=25,
        related_containment=0.2,
        min_shared_words=12,
    )
    assert v == "unrelated" and 0.5 <= conf <= 1.0 and ev[0].kind == "containment"


def test_contained_side_is_the_copy() -> None:
    v, _, _ = run(SideSignals(300, 0.95), SideSignals(900, 0.35))
    assert v == "a_from_b"


def test_dates_decide() -> None:
    v, _, _ = run(
        SideSignals(300, 0.8, date=dt.date(2024, 1, 1)), SideSignals(300, 0.8, date=dt.date(2024, 1, 2))
    )
    assert v == "b_from_a"


def test_transmission_times_order_the_takes_of_one_day() -> None:
    # a night lead sent at 18:55 rewrites the 14:10 take: same date, alike texts; the times say which is first
    day = dt.date(1999, 7, 14)
    take = SideSignals(300, 0.8, date=day, sent=dt.datetime(1999, 7, 14, 14, 10))
    lead = SideSignals(300, 0.8, date=day, sent=dt.datetime(1999, 7, 14, 18, 55))
    v, _, ev = run(lead, take)
    assert v == "a_from_b" and any(e.kind == "sent" and e.favours == "a_from_b" for e in ev)
    assert run(take, lead)[0] == "b_from_a"
    # without the times the two are alike and dated alike: nothing tells them apart
    assert run(dataclasses.replace(lead, sent=None), take)[0] == "common_source"


def test_times_come_before_dates_and_one_time_alone_is_no_evidence() -> None:
    a = SideSignals(300, 0.8, date=dt.date(2000, 1, 26), sent=dt.datetime(2000, 1, 26, 2, 58))
    b = SideSignals(300, 0.8, date=dt.date(2000, 1, 27), sent=dt.datetime(2000, 1, 27, 3, 12))
    assert run(b, a)[0] == "a_from_b"
    _, _, ev = run(dataclasses.replace(b, sent=None), a)
    assert [e.kind for e in ev if e.kind in ("sent", "date")] == ["date"]


def test_third_party_credit_means_common_source() -> None:
    a = SideSignals(
        600, 0.5, origins=frozenset({"www.dailymail.co.uk"}), own_names=frozenset({"www.dailymail.co.uk"})
    )
    b = SideSignals(280, 0.9, agencies=frozenset({"AFP"}))
    v, conf, ev = run(a, b)
    assert v == "common_source" and 0.0 < conf <= 1.0
    assert any(e.kind == "credit" and "AFP" in e.detail for e in ev)


def test_credit_of_the_other_side() -> None:
    a = SideSignals(300, 0.8, own_names=frozenset({"cpa"}))
    b = SideSignals(250, 0.9, agencies=frozenset({"CPA"}))
    assert run(a, b)[0] == "b_from_a"


def test_a_wire_take_inside_a_paper_s_longer_article_is_its_source() -> None:
    # PA sent the story in takes; the paper ran this one (90% of it found) with others (46% of the paper's
    # words are this take's). Without the wire the more contained side would be the copy.
    take = SideSignals(300, 0.9)
    paper = SideSignals(590, 0.46)
    assert run(take, paper)[0] == "a_from_b"
    v, _, ev = run(dataclasses.replace(take, wire="PA"), paper)
    assert v == "b_from_a"
    asym = next(e for e in ev if e.kind == "asymmetry")
    assert asym.favours == "a_from_b" and asym.weight < 0.8 and "wire text" in asym.detail
    # a wire text against another wire text: the asymmetry keeps its full weight
    v, _, ev = run(dataclasses.replace(take, wire="PA"), dataclasses.replace(paper, wire="PA"))
    assert v == "a_from_b" and next(e for e in ev if e.kind == "asymmetry").weight == pytest.approx(0.88)


def test_symmetric() -> None:
    a = SideSignals(300, 0.7, agencies=frozenset({"AP"}), date=dt.date(2024, 5, 1))
    b = SideSignals(500, 0.4, origins=frozenset({"x.com"}))
    v1, c1, _ = run(a, b)
    v2, c2, _ = run(b, a)
    mirror = {"a_from_b": "b_from_a", "b_from_a": "a_from_b"}
    assert mirror.get(v1, v1) == v2 and abs(c1 - c2) < 1e-12


# `verdict_many`: the same verdicts and the same confidence floats as `verdict`, pair by pair.

_sides = st.builds(
    SideSignals,
    words=st.integers(0, 500),
    containment=st.just(0.0),
    inserted_words=st.sampled_from([0, 0, 5]),
    unique_words=st.integers(0, 50),
    date=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 4))),
    agencies=st.sampled_from([frozenset(), frozenset(), frozenset({"AFP"})]),
    origins=st.sampled_from([frozenset(), frozenset(), frozenset({"example.com"})]),
    own_names=st.sampled_from([frozenset(), frozenset({"afp"}), frozenset({"example.com"})]),
    wire=st.sampled_from([None, None, "AFP"]),
    sent=st.one_of(st.none(), st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 4))),
)
_fraction = st.sampled_from([0.0, 0.04, 0.1, 0.2, 0.2 + 1e-9, 0.5, 0.55, 1.0]) | st.floats(0, 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_sides, _sides, _fraction, _fraction, st.integers(0, 300)), max_size=12))
def test_verdict_many_equals_verdict(pairs) -> None:  # type: ignore[no-untyped-def]
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    ca = np.array([p[2] for p in pairs], dtype=np.float64)
    cb = np.array([p[3] for p in pairs], dtype=np.float64)
    shared = np.array([p[4] for p in pairs], dtype=np.int64)
    got, conf = verdict_many(a, b, ca, cb, shared, related_containment=0.2, min_shared_words=12)
    for k, (x, y, c_x, c_y, s) in enumerate(pairs):
        v, c, _ = verdict(
            dataclasses.replace(x, containment=c_x),
            dataclasses.replace(y, containment=c_y),
            shared_words=s,
            related_containment=0.2,
            min_shared_words=12,
        )
        assert (got[k], float(conf[k])) == (v, c)
