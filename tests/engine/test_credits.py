"""Credits over an index (issue 21): the hidden source named after its copies' credits, what is flagged
uncredited, stored and read back, and shown in JSON, text and HTML."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from copydesk.engine import batch, shapes
from copydesk.engine.articles import as_article
from copydesk.engine.index import Index
from copydesk.io.story_html import render_story_html
from copydesk.model import HIDDEN
from copydesk.store import SCHEMA_VERSION
from tests.cli.terminal import piped
from tests.engine.test_stories import WIRE, art, sentences

FOOTER = "This article was originally published by www.ledger.example. Read the original article here."


def pair() -> list[dict[str, object]]:
    """Two versions of one agency story whose original is not in the corpus: a paper's, crediting the
    agency ("Photo: CPA"), and a scraper's copy of another paper's version, crediting only that paper's site."""
    return [
        art("courier", WIRE[:12] + sentences(6, 2) + ["Photo: CPA"], 2, "Courier"),
        art("scraped", WIRE[2:] + sentences(7, 2) + [FOOTER], 3),
    ]


def takes() -> list[dict[str, object]]:
    """Three takes of one story by a wire agency (its outlet), and a paper running it without credit."""
    return [
        art("take1", WIRE[:12] + sentences(8, 2), 2, "AAP"),
        art("take2", WIRE[1:13] + sentences(9, 2), 2, "AAP"),
        art("take3", WIRE[2:] + sentences(10, 2), 2, "AAP"),
        art("paper", WIRE[3:] + sentences(11, 3), 3, "Courier"),
    ]


def test_the_hidden_source_is_named_and_the_copy_without_its_credit_is_uncredited(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(pair())
        (story,) = ix.stories()
        assert story.hidden_source and story.hidden_agency == "CPA" and story.agency_credited == 1
        m = {x.id: x for x in story.members}
        assert m["courier"].parent == m["scraped"].parent == HIDDEN
        assert m["courier"].credits_source and not m["courier"].uncredited
        assert m["scraped"].credits == ("www.ledger.example",) and m["scraped"].uncredited
        assert story.uncredited == ("scraped",) and story.uncredited_share == 0.5
        got = shapes.story(story)
        assert (got["hidden_agency"], got["hidden_agency_credited"]) == ("CPA", 1)
        row = shapes.story_row(story)
        assert (row["hidden_agency"], row["uncredited"], row["uncredited_share"]) == ("CPA", 1, 0.5)
        html = render_story_html(story, {})
        assert "hidden source</span>: CPA, credited by 1 of 2 copies" in html
        assert "uncredited: credits www.ledger.example, not its source" in html
    with Index(tmp_path / "i.db", readonly=True) as ro:
        assert ro.story(story.id) == story  # stored and read back
    built = batch.stories([as_article(a) for a in pair()])
    assert [s for s, _ in built.stories if s.size > 1] == [story]  # the in-memory definition agrees


def test_an_agencys_own_takes_are_never_flagged(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(takes())
        (story,) = ix.stories(min_size=2)
        m = {x.id: x for x in story.members}
        assert {x.id for x in story.members} == {"take1", "take2", "take3", "paper"}
        assert not any(m[t].uncredited for t in ("take1", "take2", "take3")), story.to_dict()
        assert story.uncredited == ("paper",)


def test_the_story_text_names_the_hidden_source_and_counts_the_uncredited(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    with Index(db) as ix:
        ix.add(pair())
        ix.update_stories()
    text = piped("story", "courier", "--db", str(db), cwd=tmp_path).ok().text
    assert "hidden source (CPA, credited by 1 of 2 copies; a parent not in the corpus)" in text, text
    assert "1 of 2 copies uncredited" in text
    assert "UNCREDITED (credits www.ledger.example, not its source)" in text
    listing = piped("stories", "--db", str(db), cwd=tmp_path).ok().text
    assert "hidden source: CPA" in listing and "50%" in listing


def test_a_version_6_index_builds_its_stories_again(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path) as ix:
        ix.add(pair())
        (want,) = ix.stories()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE stories DROP COLUMN hidden_agency")
    con.execute("UPDATE story_members SET uncredited = 0")  # flagged by the old rules
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with Index(path) as ix:
        assert ix.stats().schema_version == SCHEMA_VERSION == 8
        assert ix.stories() == [want]


def test_the_reference_pair_flags_the_daily_mail_version_not_the_papers(
    tmp_path: Path, seeds: tuple[Path, Path]
) -> None:
    """The hidden source is AFP (the paper's version credits it); the Daily Mail's version, which credits
    only www.dailymail.co.uk, runs AFP's text without AFP's credit."""
    mail, paper = seeds
    db = str(tmp_path / "s.db")
    piped("add", str(mail.parent), "--db", db, "-q", cwd=tmp_path).ok()
    text = piped("story", paper.name, "--db", db, cwd=tmp_path).ok().text
    assert "hidden source (AFP, credited by 1 of 2 copies" in text, text
    assert "1 of 2 copies uncredited" in text
    with Index(db, readonly=True) as ix:
        story = ix.story_of(paper.name, update=False)
    flagged = {m.id: m.uncredited for m in story.members}
    assert flagged == {mail.name: True, paper.name: False}
