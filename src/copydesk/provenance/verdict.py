"""How two articles relate: which one derives from which, or both from a parent that is not in the pair.

The verdict weighs independent pieces of evidence, each favouring one verdict with a weight in [0, 1]:

- shared text (containment): below the engine's decision threshold the pair is ``unrelated``;
- dates: the earlier article is the source;
- containment asymmetry: a copy is the source plus edits, so the side whose words come more from the other
  is the copy;
- wire: an article published by a wire agency is the source of one that is not;
- credits: an article that credits a wire agency (or says it was "originally published by" a site) took its
  text from there; when the other side is not that agency or site, the two share a parent outside the pair;
- material in both directions: when each side has text the other lacks, inside shared sentences as well as
  whole sentences, neither can be the plain source of the other.

The winner is the verdict with the most weight; its confidence is its share of all the weight plus a fixed
0.5 of doubt (so one weak piece of evidence alone is not a confident verdict), scaled down when the shared
text is thin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from copydesk.model import Evidence, Side, Verdict


@dataclass(frozen=True, slots=True)
class SideSignals:
    """What one side brings to the verdict.

    words: body words (boilerplate left out). containment: share of them found in the other side, [0, 1].
    unique_words: words of body sentences that have no counterpart on the other side.
    inserted_words: words inside paired sentences that the counterpart lacks.
    agencies: wire agencies this side credits. origins: sites it says it was "originally published by".
    own_names: names this side goes by (its outlet, its byline agency, its site), lower case.
    wire: the wire agency that publishes this side (its outlet is an agency), else None.
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


# Pseudo-weight of "no evidence either way" in the confidence (see `verdict`).
_DOUBT = 0.5


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
) -> tuple[Verdict, float, list[Evidence]]:
    """The verdict, its confidence in [0, 1], and the evidence behind it (strongest first)."""
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
        evidence.append(
            Evidence(
                "asymmetry",
                _copy_of(copy),
                weight,
                f"{copy.upper()} is the more contained side ({_pct(max(a.containment, b.containment))} against "
                f"{_pct(min(a.containment, b.containment))}): a copy is its source plus edits",
            )
        )
    if a.date is not None and b.date is not None and a.date != b.date:
        later: Side = "a" if a.date > b.date else "b"
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
    evidence.sort(key=lambda e: -e.weight)
    # The shared text itself comes first: it is why the pair is related at all. It weighs nothing in the
    # choice between the three related verdicts.
    evidence.insert(0, Evidence("containment", best, strength, reuse))
    return best, confidence, evidence
