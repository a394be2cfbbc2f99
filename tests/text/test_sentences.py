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


def test_a_line_cut_mid_sentence_joins_the_next_when_lines_are_long() -> None:
    # a line over 100 characters: one paragraph per line, except where a line goes on in lower case
    text = (
        "A scraped page broke this paragraph, which is one long line of prose as pages have them, in the "
        "middle of a sentence that goes on\nand on past the break, as scrapers do.\n"
        "A new paragraph starts with a capital."
    )
    first, second = (text[p.start : p.end] for p in paragraphs(text))
    assert first.endswith("as scrapers do.") and "\n" in first
    assert second == "A new paragraph starts with a capital."


@given(
    st.text(alphabet=st.sampled_from(list("ab .!?\n\"'‘’<\x19AB\t-_é1|")), max_size=300),
    st.integers(0, 20),
)
def test_paragraphs_are_ordered_trimmed_and_hold_every_letter(text: str, start: int) -> None:
    start = min(start, len(text))
    paras = paragraphs(text, start=start)
    prev_end = start
    for p in paras:
        assert prev_end <= p.start < p.end <= len(text)
        assert text[p.start] not in " \t\r\n\x0b\x0c\x19<|" and text[p.end - 1] not in " \t\r\n\x0b\x0c\x19<|"
        assert any(c.isalnum() for c in text[p.start : p.end])
        prev_end = p.end
    covered = [False] * len(text)
    for p in paras:
        covered[p.start : p.end] = [True] * (p.end - p.start)
    assert all(covered[i] for i in range(start, len(text)) if text[i].isalnum())
