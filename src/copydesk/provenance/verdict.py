"""How two articles relate: which one derives from which, or both from a parent that is not in the pair.

The verdict weighs independent pieces of evidence, each favouring one verdict with a weight in [0, 1]:

- shared text (containment): below the engine's decision threshold the pair is ``unrelated``;
- dates: the earlier article is the source; when both sides carry a wire transmission time (the takes and
  versions of a wire story are sent hours apart on one day, a substitute or night lead after what it
  replaces), the earlier time, even on the same day;
- containment asymmetry: a copy is the source plus edits, so the side whose words come more from the other
  is the copy (at half weight when that side is a wire text and the other is not: papers run several parts
  of a wire story in one article);
- wire: an article published by a wire agency is the source of one that is not;
- credits: an article that credits a wire agency (or says it was "originally published by" a site) took its
  text from there; when the other side is not that agency or site, the two share a parent outside the pair;
- material in both directions: when each side has text the other lacks, inside shared sentences as well as
  whole sentences, neither can be the plain source of the other.

The winner is the verdict with the most weight; its raw confidence is its share of all the weight plus a
fixed 0.5 of doubt (so one weak piece of evidence alone is not a confident verdict), scaled down when the
shared text is thin. The confidence given is that raw share mapped to a probability of being right
(`copydesk.provenance.calibration`, fitted on labelled pairs), unless ``calibrated=False`` is asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from copydesk.model import Evidence, Side, Verdict
from copydesk.provenance.calibration import calibrate, calibrate_many


@dataclass(frozen=True, slots=True)
class SideSignals:
    """What one side brings to the verdict.

    words: body words (boilerplate left out). containment: share of them found in the other side, [0, 1].
    unique_words: words of body sentences that have no counterpart on the other side.
    inserted_words: words inside paired sentences that the counterpart lacks.
    agencies: wire agencies this side credits. origins: sites it says it was "originally published by".
    own_names: names this side goes by (its outlet, its byline agency, its site), lower case.
    wire: the wire agency that publishes this side (its outlet is an agency), else None.
    sent: when this side was sent, from its wire transmission header (see `copydesk.text.wire`), else None.
    """

    words: int
    containment: float
    unique_words: int = 0
    inserted_words: int = 0
    date: dt.date | None = None
    agencies: frozenset[str] = field(default_factory=frozenset)
    origins: frozenset[str] = field(default_factory=frozenset)
    own_names: frozenset[str] = field(default_factory=frozenset)
    wire: str | None = None
    sent: dt.datetime | None = None


# Pseudo-weight of "no evidence either way" in the confidence (see `verdict`).
_DOUBT = 0.5
# Share of its weight the containment asymmetry keeps when it says a wire text copied a non-wire one.
_WIRE_INSIDE = 0.5


def _copy_of(side: Side) -> Verdict:
    return "a_from_b" if side == "a" else "b_from_a"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _credit_evidence(side: Side, me: SideSignals, other: SideSignals) -> list[Evidence]:
    """Evidence from what ``me`` credits, judged against who ``other`` is."""
    out: list[Evidence] = []
    name = side.upper()
    other_name = "B" if side == "a" else "A"
    for agency in sorted(me.agencies):
        if agency.lower() in me.own_names:
            continue  # its own dateline or byline: who it is, not whom it credits
        if agency.lower() in other.own_names:
            out.append(
                Evidence(
                    "credit",
                    _copy_of(side),
                    0.8,
                    f"{name} credits {agency}, and {other_name} is {agency}'s text",
                )
            )
        elif agency in other.agencies:
            out.append(Evidence("credit", "common_source", 0.3, f"both sides credit {agency}"))
        else:
            out.append(
                Evidence(
                    "credit",
                    "common_source",
                    0.9,
                    f"{name} credits {agency}; {other_name} neither credits nor is {agency}: "
                    f"{name}'s text came from {agency}, not from {other_name}",
                )
            )
    for origin in sorted(me.origins):
        if origin.lower() in other.own_names:
            out.append(
                Evidence(
                    "footer",
                    _copy_of(side),
                    0.8,
                    f"{name} says it was originally published by {origin}, which is {other_name}",
                )
            )
        else:
            out.append(
                Evidence(
                    "footer",
                    "common_source",
                    0.1,
                    f"{name} says it was originally published by {origin}; nothing ties {other_name} to {origin}",
                )
            )
    return out


def verdict(
    a: SideSignals,
    b: SideSignals,
    *,
    shared_words: int,
    related_containment: float,
    min_shared_words: int,
    calibrated: bool = True,
) -> tuple[Verdict, float, list[Evidence]]:
    """The verdict, its confidence in [0, 1] (a probability of being right, or the raw share of the weight
    with ``calibrated=False``), and the evidence behind it (strongest first)."""
    top = max(a.containment, b.containment)
    reuse = (
        f"{_pct(a.containment)} of A's words are found in B; {_pct(b.containment)} of B's words are found in A "
        f"({shared_words} words in shared shingles)"
    )
    if top < related_containment or shared_words < min_shared_words:
        margin = 1.0 - top / related_containment if related_containment else 1.0
        confidence = min(1.0, 0.5 + 0.5 * max(margin, 0.0))
        detail = f"{reuse}: below the {_pct(related_containment)} the engine needs to call text reused"
        return "unrelated", confidence, [Evidence("containment", "unrelated", confidence, detail)]

    evidence: list[Evidence] = []
    gap = a.containment - b.containment
    if abs(gap) >= 0.05:
        copy: Side = "a" if gap > 0 else "b"
        weight = min(1.0, 2.0 * abs(gap))
        detail = (
            f"{copy.upper()} is the more contained side ({_pct(max(a.containment, b.containment))} against "
            f"{_pct(min(a.containment, b.containment))}): a copy is its source plus edits"
        )
        mine, theirs = (a, b) if copy == "a" else (b, a)
        if mine.wire is not None and theirs.wire is None:
            # A wire story goes out in parts (takes, updates) that a paper runs together: a wire text found
            # whole in a paper's article is weak evidence that the wire copied the paper.
            weight *= _WIRE_INSIDE
            detail += f", though {copy.upper()} is a wire text, which papers run several of in one article"
        evidence.append(Evidence("asymmetry", _copy_of(copy), weight, detail))
    if a.sent is not None and b.sent is not None:
        if a.sent != b.sent:
            later: Side = "a" if a.sent > b.sent else "b"
            evidence.append(
                Evidence(
                    "sent",
                    _copy_of(later),
                    0.8,
                    f"A was sent at {a.sent:%H:%M} on {a.sent.date().isoformat()}, B at {b.sent:%H:%M} on "
                    f"{b.sent.date().isoformat()} (their transmission headers): the earlier one came first",
                )
            )
    elif a.date is not None and b.date is not None and a.date != b.date:
        later = "a" if a.date > b.date else "b"
        evidence.append(
            Evidence(
                "date",
                _copy_of(later),
                0.8,
                f"A is dated {a.date.isoformat()}, B {b.date.isoformat()}: the earlier one came first",
            )
        )
    if (a.wire is None) != (b.wire is None):
        agency_side: Side = "a" if a.wire is not None else "b"
        other: Side = "b" if agency_side == "a" else "a"
        evidence.append(
            Evidence(
                "wire",
                _copy_of(other),
                0.8,
                f"{agency_side.upper()} is published by {a.wire or b.wire}, a wire agency, and "
                f"{other.upper()} is not: newspapers and sites run wire copy, rarely the reverse",
            )
        )
    evidence += _credit_evidence("a", a, b)
    evidence += _credit_evidence("b", b, a)

    def own_material(s: SideSignals) -> int:
        return s.unique_words + s.inserted_words

    a_own, b_own = own_material(a), own_material(b)
    if (
        min(a.inserted_words, b.inserted_words) >= 3
        and min(a_own / max(a.words, 1), b_own / max(b.words, 1)) >= 0.1
    ):
        evidence.append(
            Evidence(
                "both_ways",
                "common_source",
                0.2,
                f"each side has text the other lacks, inside shared sentences too (A: {a_own} words, "
                f"B: {b_own} words)",
            )
        )

    weights: dict[Verdict, float] = {"a_from_b": 0.0, "b_from_a": 0.0, "common_source": 0.0}
    for e in evidence:
        weights[e.favours] += e.weight
    total = sum(weights.values())
    if total == 0.0:
        # Nothing tells the sides apart: same text, no dates, no credits.
        weights["common_source"] = 1.0
        total = 1.0
        evidence.append(
            Evidence(
                "symmetry", "common_source", 0.5, "the two sides are alike and nothing tells which came first"
            )
        )
    best: Verdict = max(weights, key=lambda v: (weights[v], v == "common_source"))
    if weights["a_from_b"] == weights["b_from_a"] >= weights["common_source"]:
        best = "common_source"  # evidence for both directions alike: neither is shown to be the source
    strength = min(1.0, top / (2 * related_containment)) if related_containment else 1.0
    # `_DOUBT` is weight on no verdict: a lone weak piece of evidence is not a confident verdict.
    confidence = (weights[best] / (total + _DOUBT)) * (0.5 + 0.5 * strength)
    if calibrated:
        confidence = calibrate(best, confidence)
    evidence.sort(key=lambda e: -e.weight)
    # The shared text itself comes first: it is why the pair is related at all. It weighs nothing in the
    # choice between the three related verdicts.
    evidence.insert(0, Evidence("containment", best, strength, reuse))
    return best, confidence, evidence


_EPOCH = dt.datetime(1970, 1, 1)


def _seconds(sent: dt.datetime | None) -> float:
    """A transmission time as seconds on one naive clock (no time zone: `datetime.timestamp` would read it
    in the local one), NaN when there is none."""
    return np.nan if sent is None else (sent - _EPOCH).total_seconds()


_VERDICTS: tuple[Verdict, ...] = ("a_from_b", "b_from_a", "common_source", "unrelated")


def verdict_many(
    a: Sequence[SideSignals],
    b: Sequence[SideSignals],
    containment_a: npt.NDArray[np.float64],
    containment_b: npt.NDArray[np.float64],
    shared_words: npt.NDArray[np.int64],
    *,
    related_containment: float,
    min_shared_words: int,
    calibrated: bool = True,
) -> tuple[list[Verdict], npt.NDArray[np.float64]]:
    """`verdict` for many pairs (``a[p]``, ``b[p]``, with the containments given here rather than the
    signals'): the verdicts and confidences, the same floats `verdict` computes, without the evidence (ask
    `verdict` for the pairs that are shown).

    Pairs where a side credits someone or has inserted words go through `verdict` itself; the others are
    weighed in numpy with the same rules and the same order of additions.
    """
    count = len(a)
    ca = np.asarray(containment_a, dtype=np.float64)
    cb = np.asarray(containment_b, dtype=np.float64)
    shared = np.asarray(shared_words, dtype=np.int64)
    top = np.maximum(ca, cb)
    rc = related_containment
    w_ab = np.zeros(count)
    w_ba = np.zeros(count)
    w_cs = np.zeros(count)
    gap = ca - cb
    asym = np.abs(gap) >= 0.05
    weight = np.minimum(1.0, 2.0 * np.abs(gap))
    wa = np.fromiter((s.wire is not None for s in a), dtype=bool, count=count)
    wb = np.fromiter((s.wire is not None for s in b), dtype=bool, count=count)
    wire_copy = np.where(gap > 0, wa & ~wb, wb & ~wa)  # the more contained side is the only wire text
    weight = np.where(wire_copy, weight * _WIRE_INSIDE, weight)
    w_ab += np.where(asym & (gap > 0), weight, 0.0)
    w_ba += np.where(asym & (gap <= 0), weight, 0.0)
    da = np.fromiter((s.date.toordinal() if s.date else -1 for s in a), dtype=np.int64, count=count)
    db = np.fromiter((s.date.toordinal() if s.date else -1 for s in b), dtype=np.int64, count=count)
    # both sent (a transmission time): the times decide, as in `verdict`; else the dates
    sa = np.fromiter((_seconds(s.sent) for s in a), dtype=np.float64, count=count)
    sb = np.fromiter((_seconds(s.sent) for s in b), dtype=np.float64, count=count)
    timed = ~np.isnan(sa) & ~np.isnan(sb)
    dated = ~timed & (da >= 0) & (db >= 0) & (da != db)
    w_ab += np.where((dated & (da > db)) | (timed & (sa > sb)), 0.8, 0.0)
    w_ba += np.where((dated & (da < db)) | (timed & (sa < sb)), 0.8, 0.0)
    w_ba += np.where(wa & ~wb, 0.8, 0.0)  # A is the agency: B is the copy
    w_ab += np.where(wb & ~wa, 0.8, 0.0)
    total = w_ab + w_ba + w_cs
    w_cs = np.where(total == 0.0, 1.0, w_cs)
    total = np.where(total == 0.0, 1.0, total)
    code = np.full(count, 2, dtype=np.int64)
    code[(w_ab > w_ba) & (w_ab > w_cs)] = 0
    code[(w_ba > w_ab) & (w_ba > w_cs)] = 1
    best = np.choose(code, (w_ab, w_ba, w_cs))
    strength = np.minimum(1.0, top / (2 * rc)) if rc else np.ones(count)
    confidence = (best / (total + _DOUBT)) * (0.5 + 0.5 * strength)
    unrelated = (top < rc) | (shared < min_shared_words)
    if unrelated.any():
        margin = 1.0 - top / rc if rc else np.ones(count)
        confidence = np.where(unrelated, np.minimum(1.0, 0.5 + 0.5 * np.maximum(margin, 0.0)), confidence)
        code[unrelated] = 3
    verdicts = [_VERDICTS[c] for c in code.tolist()]
    if calibrated:
        confidence = calibrate_many(verdicts, confidence)
    for p in range(count):
        x, y = a[p], b[p]
        if x.agencies or x.origins or y.agencies or y.origins or min(x.inserted_words, y.inserted_words) >= 3:
            v, conf, _ = verdict(
                replace(x, containment=float(ca[p])),
                replace(y, containment=float(cb[p])),
                shared_words=int(shared[p]),
                related_containment=rc,
                min_shared_words=min_shared_words,
                calibrated=calibrated,
            )
            verdicts[p] = v
            confidence[p] = conf
    return verdicts, confidence
