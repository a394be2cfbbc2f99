"""Hypothesis properties of compare: offsets inside the text, edit script rebuilds each side, mirror."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk import compare
from copydesk.text.tokens import tokenize

SENTENCES = [
    "The storm hit the harbour of Port Aldren overnight, sinking two fishing boats.",
    "“We have never seen the sea come over the breakwater,” the harbour master said.",
    "About 300 residents spent the night in the sports hall of the school.",
    "The ferry operator said it would run a replacement service from Monday.",
    "Mayor Tomas Brenner said the town would ask for emergency funds.",
    "Power was restored to most homes by Saturday morning.",
    "Scientists have warned that rising sea levels make floods more frequent.",
    "Picture: Waves crash over the pier",
    "The central bank raised interest rates by a quarter point on Wednesday.",
    "Shares in the airline fell sharply after the profit warning.",
    "Photo: CPA",
    "Eleven people were treated for minor injuries, the health service said.",
]
WORDS = ["storm", "harbour", "said", "today", "the", "boats", "“quoted”", "—", "ferry"]


@st.composite
def article(draw: st.DrawFn) -> str:
    picks = draw(st.lists(st.sampled_from(SENTENCES), min_size=0, max_size=8))
    out = []
    for s in picks:
        if draw(st.booleans()):
            w = s.split()
            w[draw(st.integers(0, len(w) - 1))] = draw(st.sampled_from(WORDS))
            s = " ".join(w)
        out.append(s)
    sep = draw(st.sampled_from(["\n", "\n\n", " "]))
    return sep.join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article(), article())
def test_spans_inside_and_scores_in_range(a: str, b: str) -> None:
    c = compare(a, b)
    for s in c.sentences:
        text = a if s.side == "a" else b
        assert 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text
    for p in c.passages:
        assert 0 <= p.a_start < p.a_end <= len(a) and 0 <= p.b_start < p.b_end <= len(b)
    for cr in c.credits:
        text = a if cr.side == "a" else b
        assert text[cr.start : cr.end] == cr.text
    for x in (c.jaccard, c.containment_a_in_b, c.containment_b_in_a, c.confidence):
        assert 0.0 <= x <= 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article(), article())
def test_edit_script_rebuilds_each_side(a: str, b: str) -> None:
    """Every word of each side lies in one of its sentences, and each paired sentence of one side is its
    counterpart with the word diff applied."""
    c = compare(a, b)
    for side, text in (("a", a), ("b", b)):
        sents = [s for s in c.sentences if s.side == side]
        covered = "".join(s.text + " " for s in sents)
        assert tokenize(covered).words == tokenize(text).words
    for s in c.sentences:
        if s.counterpart is None or s.side != "a":
            continue
        other = c.sentences[s.counterpart]
        if s.label == "verbatim":
            assert tokenize(s.text).words == tokenize(other.text).words
        elif s.diff:
            rebuilt = [w for op in s.diff if op.op != "delete" for w in tokenize(op.b_text).words]
            assert rebuilt == tokenize(other.text).words


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article(), article())
def test_mirror(a: str, b: str) -> None:
    ab, ba = compare(a, b), compare(b, a)
    mirror = {"a_from_b": "b_from_a", "b_from_a": "a_from_b"}
    assert ba.verdict == mirror.get(ab.verdict, ab.verdict)
    assert ab.jaccard == ba.jaccard
    assert ab.containment_a_in_b == ba.containment_b_in_a
    assert abs(ab.confidence - ba.confidence) < 1e-9
    flip = {"a": "b", "b": "a"}
    labels_ab = sorted((flip[s.side], s.start, s.label) for s in ab.sentences)
    labels_ba = sorted((s.side, s.start, s.label) for s in ba.sentences)
    assert labels_ab == labels_ba
