"""Stories over an index: clustering, provenance, incremental updates with stable ids, atomic writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from copydesk.config import StoryConfig
from copydesk.engine.index import Index
from copydesk.engine.stages.keys import story_id
from copydesk.errors import StoreError
from copydesk.model import HIDDEN
from copydesk.store import SCHEMA_VERSION
from copydesk.store import stories as story_tables

_WORDS = [f"w{i}x" for i in range(5000)]


def sentences(seed: int, n: int) -> list[str]:
    """``n`` sentences of words drawn at random: texts of two seeds share no shingle."""
    rnd = random.Random(seed)
    return [" ".join(rnd.choice(_WORDS) for _ in range(12)).capitalize() + "." for _ in range(n)]


def art(id_: str, parts: list[str], day: int, outlet: str | None = None) -> dict[str, object]:
    return {"id": id_, "text": "\n\n".join(parts), "date": dt.date(2024, 1, day), "outlet": outlet}


WIRE = sentences(1, 14)
OTHER = sentences(2, 14)


def corpus() -> list[dict[str, object]]:
    return [
        art("wire", WIRE, 1, "CPA"),
        art("copy1", WIRE[:9] + sentences(3, 4), 2, "Ledger"),
        art("copy2", WIRE[4:] + sentences(4, 3), 3, "Weekly"),
        art("alone", sentences(5, 10), 2),
        art("other", OTHER, 1),
    ]


def membership(ix: Index) -> dict[str, str]:
    return {m.id: s.id for s in ix.stories() for m in s.members}


def test_full_build_groups_copies_under_their_source(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add(corpus())
        done = ix.update_stories()
        assert done.articles == 5 and done.links >= 3
        found = ix.stories()
        assert [s.size for s in found] == [3, 1, 1]
        story = found[0]
        assert story.root == "wire" and not story.hidden_source
        assert {m.id: m.parent for m in story.members} == {"wire": None, "copy1": "wire", "copy2": "wire"}
        assert all(0 <= e.confidence <= 1 and 0 <= e.containment <= 1 for e in story.edges)
        assert {m.id for m in story.members if m.uncredited} == {"copy1", "copy2"}
        assert ix.story(story.id) == story
        assert ix.story_of("copy2").id == story.id
        assert ix.update_stories().articles == 0  # nothing new: nothing to do
        assert [s.size for s in ix.stories(min_size=2)] == [3]


def test_a_later_article_joins_its_story_which_keeps_its_id(tmp_path: Path) -> None:
    items = corpus()
    with Index(tmp_path / "i.db") as ix:
        ix.add(items[:2] + items[3:])
        first = membership(ix)
        sid = first["wire"]
        assert first["copy1"] == sid
        ix.add([items[2]])
        done = ix.update_stories()
        assert done.articles == 1 and done.grown == 1 and done.created == 0
        after = membership(ix)
        assert after["copy2"] == sid and after["wire"] == sid
        assert {k: v for k, v in after.items() if k != "copy2"} == first
        story = ix.story(sid)
        assert story.size == 3 and story.root == "wire"
        assert {m.id: m.parent for m in story.members}["copy2"] == "wire"


def test_an_earlier_article_becomes_the_new_root_and_founds_the_story(tmp_path: Path) -> None:
    # a story's id comes from its founder (the first member by date, then id): when an earlier article
    # joins, the story takes the id it would have had if built at once, and the old id leads to it
    items = corpus()
    with Index(tmp_path / "i.db") as ix:
        ix.add([items[1], items[2]])  # the two copies, without their source
        old = membership(ix)["copy1"]
        before = ix.story(old)
        assert before.root != "wire"
        ix.add([items[0]])
        done = ix.update_stories()
        story = ix.story_of("wire")
        assert story.id == story_id("wire") != old and done.merges == {old: story.id}
        assert story.root == "wire" and story.size == 3
        assert {m.id: m.parent for m in story.members}["wire"] is None
        assert sum(m.parent is None for m in story.members) == 1
        assert ix.story(old) == story  # the retired id leads to it


def test_an_article_bridging_two_stories_merges_them_under_the_founder_s_id(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([art("wire", WIRE, 1), art("wcopy", WIRE[:10], 2)])
        ix.update_stories()
        ix.add([art("other", OTHER, 3), art("ocopy", OTHER[2:], 4)])
        ix.update_stories()
        older, newer = membership(ix)["wire"], membership(ix)["other"]
        assert older != newer
        ix.add([art("bridge", WIRE[:6] + OTHER[:6], 5)])
        done = ix.update_stories()
        assert done.merged == 1 and done.merges == {newer: older}
        story = ix.story(older)
        assert older == story_id("wire")  # "wire" is the first member by date
        assert {m.id for m in story.members} == {"wire", "wcopy", "other", "ocopy", "bridge"}
        assert story.merged == (newer,) and story.size == 5
        assert {m.id: m.parent for m in story.members}["bridge"] in {"wire", "other"}
        assert ix.story(newer).id == older  # the retired id leads to the story it went into
        assert len(ix.stories()) == 1


def _phrased(seed: int, phrases: list[str]) -> list[str]:
    """Sentences of words drawn at random with ``phrases`` (four words each) scattered in them: texts
    sharing the phrases share rare 3-word shingles, but no run long enough for the fingerprints."""
    filler = " ".join(sentences(seed, 4)).split()
    words: list[str] = []
    for k, p in enumerate(phrases):
        words += filler[6 * k : 6 * k + 6] + p.split()
    return [" ".join(words) + "."]


def test_a_link_no_rule_proposes_any_more_is_retracted_and_the_story_splits(tmp_path: Path) -> None:
    # Two articles share six scattered four-word phrases and nothing longer: only the rare-shingle rule
    # proposes them. Once more than `max_shingle_df` articles of their window hold those shingles, no rule
    # proposes the pair: the update retracts the link and the story splits, as a build at once gives.
    from copydesk.engine import batch
    from copydesk.engine.intake import checked

    config = StoryConfig(max_shingle_df=3)
    phrases = [" ".join(sentences(900 + k, 1)[0].rstrip(".").lower().split()[:4]) for k in range(6)]
    a, b = art("a", _phrased(31, phrases), 1), art("b", _phrased(32, phrases), 2)
    more = [art(f"m{k}", _phrased(40 + k, phrases), 3) for k in range(3)]
    with Index(tmp_path / "i.db", story_config=config) as ix:
        ix.add([a, b])
        ix.update_stories()
        assert [sorted(m.id for m in s.members) for s in ix.stories(min_size=2, update=False)] == [["a", "b"]]
        ix.add(more)
        done = ix.update_stories()
        assert done.retracted == 1
        assert ix.stories(min_size=2, update=False) == []
        once = batch.stories(list(checked([a, b, *more], [], [])), story_config=config)
        assert once.links == () and all(s.size == 1 for s, _ in once.stories)


def test_siblings_with_their_parent_missing_have_a_hidden_source(tmp_path: Path) -> None:
    with Index(tmp_path / "i.db") as ix:
        ix.add([art("x", WIRE[:10] + sentences(6, 4), 2), art("y", WIRE[4:] + sentences(7, 4), 2)])
        (story,) = ix.stories()
        assert story.root is None and story.hidden_source
        assert {e.source for e in story.edges} == {HIDDEN}
        assert story.to_dict()["root"] is None


def test_stories_do_not_depend_on_input_order(tmp_path: Path) -> None:
    items = corpus()
    rnd = random.Random(7)
    views = []
    for n in range(3):
        order = list(items)
        rnd.shuffle(order)
        with Index(tmp_path / f"{n}.db") as ix:
            ix.add(order)
            views.append([s.to_dict() for s in ix.stories()])
    assert views[0] == views[1] == views[2]


def test_a_failed_update_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = story_tables.write

    def broken(con: sqlite3.Connection, **kw: object) -> None:
        real(con, **kw)  # type: ignore[arg-type]
        raise RuntimeError("killed mid-write")

    with Index(tmp_path / "i.db") as ix:
        ix.add(corpus())
        monkeypatch.setattr(story_tables, "write", broken)
        with pytest.raises(StoreError, match="nothing of it was stored"):
            ix.update_stories()
        assert ix.store.story_counts()["stories"] == 0 and ix.store.story_counts()["links"] == 0
        monkeypatch.setattr(story_tables, "write", real)
        assert ix.update_stories().articles == 5
        assert [s.size for s in ix.stories()] == [3, 1, 1]


def test_a_read_only_index_lists_what_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with Index(path) as ix:
        ix.add(corpus())
        ix.update_stories()
        ix.add([art("late", WIRE[:8], 9)])
    with Index(path, readonly=True) as ro:
        assert sum(s.size for s in ro.stories()) == 5  # the late article waits for a writable update


def test_version_1_index_is_upgraded_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Index(path) as ix:
        ix.add(corpus())
    con = sqlite3.connect(path)
    for table in ("links", "stories", "story_members", "story_edges", "story_merges", "aliases"):
        con.execute(f"DROP TABLE {table}")
    con.execute("ALTER TABLE articles DROP COLUMN skip")  # a file from before the stored layouts
    con.execute("ALTER TABLE articles DROP COLUMN credits")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="upgrades it"):
        Index(path, readonly=True)
    with Index(path) as ix:
        assert ix.stats().schema_version == SCHEMA_VERSION
        assert [s.size for s in ix.stories()] == [3, 1, 1]
        assert [h.id for h in ix.find("copy1")] == ["wire", "copy2"]


def test_a_small_cache_gives_the_same_stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from copydesk.engine import stories as engine

    with Index(tmp_path / "a.db") as ix:
        ix.add(corpus())
        want = [s.to_dict() for s in ix.stories()]
    monkeypatch.setattr(engine, "_CACHE", 2)
    with Index(tmp_path / "b.db") as ix:
        ix.add(corpus())
        assert [s.to_dict() for s in ix.stories()] == want


def test_links_carry_the_figures_compare_computes() -> None:
    from copydesk.config import CompareConfig
    from copydesk.engine.articles import as_article
    from copydesk.engine.overlap import overlap, prepare
    from copydesk.engine.stages.items import item_of
    from copydesk.engine.stages.link import evidence, verify_many
    from copydesk.engine.stories import _analysed
    from copydesk.provenance.verdict import verdict

    cfg = CompareConfig()
    arts = [as_article(a) for a in corpus()]
    for a in arts:
        others = [b for b in arts if b.id != a.id]
        links = {
            (ln.a, ln.b): ln
            for ln in verify_many(
                [(item_of(_analysed(a, 3)), [item_of(_analysed(b, 3)) for b in others])], config=cfg
            )
        }
        for b in others:
            x, y = sorted((a, b), key=lambda art: art.id or "")
            ov = overlap(prepare(x, shingle_size=3), prepare(y, shingle_size=3), config=cfg, passages=False)
            link = links.get((x.id or "", y.id or ""))
            assert (link is not None) == ov.related(cfg)
            if link is not None:
                assert (link.containment_a, link.containment_b, link.shared_words) == (
                    ov.containment_a,
                    ov.containment_b,
                    ov.shared_words,
                )
                # the verdict in bulk is the pair's own verdict; its evidence is asked for afterwards
                item_x, item_y = item_of(_analysed(x, 3)), item_of(_analysed(y, 3))
                v, conf, ev = verdict(
                    dataclasses.replace(item_x.signals, containment=link.containment_a),
                    dataclasses.replace(item_y.signals, containment=link.containment_b),
                    shared_words=link.shared_words,
                    related_containment=cfg.related_containment,
                    min_shared_words=cfg.min_shared_words,
                )
                assert (link.verdict, link.confidence, link.evidence) == (v, conf, ())
                assert evidence(item_x, item_y, link, config=cfg) == tuple(ev)


@pytest.mark.parametrize("fail", [False, True])
def test_a_bulk_write_rebuilds_the_index_on_b_inside_its_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool
) -> None:
    with Index(tmp_path / "a.db") as ix:
        ix.add(corpus())
        want = [s.to_dict() for s in ix.stories()]
    monkeypatch.setattr(story_tables, "_BULK_LINKS", 1)  # every first write is a bulk one
    real = story_tables.write

    def broken(con: sqlite3.Connection, **kw: object) -> None:
        real(con, **kw)  # type: ignore[arg-type]
        raise RuntimeError("killed mid-write")

    if fail:
        monkeypatch.setattr(story_tables, "write", broken)
    with Index(tmp_path / "b.db") as ix:
        ix.add(corpus())
        if fail:
            with pytest.raises(StoreError):
                ix.update_stories()
            monkeypatch.setattr(story_tables, "write", real)
        assert [s.to_dict() for s in ix.stories()] == want
    con = sqlite3.connect(tmp_path / "b.db")
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    plan = " ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT a FROM links WHERE b = 'x'"))
    con.close()
    assert "links_b" in indexes and "links_b" in plan


def test_small_batches_over_threads_give_the_same_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.engine import stories as engine

    with Index(tmp_path / "a.db") as ix:
        ix.add(corpus())
        want = [s.to_dict() for s in ix.stories()]
        links = sorted(ix.store.links_of([m.id for s in ix.stories() for m in s.members]), key=str)
    monkeypatch.setattr(engine, "_BATCH", 1)  # one pair per batch, batches spread over the threads
    monkeypatch.setattr(engine, "_THREADS", 3)
    with Index(tmp_path / "b.db") as ix:
        ix.add(corpus())
        assert [s.to_dict() for s in ix.stories()] == want
        assert sorted(ix.store.links_of([m.id for s in ix.stories() for m in s.members]), key=str) == links


def test_related_many_is_related_elementwise() -> None:
    import numpy as np

    from copydesk.config import CompareConfig
    from copydesk.engine.overlap import related, related_many

    cfg = CompareConfig()
    rc, low = cfg.related_containment, cfg.min_shared_words
    ca = np.array([0.0, rc, rc - 1e-9, 1.0, 0.5, rc])
    cb = np.array([0.0, 0.0, rc, 0.1, 0.5, rc - 1e-9])
    shared = np.array([100, low, low, low - 1, 0, 500])
    want = [related(float(a), float(b), int(s), cfg) for a, b, s in zip(ca, cb, shared, strict=True)]
    assert related_many(ca, cb, shared, cfg).tolist() == want
    assert want == [False, True, True, False, False, True]


def test_the_evidence_of_an_edge_is_kept_with_its_link_and_read_back_the_same(tmp_path: Path) -> None:
    # computed once when the link becomes an edge, then read from the link by every later rebuild of its
    # story (no article is read again for it), and equal to what a fresh build computes
    items = corpus()
    with Index(tmp_path / "a.db") as ix:
        ix.add(items[:2])
        ix.update_stories()
        stored = {(ln.a, ln.b): ln.evidence for ln in ix.store.links_of(["wire", "copy1"])}
        assert stored and all(stored.values())
        ix.add(items[2:])
        ix.update_stories()
        later = [s.to_dict() for s in ix.stories(update=False)]
    with Index(tmp_path / "b.db") as ix:
        ix.add(items)
        assert [s.to_dict() for s in ix.stories()] == later
