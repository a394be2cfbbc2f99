from __future__ import annotations

from copydesk.text.analysis import analyze
from copydesk.text.boilerplate import canonical_agency, find_credits


def kinds(text: str) -> list[tuple[str, str | None, str]]:
    return [(c.kind, c.name, text[c.start : c.end]) for c in find_credits(text)]


def test_wire_credits() -> None:
    text = (
        "WASHINGTON (AP) — The Senate voted on Tuesday.\n"
        "AFP journalists in Kyiv heard explosions.\n"
        "The minister told Reuters it was over.\n"
        "Reuters contributed to this report.\n"
    )
    found = kinds(text)
    assert ("dateline", "AP", "WASHINGTON (AP) —") in found
    assert ("agency", "AFP", "AFP journalists") in found
    assert any(k == "agency" and n == "Reuters" for k, n, _ in found)
    assert any(k == "contributed" and n == "Reuters" for k, n, _ in found)


def test_photo_credit_versus_caption() -> None:
    found = kinds(
        "Firefighters at work in Kyiv yesterday. Photo: AFP\nPicture: Tracers are seen in the night sky over the city"
    )
    assert ("photo", "AFP", "Photo: AFP") in found
    assert not any(k == "photo" and n and n.startswith("Tracers") for k, n, _ in found)


def test_republication_footer_names_the_site() -> None:
    text = "Body.\nThis article was originally published by a www.dailymail.co.uk . Read the Original article here. ."
    found = kinds(text)
    assert ("footer", "www.dailymail.co.uk") in [(k, n) for k, n, _ in found]


def test_agency_names_are_canonical() -> None:
    assert canonical_agency("Agence France-Presse") == "AFP"
    assert canonical_agency("Associated Press") == "AP"
    assert canonical_agency("The Times") is None


def test_captions_between_paragraphs_are_boilerplate() -> None:
    text = (
        "The storm hit the town overnight, officials said.\n"
        "Firefighters work at a flooded warehouse near the port\n"
        "About 300 people spent the night in a school.\n"
        "Picture: Waves crash over the pier\n"
        "The ferry will not run until Monday.\n"
        "This article was originally published by www.example.com . Read the original article here.\n"
    )
    got = {text[s.start : s.end]: s.boilerplate for s in analyze(text).sentences}
    assert got["Firefighters work at a flooded warehouse near the port"] == "caption"
    assert got["Picture: Waves crash over the pier"] == "caption"
    assert got["The storm hit the town overnight, officials said."] is None
    assert got["The ferry will not run until Monday."] is None
    assert got["This article was originally published by www.example.com ."] == "footer"


def test_byline_and_heading() -> None:
    text = (
        "STORM HITS PORT\nBy Jane Doe, PA News\nThe storm hit the port today. It was bad.\nMore later today."
    )
    got = {text[s.start : s.end]: s.boilerplate for s in analyze(text).sentences}
    assert got["STORM HITS PORT"] == "heading"
    assert got["By Jane Doe, PA News"] == "byline"
    assert got["The storm hit the port today."] is None
