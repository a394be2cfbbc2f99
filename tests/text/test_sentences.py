from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copydesk.text import sentences as module
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


def _paragraphs_reference(text: str, start: int) -> list[tuple[int, int]]:
    """`paragraphs` written the plain way, each line and paragraph copied out and tested as a string."""
    trim = module._TRIM
    lines: list[tuple[int, int]] = []
    pos = start
    for line in text[start:].split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    wrapped = module._is_wrapped(text, lines)
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    end = 0

    def close() -> None:
        nonlocal open_at
        if open_at is not None:
            s, e = module._trim(text, open_at, end)
            if e > s:
                out.append((s, e))
        open_at = None

    for s, e in lines:
        body = text[s:e]
        if not any(ch.isalnum() for ch in body):
            close()
            continue
        if wrapped and open_at is not None and body[:1] in (" ", "\t", "\x19"):
            close()
        if not wrapped and not (
            open_at is not None
            and text[open_at:end].rstrip(trim)[-1:] not in set(".!?…'\"’”)]:")
            and body.lstrip(trim)[:1].islower()
        ):
            close()
        if open_at is None:
            open_at = s
        end = e
        if wrapped and body.rstrip().endswith("<"):
            close()
    close()
    return out


# Lines of both layouts: wire copy wrapped near 72 columns (indented openings, PA's "<" ends), scraped
# pages with one long paragraph per line, lines going on in lower case, blank lines, rules, captions.
_LINES = [
    "\x19Composer Keith Burstein, seeking damages from The Times which accused him of",
    "organising hecklers to wreck performances by modernists, told the High Court",
    "today that he did voice disapproval at the end of a performance.<",
    "\tIndented with a tab, this line opens a paragraph of wrapped copy as well",
    "  and an indented line in lower case, which goes on from the line before",
    "| a line opening with a table bar, then lower case",
    "A short heading",
    "",
    "-----",
    "A scraped page holds each paragraph on one line, and this one runs on for well over a hundred "
    "characters of prose without a stop",
    "goes on in lower case after a break, as scrapers leave it.",
    "The end.",
    "é accented opening",
    "_",
]


@given(
    st.lists(st.sampled_from(_LINES), max_size=12).map("\n".join),
    st.integers(0, 20),
)
def test_paragraphs_equal_the_plain_reference(text: str, start: int) -> None:
    start = min(start, len(text))
    assert [(p.start, p.end) for p in paragraphs(text, start=start)] == _paragraphs_reference(text, start)
