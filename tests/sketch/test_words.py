from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.shingle import word_hashes
from copydesk.sketch.words import _char_fold_table, folded, word_hashes_batch, word_spans
from copydesk.text.normalize import _fold_char, fold
from copydesk.text.tokens import tokenize

# Typographic quotes and dashes, exotic spaces, accents, combining marks, a final-sigma case, characters
# that NFKC expands (ligature, ellipsis, one half, trademark), a dotted capital I, CJK, emoji, a surrogate.
TRICKY = list("aZ9_'.` \n-") + list("’“”—\u00a0\u2009éÉ\u0301ΟΣς ﬁ…½™İ漢🙂\ud800ß")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=40) | st.text(max_size=40))
def test_folded_is_the_text_of_fold(text: str) -> None:
    assert folded(text) == fold(text).text


def test_char_fold_table_is_fold_char_for_every_code_point() -> None:
    table = _char_fold_table()
    for i in range(1, 0x110000):
        c = chr(i)
        assert table.get(i, c) == _fold_char(c), hex(i)


def test_text_folded_character_by_character() -> None:
    # The ellipsis and the one half expand under NFKC: fold goes character by character.
    text = "Prices rose ½ point… “ΟΔΟΣ” SAID İstanbul’s ﬁrm"
    assert folded(text) == fold(text).text
    hashes, _ = word_hashes_batch([text])
    assert np.array_equal(hashes, word_hashes(tokenize(text).words))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(TRICKY[:10]), max_size=60)
    | st.text(alphabet=st.sampled_from(TRICKY), max_size=40)
    | st.text(max_size=40),
    st.integers(min_value=0, max_value=40),
)
def test_word_spans_are_the_offsets_of_tokenize(text: str, start: int) -> None:
    start = min(start, len(text))
    spans = word_spans(text, start=start)
    if not text[start:].isascii():
        assert spans is None
        return
    assert spans is not None
    tokens = tokenize(text, start=start)
    assert spans[0].tolist() == tokens.starts.tolist() and spans[1].tolist() == tokens.ends.tolist()


def test_word_spans_of_ascii_text_with_joiners() -> None:
    text = "HEADER. Don`t say U.S. 'quoted' a'.b x.. rock'n'roll 3.5% _under_ end."
    spans = word_spans(text, start=8)
    tokens = tokenize(text, start=8)
    assert spans is not None and len(tokens) == 11
    assert spans[0].tolist() == tokens.starts.tolist() and spans[1].tolist() == tokens.ends.tolist()
    assert word_spans("café", start=0) is None and word_spans("café ok", start=5) is not None
