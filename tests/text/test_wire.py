"""Wire transmission headers: read from the text, and the story key shared by a story's takes and versions."""

from __future__ import annotations

import datetime as dt

from copydesk.text.wire import wire_header

SEP = "  " + "-" * 72


def pa(
    time: str, date: str, page: int, slug: str, body: str = "A court heard today that nothing happened.<"
) -> str:
    return f"{SEP}\n\n{SEP}\n\n            {time} {date}: Page {page} (HHH) {slug}\n{SEP}\n{body}\nend<\n"


def test_a_pa_header_is_read_with_its_offsets() -> None:
    text = pa("16:54", "01/03/00", 2, "COURTS Burstein")
    h = wire_header(text)
    assert h is not None
    assert (h.time, h.date, h.page, h.desk, h.slug) == (
        "16:54",
        dt.date(2000, 3, 1),
        2,
        "HHH",
        "COURTS Burstein",
    )
    assert text[h.start : h.end].strip() == "16:54 01/03/00: Page 2 (HHH) COURTS Burstein"
    assert wire_header(pa("09:05", "12/07/99", 1, "COURTS Arm")).date == dt.date(1999, 7, 12)  # type: ignore[union-attr]


def test_takes_and_versions_of_one_story_share_its_key_and_others_do_not() -> None:
    def key(time: str, date: str, page: int, slug: str) -> str:
        h = wire_header(pa(time, date, page, slug))
        assert h is not None
        return h.story_key

    one = key("12:01", "03/04/00", 1, "COURTS GM")
    assert one == "2000-04-03 courts gm"
    assert key("12:30", "03/04/00", 2, "COURTS GM Substitute") == one
    assert key("17:40", "03/04/00", 1, "COURTS GM Nightlead") == one
    assert key("17:55", "03/04/00", 1, "COURTS GM List") != one  # another item of the desk
    assert key("12:01", "04/04/00", 1, "COURTS GM") != one  # the next day's story


def test_texts_without_a_header_have_none() -> None:
    assert wire_header("Page 1 of the report says the court heard nothing.") is None
    assert wire_header("The court heard today that nothing happened.") is None
    assert wire_header(pa("16:54", "31/02/00", 1, "COURTS Burstein")) is None  # no such date
    assert wire_header(pa("16:54", "01/03/00", 1, "1234")) is None  # a slug has letters
    # a header far down the text is a quotation of one, not this text's own
    assert wire_header("x " * 400 + pa("16:54", "01/03/00", 1, "COURTS Burstein")) is None


def test_a_header_gives_when_its_part_was_sent() -> None:
    h = wire_header("16:54 01/03/00: Page 2 (ZSM) COURTS Burstein Nightlead\n\nText.")
    assert h is not None and h.sent == dt.datetime(2000, 3, 1, 16, 54)
    late = wire_header("25:10 01/03/00: Page 1 (ZSM) COURTS Burstein\n\nText.")
    assert late is not None and late.sent is None  # no time of day: no order from it
