from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.align.clauses import clause_table, clauses, reused_words
from copydesk.align.sentence import Unit, align, content_words, pair_label
from copydesk.text.analysis import analyze
from copydesk.text.tokens import tokenize

# Written for the project: a wire story and a paper's article that takes a clause, a quote and a whole
# sentence from it and writes the rest itself.
WIRE = (
    "A winter storm tore through the harbour of Port Aldren overnight, sinking two fishing boats, flooding "
    "the lower town and cutting the ferry link to the islands for at least a week, the harbour authority "
    "said on Saturday.\n\n"
    "Harbour master Ilse Varga said the damage to the ferry pier was the worst she had seen in thirty years "
    "at sea and that engineers would check every pile before a vessel could dock there again.\n\n"
    "About 300 residents spent the night in the sports hall of the secondary school."
)
COPY = (
    "Shopkeepers on the quay spent Sunday pumping water out of their cellars, after the storm cut the ferry "
    "link to the islands for at least a week.\n\n"
    "The bakery by the old church, which opened in 1921, sold at least a thousand loaves.\n\n"
    "About 300 residents spent the night in the sports hall of the secondary school."
)


def words_of(text: str) -> list[str]:
    return tokenize(text).words


def split(sentence: str) -> list[str]:
    toks = tokenize(sentence)
    return [" ".join(toks.words[i:j]) for i, j in clauses(toks.words, toks.starts, toks.ends, sentence)]


def test_clauses_end_at_punctuation_and_quotes() -> None:
    assert split('Varga said: "We have never seen the sea like that," and left (for now).') == [
        "varga said",
        "we have never seen the sea like that",
        "and left",
        "for now",
    ]


def test_clauses_end_at_spaced_dashes_not_at_hyphens_or_inside_numbers() -> None:
    assert split("The father-of-four paid 40,000 pounds at 10:30 - and 3.5 more -- later") == [
        "the father of four paid 40 000 pounds at 10 30",
        "and 3.5 more",
        "later",
    ]


def test_clauses_of_a_text_in_other_scripts() -> None:
    assert split("Буря прошла ночью, сказал он; «мы такого не видели».") == [
        "буря прошла ночью",
        "сказал он",
        "мы такого не видели",
    ]
    assert split("台风过境，渔船沉没。") == ["台 风 过 境", "渔 船 沉 没"]


def test_a_sentence_without_marks_is_one_clause() -> None:
    toks = tokenize("one clause only")
    assert clauses(toks.words, toks.starts, toks.ends, "one clause only") == [(0, 3)]
    assert clauses([], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), "") == []


def test_pair_label_is_the_rule_align_applies() -> None:
    a = [
        "The storm hit the town of Port Aldren overnight.",
        "Winds of up to 140 kilometres an hour struck the coast shortly after midnight.",
        "The mayor will ask the government for emergency funds to rebuild the harbour.",
    ]
    b = [
        "The storm hit the town of Port Aldren overnight.",
        "Winds of up to 140 kilometres an hour hit the coast just after midnight on Friday.",
        "Emergency funds to rebuild the harbour will be sought from government, the mayor said.",
    ]
    for pair in align([Unit(words_of(s)) for s in a], [Unit(words_of(s)) for s in b]):
        wa, wb = words_of(a[pair.a]), words_of(b[pair.b])
        ca, cb = content_words(wa), content_words(wb)
        label, similarity = pair_label(wa, wb, len(ca & cb), 2 * len(ca & cb) / (len(ca) + len(cb)))
        assert (label, similarity) == (pair.label, pair.similarity)
    assert pair_label(["a", "b"], ["c", "d"], 0, 0.0)[0] is None


def marked(side: str, other: str) -> list[str]:
    """The reused words of ``side``, from compare's own steps: shingles of 3 words, aligned sentences."""
    from copydesk.engine.compare import compare

    c = compare(side, other)
    return [side[s:e] for s, e in c.reused_a]


