"""Aliases: the same text under other ids is stored once, and the other ids are kept, each with its record."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from copydesk.errors import ArticleNotFound, StoreError
from copydesk.store import SCHEMA_VERSION, open_store

from .test_sqlite import SMALL, item

WIRE = "GRANITE FALLS (CPA) - The council closed the old bridge. Engineers found cracks in two arches."


def test_the_same_text_under_other_ids_is_kept_as_aliases_with_their_own_records(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with open_store(path, config=SMALL) as s:
        s.add_batch([item("cpa/bridge", WIRE, outlet="CPA", date=dt.date(2026, 4, 6))])
        result = s.add_batch(
            [
                item(
                    "https://times.example/bridge",
                    WIRE,
                    title="Bridge shut",
                    outlet="Times",
                    url="https://times.example/bridge",
                    date=dt.date(2026, 4, 7),
                    meta={"section": "local"},
                ),
                item("post/1", "Other text first."),
                item("post/2", "Other text first.", outlet="Post"),  # an earlier item of the same batch
            ]
        )
        assert [(o.status, o.duplicate_of) for o in result.outcomes] == [
            ("duplicate_text", "cpa/bridge"),
            ("added", None),
            ("duplicate_text", "post/1"),
        ]
    with open_store(path, readonly=True) as s:  # kept through close and reopen
        times = s.get("https://times.example/bridge")
        assert (times.id, times.text, times.title, times.outlet, times.url, times.date, dict(times.meta)) == (
            "https://times.example/bridge",
            WIRE,
            "Bridge shut",
            "Times",
            "https://times.example/bridge",
            dt.date(2026, 4, 7),
            {"section": "local"},
        )
        got = s.get_many(["post/2", "cpa/bridge", "https://times.example/bridge"])
        assert [(a.id, a.outlet) for a in got] == [
            ("post/2", "Post"),
            ("cpa/bridge", "CPA"),
            ("https://times.example/bridge", "Times"),
        ]
        assert [a.id for a, _ in s.get_layouts(["post/2"])] == ["post/2"]
        assert s.known(["post/2", "https://times.example/bridge", "nope"]) == {
            "post/2",
            "https://times.example/bridge",
        }
        assert s.count() == 2 and s.stats().aliases == 2  # texts stored once
        assert s.aliases_of(["cpa/bridge", "post/1"]) == {
            "cpa/bridge": ["https://times.example/bridge"],
            "post/1": ["post/2"],
        }
        with pytest.raises(ArticleNotFound, match="'nope'"):
            s.get_many(["post/2", "nope"])


def test_adding_an_alias_again_adds_nothing_and_its_id_with_another_text_is_a_same_id(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", config=SMALL) as s:
        s.add_batch([item("wire", WIRE), item("times", WIRE, outlet="Times")])
        again = s.add_batch(
            [
                item("times", WIRE, outlet="Times"),
                item("times", "A different text."),
                item("wire", "Another text again."),
                item("new", "A new one."),
                item("new", "A new one, changed."),
            ]
        )
        assert [(o.id, o.status, o.conflict) for o in again.outcomes] == [
            ("times", "duplicate_id", None),  # the same alias again: nothing to say
            ("times", "duplicate_id", "stored"),  # same id, text differs: skipped, to be reported
            ("wire", "duplicate_id", "stored"),
            ("new", "added", None),
            ("new", "duplicate_id", "batch"),
        ]
        assert s.stats().aliases == 1 and s.count() == 2
        assert s.get("times").text == WIRE
        # undated, so the smaller id holds the text (issue 18: whatever came first)
        assert s.aliases_of(["times"]) == {"times": ["wire"]}


def test_aliases_are_pending_for_the_stories_in_the_order_they_came(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", config=SMALL) as s:
        s.add_batch([item("wire", WIRE), item("b", WIRE), item("a", WIRE)])
        mark, new_mark, pending = s.aliases_pending()
        # the first id by (date, id) holds the text: each earlier one took it over from the one before
        assert mark == 0 and new_mark == 2 and pending == [("wire", "a"), ("b", "a")]


def test_a_version_4_file_is_upgraded_in_place_and_then_keeps_aliases(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path, config=SMALL) as s:
        s.add_batch([item("wire", WIRE), item("other", "Another story.")])
    con = sqlite3.connect(path)
    con.execute("DROP TABLE aliases")  # what version 4 had
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 4; this copydesk upgrades it"):
        open_store(path, readonly=True)
    with open_store(path) as s:
        assert s.stats().schema_version == SCHEMA_VERSION == 8
        assert s.get("other").text == "Another story."
        result = s.add_batch([item("times", WIRE, outlet="Times")])
        assert [(o.status, o.duplicate_of) for o in result.outcomes] == [("duplicate_text", "wire")]
    with open_store(path, readonly=True) as s:
        assert s.get("times").outlet == "Times" and s.get("times").text == WIRE
