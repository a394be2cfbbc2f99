from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copydesk.align.diff import word_diff
from copydesk.text.tokens import tokenize

sentence = st.lists(
    st.sampled_from(["storm", "hit", "the", "town", "port", "ferry", "“quoted”", "on", "Friday,"]),
    max_size=12,
)


def diff(a: str, b: str):  # type: ignore[no-untyped-def]
    ta, tb = tokenize(a), tokenize(b)
    return ta, tb, word_diff(ta.words, ta.starts, ta.ends, a, tb.words, tb.starts, tb.ends, b)


def test_replace_is_merged() -> None:
    _, _, ops = diff("was confirmed to have been elected president", "was elected president")
    assert [o.op for o in ops] == ["equal", "delete", "equal"]
    _, _, ops = diff("the storm hit on Thursday", "the storm hit yesterday")
    assert [(o.op, o.a_text, o.b_text) for o in ops] == [
        ("equal", "the storm hit", "the storm hit"),
        ("replace", "on Thursday", "yesterday"),
    ]


@given(sentence, sentence)
def test_diff_rebuilds_the_other_side(a_words: list[str], b_words: list[str]) -> None:
    """Applying the ops to side a gives side b's words; offsets point at the words they name."""
    a, b = " ".join(a_words), " ".join(b_words)
    ta, tb, ops = diff(a, b)
    rebuilt: list[str] = []
    for op in ops:
        assert a[op.a_start : op.a_end] == op.a_text and b[op.b_start : op.b_end] == op.b_text
        if op.op in ("equal", "replace", "insert"):
            rebuilt += tokenize(op.b_text).words
        if op.op == "equal":
            assert tokenize(op.a_text).words == tokenize(op.b_text).words
    assert rebuilt == tb.words
    kept = [w for op in ops if op.op in ("equal", "replace", "delete") for w in tokenize(op.a_text).words]
    assert kept == ta.words