def test_a_clause_taken_into_a_sentence_of_its_own() -> None:
    got = marked(COPY, WIRE)
    # the copy's first sentence is not paired (most of it is new); only its second clause is the wire's
    assert "after the storm cut the ferry link to the islands for at least a week" in got[0]
    assert not any("Shopkeepers" in span or "cellars" in span for span in got)


def test_a_stock_phrase_is_shared_but_not_reused() -> None:
    from copydesk.engine.compare import compare

    c = compare(COPY, WIRE)
    start, end = COPY.index("The bakery"), COPY.index("About 300")
    # "at least a" is in a shingle of the wire ("for at least a week") with one content word: shared, so
    # counted by the containment figures, but not reused
    assert [COPY[s:e] for s, e in c.shared_a if start <= s < end] == ["at least a"]
    assert not any(start <= s < end for s, _ in c.reused_a)


def test_a_paired_sentence_is_reused_whole() -> None:
    got = marked(COPY, WIRE)
    assert got[-1] == "About 300 residents spent the night in the sports hall of the secondary school"


def test_reused_words_marks_paired_sentences_and_rich_runs() -> None:
    side, other = clause_table(analyze(COPY)), clause_table(analyze(WIRE))
    n = len(side.body_words)
    unlike = clause_table(analyze("Nothing alike here at all."))
    assert not reused_words(side, unlike, np.zeros(n, dtype=bool), set()).any()
    assert reused_words(side, other, np.zeros(n, dtype=bool), {0, 1, 2}).all()
    run = np.zeros(n, dtype=bool)
    run[:4] = True  # "shopkeepers on the quay": two content words
    assert reused_words(side, unlike, run, set())[:4].all()
    run[:4], run[5:7] = False, True  # "spent sunday": two content words, and "the": none
    assert reused_words(side, unlike, run, set()).sum() == 2


def test_a_clause_table_tiles_the_body() -> None:
    an = analyze(COPY)
    table = clause_table(an)
    assert table.start[0] == 0 and table.end[-1] == len(an.body_words)
    assert all(e == s for e, s in zip(table.end, table.start[1:], strict=False))
    assert [" ".join(an.body_words[i:j]) for i, j in zip(table.start, table.end, strict=True)][:2] == [
        "shopkeepers on the quay spent sunday pumping water out of their cellars",
        "after the storm cut the ferry link to the islands for at least a week",
    ]


@pytest.mark.parametrize("flip", [False, True])
def test_reused_spans_mirror_when_the_sides_swap(flip: bool) -> None:
    from copydesk.engine.compare import compare

    a, b = (WIRE, COPY) if flip else (COPY, WIRE)
    ab, ba = compare(a, b), compare(b, a)
    assert ab.reused_a == ba.reused_b and ab.reused_b == ba.reused_a
    assert ab.to_dict()["reused_a"] == [list(span) for span in ab.reused_a]
    assert ab.reused_spans("b") == list(ab.reused_b)


_WORDS = ["storm", "harbour", "ferry", "the", "of", "said", "boats", "town", "island", "a"]
_MARKS = [" ", " ", " ", ", ", "; ", ' "', '" ', " - ", ". ", "\n\n"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_MARKS)), min_size=1, max_size=40),
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_MARKS)), min_size=1, max_size=40),
)
def test_reused_spans_stay_inside_their_text_on_word_edges(
    a_parts: list[tuple[str, str]], b_parts: list[tuple[str, str]]
) -> None:
    from copydesk.engine.compare import compare

    a = "".join(w + m for w, m in a_parts)
    b = "".join(w + m for w, m in b_parts)
    c = compare(a, b)
    for text, reused, body_start in ((a, c.reused_a, c.a.body_start), (b, c.reused_b, c.b.body_start)):
        toks = tokenize(text)
        edges_s, edges_e = set(toks.starts.tolist()), set(toks.ends.tolist())
        last = -1
        for s, e in reused:
            assert body_start <= s < e <= len(text) and s > last
            assert s in edges_s and e in edges_e
            last = e
