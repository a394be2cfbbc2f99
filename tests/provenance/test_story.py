"""Provenance of one story from its links (pure): trees, hidden source, merges, credits, input order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.model import HIDDEN, Link
from copydesk.provenance.story import Node, cluster, provenance


def link(a: str, b: str, verdict: str, ca: float = 0.6, cb: float = 0.6, conf: float = 0.8) -> Link:
    return Link(a, b, ca, cb, 40, verdict, conf)  # type: ignore[arg-type]


def nodes(*ids: str, **kw: dict[str, object]) -> dict[str, Node]:
    return {i: Node(i, **kw.get(i, {})) for i in ids}  # type: ignore[arg-type]


def parents(p: object) -> dict[str, str | None]:
    return {m.id: m.parent for m in p.members}  # type: ignore[attr-defined]


def test_cluster_components_every_id_once() -> None:
    groups = cluster(["a", "b", "c", "d", "e"], [("a", "b"), ("c", "b"), ("d", "e")])
    assert groups == [["a", "b", "c"], ["d", "e"]]
    assert cluster(["x"], []) == [["x"]]


def test_single_article_is_a_story_of_one() -> None:
    p = provenance(nodes("a"), [], uncredited_containment=0.5)
    assert p.root == "a" and not p.hidden_source and p.edges == ()
    assert p.members[0].role == "single" and p.members[0].parent is None


def test_chain_has_one_root_and_one_parent_each() -> None:
    links = [link("b", "a", "a_from_b", ca=0.9, cb=0.7), link("c", "b", "a_from_b", ca=0.8, cb=0.5)]
    p = provenance(nodes("a", "b", "c"), links, uncredited_containment=0.5)
    assert p.root == "a" and not p.hidden_source
    assert parents(p) == {"a": None, "b": "a", "c": "b"}
    assert [m.role for m in p.members] == ["source", "copy", "copy"]
    edge = next(e for e in p.edges if e.copy == "b")
    assert edge.source == "a" and edge.containment == 0.9 and edge.primary


def test_siblings_without_parent_in_corpus_hang_under_a_hidden_source() -> None:
    p = provenance(nodes("a", "b"), [link("a", "b", "common_source", 0.5, 0.9)], uncredited_containment=0.5)
    assert p.root is None and p.hidden_source
    assert parents(p) == {"a": HIDDEN, "b": HIDDEN}
    assert {e.source for e in p.edges} == {HIDDEN}
    assert all(e.evidence[0].kind == "sibling" for e in p.edges)


def test_a_cycle_of_verdicts_still_gives_a_tree() -> None:
    links = [
        link("a", "b", "a_from_b", conf=0.9),
        link("b", "c", "a_from_b", conf=0.8),
        link("a", "c", "b_from_a", conf=0.7),  # c from a: closes the cycle a <- b <- c <- a
    ]
    p = provenance(nodes("a", "b", "c"), links, uncredited_containment=0.5)
    roots = [m.id for m in p.members if m.parent is None]
    assert len(roots) == 1 and roots == [p.root]
    assert len([e for e in p.edges if e.primary]) == 2


def test_an_article_merging_two_texts_keeps_both_sources() -> None:
    links = [
        link("m", "r1", "a_from_b", ca=0.5, cb=0.9),
        link("m", "r2", "a_from_b", ca=0.4, cb=0.9, conf=0.7),
    ]
    p = provenance(nodes("m", "r1", "r2"), links, uncredited_containment=0.5)
    assert not p.hidden_source and p.root in {"r1", "r2"}
    assert parents(p)["m"] == "r1"
    assert {m.id for m in p.members if m.role == "source"} == {"r1", "r2"}
    second = [e for e in p.edges if not e.primary]
    assert [(e.source, e.copy) for e in second] == [("r2", "m")]


def test_versions_by_one_outlet_are_one_text_not_siblings() -> None:
    same = {"outlet": "PA", "date": dt.date(2000, 1, 1)}
    p = provenance(
        nodes("pa1", "pa2", pa1=same, pa2=same),
        [link("pa1", "pa2", "common_source", 0.4, 0.5)],
        uncredited_containment=0.5,
    )
    assert not p.hidden_source and p.root in {"pa1", "pa2"}
    assert next(e for e in p.edges).evidence[0].kind == "alike"


def test_credit_and_uncredited_flags() -> None:
    ns = nodes(
        "wire",
        "credits",
        "silent",
        "small",
        wire={"outlet": "AFP", "own_names": frozenset({"afp"})},
        credits={"credits": ("AFP",)},
    )
    links = [
        link("credits", "wire", "a_from_b", ca=0.9),
        link("silent", "wire", "a_from_b", ca=0.8),
        link("small", "wire", "a_from_b", ca=0.3),
    ]
    p = provenance(ns, links, uncredited_containment=0.5)
    m = {x.id: x for x in p.members}
    assert m["credits"].credits_source and not m["credits"].uncredited
    assert m["silent"].uncredited and not m["silent"].credits_source
    assert not m["small"].uncredited  # 30% of its words: below the threshold
    assert not m["wire"].uncredited  # the source itself


_IDS = ["a", "b", "c", "d", "e", "f"]


@st.composite
def story_links(draw: st.DrawFn) -> list[Link]:
    pairs = draw(st.lists(st.tuples(st.sampled_from(_IDS), st.sampled_from(_IDS)), min_size=1, max_size=12))
    out = {}
    for a, b in pairs:
        if a >= b:
            continue
        out[(a, b)] = link(
            a,
            b,
            draw(st.sampled_from(["a_from_b", "b_from_a", "common_source"])),
            ca=draw(st.sampled_from([0.3, 0.6, 0.9])),
            cb=draw(st.sampled_from([0.3, 0.6, 0.9])),
            conf=draw(st.sampled_from([0.4, 0.7, 0.9])),
        )
    return list(out.values())


@settings(max_examples=150, deadline=None)
@given(story_links(), st.randoms())
def test_provenance_does_not_depend_on_input_order(links: list[Link], rnd: object) -> None:
    ids = sorted({x for ln in links for x in (ln.a, ln.b)})
    shuffled = list(links)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    one = provenance(nodes(*ids), links, uncredited_containment=0.5)
    two = provenance(nodes(*reversed(ids)), shuffled, uncredited_containment=0.5)
    assert one == two
    # a forest: every member but the roots has one primary parent, and following parents ends
    up = {m.id: m.parent for m in one.members}
    for k in ids:
        seen = set()
        while up.get(k) not in (None, HIDDEN):
            assert k not in seen
            seen.add(k)
            k = up[k]  # type: ignore[assignment]


def test_prune_keeps_sources_first_then_breadth_first_and_the_focus_line() -> None:
    from copydesk.model import Story
    from copydesk.provenance.story import prune

    # a <- b <- c <- d, and a <- e
    links = [
        link("b", "a", "a_from_b", conf=0.9),
        link("c", "b", "a_from_b", conf=0.9),
        link("d", "c", "a_from_b", conf=0.9),
        link("e", "a", "a_from_b", conf=0.8),
    ]
    p = provenance(nodes("a", "b", "c", "d", "e"), links, uncredited_containment=0.5)
    story = Story("s-x", p.root, p.hidden_source, p.members, p.edges)
    assert prune(story, limit=10) is story
    small = prune(story, limit=3)
    assert [m.id for m in small.members] == ["a", "b", "e"]
    assert all(e.copy in {"b", "e"} for e in small.edges) and small.id == "s-x" and small.root == "a"
    around = prune(story, limit=3, focus="d")
    assert {"a", "b", "c", "d"} <= {m.id for m in around.members}


def test_a_paper_left_as_a_source_beside_a_wire_story_ran_the_wire() -> None:
    # W is the agency's text, P1 ran it; P2 shares text with P1 only, and the asymmetry calls P2 the source
    # of P1 (weakly): P2 is no second source of the story but a paper that ran W too.
    links = [
        link("p1", "w", "a_from_b", ca=0.7, cb=0.5, conf=0.75),
        link("p1", "p2", "a_from_b", ca=0.35, cb=0.25, conf=0.3),
    ]
    p = provenance(nodes("w", "p1", "p2", w={"wire": "PA"}), links, uncredited_containment=0.5)
    assert p.root == "w" and not p.hidden_source
    assert parents(p) == {"w": None, "p1": "w", "p2": "w"}
    edge = next(e for e in p.edges if e.copy == "p2")
    assert edge.primary and edge.evidence[0].kind == "ran_wire"


def test_a_paper_tied_as_a_sibling_goes_under_the_wire_text_its_sibling_ran() -> None:
    # P3 is tied by a common_source link to P2, a copy of P1, itself a copy of the wire text W: P3 goes under
    # W, the nearest wire text above P2, not under a hidden source; P4 joins through P3 once P3 is placed.
    links = [
        link("p1", "w", "a_from_b", ca=0.7, cb=0.5, conf=0.75),
        link("p1", "p2", "b_from_a", ca=0.4, cb=0.6, conf=0.6),
        link("p2", "p3", "common_source", ca=0.3, cb=0.3, conf=0.5),
        link("p3", "p4", "b_from_a", ca=0.2, cb=0.5, conf=0.6),
    ]
    p = provenance(nodes("w", "p1", "p2", "p3", "p4", w={"wire": "PA"}), links, uncredited_containment=0.5)
    assert p.root == "w" and not p.hidden_source
    assert parents(p) == {"w": None, "p1": "w", "p2": "p1", "p3": "w", "p4": "p3"}


def test_papers_without_a_wire_text_keep_their_hidden_source() -> None:
    # the same ties without an agency's text: the siblings share a parent that is not in the corpus
    links = [
        link("p1", "p2", "b_from_a", ca=0.4, cb=0.6, conf=0.6),
        link("p2", "p3", "common_source", 0.3, 0.3),
    ]
    p = provenance(nodes("p1", "p2", "p3"), links, uncredited_containment=0.5)
    assert p.hidden_source and parents(p) == {"p1": HIDDEN, "p2": "p1", "p3": HIDDEN}


def test_wire_texts_tied_as_siblings_stay_under_the_hidden_whole_story() -> None:
    # two takes of one wire story and a paper that ran the first: the takes keep their hidden parent (the
    # whole story), the paper stays under its take
    links = [link("t1", "t2", "common_source", 0.05, 0.05, conf=0.9), link("p", "t1", "a_from_b", 0.6, 0.3)]
    p = provenance(
        nodes("t1", "t2", "p", t1={"wire": "PA"}, t2={"wire": "PA"}), links, uncredited_containment=0.5
    )
    assert p.hidden_source and parents(p) == {"t1": HIDDEN, "t2": HIDDEN, "p": "t1"}
