from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.sketch.shingle import word_hashes
from copydesk.sketch.words import _char_fold_table, folded, word_hashes_batch
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
