"""The takes and versions of one wire story join it in the stories, whether or not they share text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from copydesk.engine.index import Index
from copydesk.model import HIDDEN
from tests.engine.test_stories import sentences
from tests.text.test_wire import pa

DAY = dt.date(2000, 3, 1)
TAKE1 = sentences(21, 12)
TAKE2 = sentences(22, 8)  # shares no shingle with take 1


def take(id_: str, page: int, body: list[str], slug: str = "COURTS Burstein", date: dt.date = DAY) -> dict:
    return {
        "id": id_,
        "text": pa("16:54", date.strftime("%d/%m/%y"), page, slug, "\n".join(s + "<" for s in body)),
        "date": date,
        "outlet": "PA",
    }


def paper(id_: str, body: list[str]) -> dict:
    return {"id": id_, "text": "\n\n".join(body), "date": DAY + dt.timedelta(days=1), "outlet": "Ledger"}


def test_the_takes_of_a_wire_story_are_one_story_under_the_whole_story(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(
            [
                take("burstein1", 1, TAKE1),
                take("burstein2", 2, TAKE2),
                take("burstein2sub", 2, TAKE2[:6] + sentences(23, 3), slug="COURTS Burstein Substitute"),
                paper("times", TAKE1[:8] + sentences(24, 4)),
                take("other", 1, sentences(25, 10), slug="COURTS Francis"),  # same day, another story
                take("nextday", 1, sentences(26, 10), date=DAY + dt.timedelta(days=1)),
            ]
        )
        ix.update_stories()
        story = ix.story_of("burstein1")
        assert {m.id for m in story.members} == {"burstein1", "burstein2", "burstein2sub", "times"}
        parent = {m.id: m.parent for m in story.members}
        assert parent["times"] == "burstein1"  # the paper still hangs under the take it copied
        assert story.hidden_source and story.root is None
        under_hidden = {e.copy: e for e in story.edges if e.source == HIDDEN}
        assert "burstein1" in under_hidden
        why = [ev for e in under_hidden.values() for ev in e.evidence if ev.kind == "wire_story"]
        assert why and "COURTS Burstein" in why[0].detail and "2000-03-01" in why[0].detail
        assert all(0 <= e.confidence <= 1 for e in story.edges)
        assert ix.story_of("other").size == 1 and ix.story_of("nextday").size == 1


def test_a_take_sent_later_joins_its_story_which_keeps_its_id(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([take("burstein1", 1, TAKE1), paper("times", TAKE1[:8] + sentences(24, 4))])
        ix.update_stories()
        sid = ix.story_of("burstein1").id
        ix.add([take("burstein2", 2, TAKE2)])
        done = ix.update_stories()
        assert done.links == 1  # the one link of the new take: to the story's first take
        story = ix.story_of("burstein2")
        assert story.id == sid
        assert {m.id for m in story.members} == {"burstein1", "burstein2", "times"}
        assert {m.id: m.parent for m in story.members}["times"] == "burstein1"


def test_a_take_stored_without_the_header_s_date_is_found_by_its_wire_story(tmp_path: Path) -> None:
    # stored takes are found by their wire story's key, not by their date: one stored without a date is
    # joined by a later take, as in a build of both at once
    undated = take("burstein1", 1, TAKE1)
    undated["date"] = None
    with Index(tmp_path / "i.db") as ix:
        ix.add([undated])
        ix.update_stories()
        ix.add([take("burstein2", 2, TAKE2)])
        ix.update_stories()
        assert {m.id for m in ix.story_of("burstein2").members} == {"burstein1", "burstein2"}


def test_a_first_take_sent_after_the_second_joins_it(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([take("burstein2", 2, TAKE2), take("other", 1, sentences(25, 10), slug="COURTS Francis")])
        ix.update_stories()
        sid = ix.story_of("burstein2").id
        ix.add([take("burstein1", 1, TAKE1)])
        ix.update_stories()
        story = ix.story_of("burstein1")
        assert {m.id for m in story.members} == {"burstein1", "burstein2"}
        assert ix.story(sid) == story  # its id now comes from its founder; the old one leads to it
        assert ix.story_of("other").size == 1


def timed_take(id_: str, time: str, body: list[str], slug: str) -> dict:
    return {
        "id": id_,
        "text": pa(time, DAY.strftime("%d/%m/%y"), 1, slug, "\n".join(s + "<" for s in body)),
        "date": DAY,
        "outlet": "PA",
    }


def test_a_substitute_sent_later_derives_from_the_take_it_replaces(tmp_path: Path) -> None:
    # the same day, nearly the same text: only the transmission times tell which came first; the id of the
    # substitute sorts first, so nothing else (ids, input order) can give the answer
    first = timed_take("b-take", "14:10", TAKE1, "COURTS Burstein")
    sub = timed_take("a-sub", "18:55", TAKE1[:10] + sentences(27, 2), "COURTS Burstein Substitute")
    with Index(tmp_path / "i.db") as ix:
        ix.add([sub, first])
        ix.update_stories()
        parent = {m.id: m.parent for m in ix.story_of("b-take").members}
    assert parent == {"b-take": None, "a-sub": "b-take"}


def test_a_paper_that_shares_text_only_with_another_paper_ran_the_wire(tmp_path: Path) -> None:
    # `times` ran the wire take and four sentences of its own; `ledger` shares only those four (a share of
    # its words smaller than theirs in `times`, so the asymmetry calls `ledger` the source of `times`): a
    # paper tied only to a copy of the wire is no second source of the story but a paper that ran it too
    wire = take("burstein1", 1, TAKE1)
    times = {**paper("times", TAKE1[:6] + sentences(28, 4)), "outlet": "Times"}
    ledger = paper("ledger", sentences(28, 4) + sentences(29, 12))
    with Index(tmp_path / "i.db") as ix:
        ix.add([wire, times, ledger])
        ix.update_stories()
        story = ix.story_of("burstein1")
    parent = {m.id: m.parent for m in story.members}
    assert parent == {"burstein1": None, "times": "burstein1", "ledger": "burstein1"}
    assert story.root == "burstein1" and not story.hidden_source
