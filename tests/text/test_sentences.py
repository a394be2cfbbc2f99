from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copydesk.text.sentences import paragraphs, sentences


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text)]


def test_splits_sentences_and_keeps_abbreviations() -> None:
    text = "Mr. Smith went to Washington. He met Dr. Jones at 5 p.m. on Friday! Was it late? Yes."
    assert spans(text) == [
        "Mr. Smith went to Washington.",
        "He met Dr. Jones at 5 p.m. on Friday!",
        "Was it late?",
        "Yes.",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = '"We will win," he said. "Nobody doubts it."'
    assert spans(text) == ['"We will win," he said.', '"Nobody doubts it."']


def test_one_paragraph_per_line_when_lines_are_long() -> None:
    text = (
        "First paragraph that is a long line of prose.\nA caption line without a stop\nThird paragraph here."
    )
    assert [text[p.start : p.end] for p in paragraphs(text)] == text.split("\n")


def test_hard_wrapped_wire_copy_joins_lines() -> None:
    text = (
        "\x19Composer Keith Burstein, seeking damages from The Times which accused him of\n"
        "organising hecklers to wreck performances by modernists, told the High Court\n"
        "today that he did voice disapproval at the end of a performance.<\n"
        "\x19Justin Rushbrooke, representing the newspaper in the libel case, asked whether\n"
        "Mr Burstein agreed that he heckled.<\n"
    )
    paras = [text[p.start : p.end] for p in paragraphs(text)]
    assert len(paras) == 2
    assert paras[0].startswith("Composer") and paras[0].endswith("performance.")
    assert "\n" in paras[0]  # the span keeps the original line breaks


def test_rules_and_blank_lines_are_not_paragraphs() -> None:
    text = "  -----------\n\nHeadline here\n  -----------\nBody sentence one. Body two."
    assert [text[p.start : p.end] for p in paragraphs(text)] == [
        "Headline here",
        "Body sentence one. Body two.",
    ]


def test_start_skips_a_header() -> None:
    text = "HEADER LINE\nBody. More."
    assert spans(text)[0] == "HEADER LINE"
    assert [text[s.start : s.end] for s in sentences(text, start=12)] == ["Body.", "More."]


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'‘’<\x19AB")), max_size=300))
def test_sentences_are_ordered_trimmed_and_inside(text: str) -> None:
    prev_end = 0
    for s in sentences(text):
        assert prev_end <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        prev_end = s.end
