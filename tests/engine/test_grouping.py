"""No merge through one weak link (issue 21, item 1): `stages.story.grouping` and the stories it makes.

A link groups two articles into one story whatever else they are linked to only when it carries real shared
text (`strong`); a thinner one brings an article with no strong link into the story it shares most with,
and never joins two stories.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.config import StoryConfig
from copydesk.engine import batch
from copydesk.engine.index import Index
from copydesk.engine.intake import checked
from copydesk.engine.stages.story import components, grouping, strong
from copydesk.model import Evidence, Link
from tests.engine.test_stories import sentences

CONFIG = StoryConfig()


def ln(a: str, b: str, shared: int, ca: float = 0.1, cb: float = 0.1, *, wire: bool = False) -> Link:
    why = (Evidence("wire_story", "common_source", 0.9, "takes of one wire story"),) if wire else ()
    return Link(a, b, ca, cb, shared, "common_source", 0.5, why)


def groups(links: list[Link], ids: list[str]) -> list[list[str]]:
    return components(ids, grouping(links, config=CONFIG))


def test_strong_is_real_shared_text() -> None:
    assert strong(ln("a", "b", 40), CONFIG)  # two sentences' worth of words
    assert not strong(ln("a", "b", 39), CONFIG)
    assert strong(ln("a", "b", 12, 0.02, 0.5), CONFIG)  # half the smaller side's words
    assert not strong(ln("a", "b", 12, 0.02, 0.32), CONFIG)  # a 38-word brief's 12 stock words
    assert strong(ln("a", "b", 0, 0.0, 0.0, wire=True), CONFIG)  # takes of one wire story


def test_a_weak_link_does_not_join_two_stories() -> None:
    links = [ln("a1", "a2", 300), ln("b1", "b2", 200), ln("a2", "b1", 12, 0.02, 0.32)]
    assert groups(links, ["a1", "a2", "b1", "b2"]) == [["a1", "a2"], ["b1", "b2"]]


def test_an_article_with_weak_links_only_goes_with_the_one_it_shares_most_with() -> None:
    # "brief" shares 20 words with story a and 30 with story b: it joins b, and a and b stay apart
    links = [ln("a1", "a2", 300), ln("b1", "b2", 200), ln("a1", "brief", 20), ln("b2", "brief", 30)]
    assert groups(links, ["a1", "a2", "b1", "b2", "brief"]) == [["b1", "b2", "brief"], ["a1", "a2"]]
    # a tie goes by the shared words, then the containment, then the other end's id
    tie = [ln("a1", "a2", 300), ln("b1", "b2", 200), ln("a1", "brief", 20), ln("b1", "brief", 20)]
    assert groups(tie, ["a1", "a2", "b1", "b2", "brief"]) == [["a1", "a2", "brief"], ["b1", "b2"]]
    closer = [*tie[:3], ln("b1", "brief", 20, 0.1, 0.2)]
    assert groups(closer, ["a1", "a2", "b1", "b2", "brief"]) == [["b1", "b2", "brief"], ["a1", "a2"]]


def test_two_weak_articles_cannot_chain_two_stories() -> None:
    # x's best is story a, y's best is story b, and x and y share a weak link: a and b stay apart
    links = [
        ln("a1", "a2", 300),
        ln("b1", "b2", 300),
        ln("a1", "x", 30),
        ln("x", "y", 20),
        ln("y", "b1", 30),
    ]
    assert groups(links, ["a1", "a2", "b1", "b2", "x", "y"]) == [["a1", "a2", "x"], ["b1", "b2", "y"]]


def test_among_chooses_for_those_articles_only() -> None:
    links = [ln("a1", "a2", 300), ln("a1", "x", 30), ln("x", "y", 20)]
    assert sorted(grouping(links, config=CONFIG, among={"a1", "a2", "x"})) == [("a1", "a2"), ("a1", "x")]
    assert sorted(grouping(links, config=CONFIG)) == [("a1", "a2"), ("a1", "x"), ("x", "y")]


@settings(max_examples=200, deadline=None)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from([12, 20, 39, 40, 80])),
        max_size=30,
    ),
    order=st.randoms(use_true_random=False),
)
def test_grouping_never_chains_strong_groups_and_ignores_link_order(
    edges: list[tuple[int, int, int]], order: random.Random
) -> None:
    found: dict[tuple[str, str], Link] = {}
    for x, y, shared in edges:
        if x != y:
            a, b = sorted((f"n{x:02d}", f"n{y:02d}"))
            found[(a, b)] = ln(a, b, shared)
    links = list(found.values())
    ids = [f"n{k:02d}" for k in range(12)]
    got = groups(links, ids)
    shuffled = list(links)
    order.shuffle(shuffled)
    assert groups(shuffled, ids) == got
    # the articles with a strong link of each story are one group of the strong links alone
    firm = [x for x in links if strong(x, CONFIG)]
    held = {i for x in firm for i in (x.a, x.b)}
    firm_groups = {frozenset(g) for g in components(sorted(held), [(x.a, x.b) for x in firm])}
    for g in got:
        inside = frozenset(i for i in g if i in held)
        assert not inside or inside in firm_groups


def _record(id_: str, parts: list[str], day: int, outlet: str) -> dict[str, object]:
    return {"id": id_, "text": "\n\n".join(parts), "date": dt.date(2024, 5, day), "outlet": outlet}


def two_trials() -> list[dict[str, object]]:
    """Two stories a month apart, each a wire text and two papers' copies, and a brief with one sentence
    of the first (12 words), two of the second (24) and two of its own: weakly linked to both."""
    first, second = sentences(101, 14), sentences(202, 14)
    return [
        _record("first", first, 1, "Agency"),
        _record("first-paper", first[:10] + sentences(103, 3), 1, "Ledger"),
        _record("first-weekly", first[3:] + sentences(104, 2), 2, "Weekly"),
        _record("second", second, 28, "Agency"),
        _record("second-paper", second[:11] + sentences(203, 3), 28, "Ledger"),
        _record("second-weekly", second[2:] + sentences(204, 2), 29, "Weekly"),
        _record("brief", [first[5], second[6], second[7], *sentences(301, 2)], 29, "Briefs"),
    ]


def test_a_brief_between_two_trials_does_not_merge_them(tmp_path: Path) -> None:
    items = two_trials()
    got = batch.stories(list(checked(items, [], [])))
    thin = [x for x in got.links if "brief" in (x.a, x.b)]
    assert {x.shared_words for x in thin} == {12, 24} and not any(strong(x, CONFIG) for x in thin)
    members = sorted(sorted(m.id for m in s.members) for s, _ in got.stories)
    # it goes with the story it shares most with
    assert members == [
        ["brief", "second", "second-paper", "second-weekly"],
        ["first", "first-paper", "first-weekly"],
    ]
    # single-link grouping (every link strong) made one story of the two
    chained = batch.stories(list(checked(items, [], [])), story_config=StoryConfig(bridge_words=1))
    assert [s.size for s, _ in chained.stories] == [7]
    # the index gives the same, whether the brief comes first or last
    for order in (items, [items[-1], *items[:-1]]):
        with Index(tmp_path / f"{order[0]['id']}.db") as ix:
            for record in order:
                ix.add([record], workers=0)
                ix.update_stories()
            assert sorted(sorted(m.id for m in s.members) for s in ix.stories(update=False)) == members
