from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copydesk.text.normalize import fold
from copydesk.text.tokens import tokenize


def test_quote_styles_give_the_same_words() -> None:
    variants = [
        "the ‘destruction’ of",
        "the “destruction” of",
        'the "destruction" of',
        "the 'destruction' of",
    ]
    assert {tuple(tokenize(v).words) for v in variants} == {("the", "destruction", "of")}


def test_apostrophes_and_case_fold() -> None:
    assert tokenize("Kyiv’s allies").words == tokenize("KYIV's Allies").words == ["kyiv's", "allies"]


def test_nfkc_and_dashes() -> None:
    assert tokenize("ﬁnal — ｆｕｌｌ").words == ["final", "full"]
    assert fold("a–b—c").text == "a-b-c"


def test_offsets_point_into_the_original_with_expanding_characters() -> None:
    text = "Le ﬁnal: “Straße” ß ŉ done"
    toks = tokenize(text)
    assert toks.words[-1] == "done"
    assert text[int(toks.starts[-1]) : int(toks.ends[-1])] == "done"
    assert text[int(toks.starts[1]) : int(toks.ends[1])] == "ﬁnal"


@given(st.text(max_size=200))
def test_offsets_always_inside_the_text_and_word_like(text: str) -> None:
    toks = tokenize(text)
    for w, s, e in zip(toks.words, toks.starts, toks.ends, strict=True):
        assert 0 <= s < e <= len(text)
        assert w  # never an empty word
        assert tokenize(text[s:e]).words  # the original span holds a word
