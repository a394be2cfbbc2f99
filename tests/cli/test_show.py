"""The one rule for data on a terminal (`copydesk.cli.show`), as properties over any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from copydesk.cli.show import clean, elide, plain

# markup and controls are what breaks a terminal: draw them often
TEXT = st.text(st.one_of(st.sampled_from("[]/\\\x1b\x07\x9b\u202e\n\t#@abc"), st.characters()), max_size=40)


def _controls(s: str) -> list[str]:
    return [ch for ch in s if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u202e\u2028"]


@given(TEXT)
def test_plain_shows_the_clean_text_whatever_sits_around_it(value: str) -> None:
    """Data is never markup: beside markup of our own (a tag after it, a trailing backslash before a tag),
    it reads back as `clean` made it."""
    shown = Text.assemble(Text.from_markup("[dim]a [/]"), plain(value, "bold"), Text.from_markup("[red]b[/]"))
    assert shown.plain == f"a {clean(value)}b"
    assert not _controls(clean(value))


@given(TEXT)
def test_clean_changes_only_control_characters(value: str) -> None:
    if not _controls(value):
        assert clean(value) == value
    assert "\n" not in clean(value) and clean(value, lines=True).count("\n") == value.count("\n")


@given(TEXT, st.integers(1, 50))
def test_elide_fits_and_keeps_both_ends(value: str, width: int) -> None:
    cut = elide(value, width)
    assert cell_len(cut) <= width
    if cell_len(value) <= width:
        assert cut == value
    else:
        head, _, tail = cut.partition("…")
        assert value.startswith(head) and value.endswith(tail)
