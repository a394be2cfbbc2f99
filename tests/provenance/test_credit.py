"""Credits from the source's point of view (pure): the hidden source's agency, the line of sources a copy is
judged against, and what is flagged uncredited (issue 21)."""

from __future__ import annotations

import dataclasses

from copydesk.model import HIDDEN, Evidence, Link, StoryMember
from copydesk.provenance.credit import credits_line, hidden_agency, line_names, same_publisher
from copydesk.provenance.story import Node, provenance


def link(a: str, b: str, verdict: str, ca: float = 0.6, cb: float = 0.6, conf: float = 0.8) -> Link:
    return Link(a, b, ca, cb, 40, verdict, conf)  # type: ignore[arg-type]


def node(id_: str, **kw: object) -> Node:
    return Node(id_, **kw)  # type: ignore[arg-type]


def members(*ns: Node, links: list[Link]) -> dict[str, StoryMember]:
    p = provenance({n.id: n for n in ns}, links, uncredited_containment=0.5)
    return {m.id: m for m in p.members}


# The reference pair in miniature: a paper's version credits the agency; a scraper's copy of another paper's
# version credits only that paper's site (its footer), which is where it ran, not whose text it is.
PAPER = node("paper", outlet="Courier", credits=("CPA",), agencies=("CPA",), own_names=frozenset({"courier"}))
SCRAPED = node(
    "scraped",
    credits=("www.ledger.example",),
    own_names=frozenset({"www.ledger.example", "ledger.example"}),
)


def test_hidden_agency_is_the_name_most_copies_give() -> None:
    assert hidden_agency([["CPA"], ["CPA", "Reuters"], []]) == "CPA"
    assert hidden_agency([["CPA"], ["cpa"]]) == "CPA"  # one name, however written: the smallest spelling
    assert hidden_agency([["CPA", "CPA"], ["Reuters"], ["Reuters"]]) == "Reuters"  # once per copy
    assert hidden_agency([["CPA"], ["Reuters"]]) is None  # two names lead alike: none
    assert hidden_agency([[], []]) is None


def test_line_names_gather_every_article_above_and_the_hidden_source() -> None:
    # wire <- paper <- reprint; hidden <- take
    parent = {"paper": "wire", "reprint": "paper", "take": HIDDEN}
    own = {
        "wire": frozenset({"cpa"}),
        "paper": frozenset({"courier"}),
        "reprint": frozenset({"digest"}),
        "take": frozenset({"cpa"}),
    }
    lines = line_names(parent, own, top=frozenset({"cpa"}))
    assert lines == {"paper": {"cpa"}, "reprint": {"cpa", "courier"}, "take": {"cpa"}}


def test_credits_line_and_same_publisher() -> None:
    line = frozenset({"cpa", "courier"})
    assert credits_line(["CPA"], ["CPA"], line, unnamed=False)
    assert credits_line(["Courier"], [], line, unnamed=False)
    assert not credits_line(["Reuters"], ["Reuters"], line, unnamed=False)  # another agency: not its source
    assert not credits_line(["www.ledger.example"], [], frozenset(), unnamed=True)  # a footer never does
    assert credits_line(
        ["Reuters"], ["Reuters"], frozenset(), unnamed=True
    )  # unnamed hidden source: any agency
    assert same_publisher(frozenset({"courier"}), line) and not same_publisher(frozenset({"digest"}), line)
    assert same_publisher(frozenset({"aap"}), frozenset(), unnamed=True, wire="AAP")
    assert not same_publisher(frozenset({"aap"}), frozenset(), unnamed=False, wire="AAP")


def test_a_hidden_source_is_named_after_its_copies_credits_and_the_copy_without_it_is_uncredited() -> None:
    p = provenance(
        {"paper": PAPER, "scraped": SCRAPED},
        [link("paper", "scraped", "common_source", ca=0.9, cb=0.51)],
        uncredited_containment=0.5,
    )
    assert p.hidden_source and p.hidden_agency == "CPA"
    m = {x.id: x for x in p.members}
    assert m["paper"].credits_source and not m["paper"].uncredited
    # it credits a site, but not the agency whose text it runs: uncredited, whatever else it credits
    assert not m["scraped"].credits_source and m["scraped"].uncredited


def test_under_a_hidden_source_no_credit_names_any_agency_credit_counts_and_a_footer_does_not() -> None:
    other = node("other", outlet="Globe", credits=("Reuters",), agencies=("Reuters",))
    m = members(PAPER, other, SCRAPED, links=[
        link("other", "paper", "common_source", ca=0.7, cb=0.7),
        link("other", "scraped", "common_source", ca=0.7, cb=0.7),
    ])  # fmt: skip
    assert all(x.parent == HIDDEN for x in m.values())
    assert m["paper"].credits_source and m["other"].credits_source and not m["paper"].uncredited
    assert m["scraped"].uncredited


def test_an_agencys_own_takes_are_not_reuse_under_a_hidden_source() -> None:
    # three takes of one agency and a paper that runs them without a word of credit
    # (takes of one wire story: their headers say so, and they hang side by side under the whole story)
    takes = [node(f"take{i}", outlet="CPA", wire="CPA", own_names=frozenset({"cpa"})) for i in range(3)]
    paper = node("paper", outlet="Courier", own_names=frozenset({"courier"}))
    why = (Evidence("wire_story", "common_source", 0.9, "takes of one wire story"),)
    links = [
        dataclasses.replace(link("take0", t.id, "common_source", ca=0.7, cb=0.7), evidence=why)
        for t in takes[1:]
    ]
    links.append(link("paper", "take0", "common_source", ca=0.9, cb=0.7))
    p = provenance({n.id: n for n in [*takes, paper]}, links, uncredited_containment=0.5)
    assert p.hidden_source and p.hidden_agency == "CPA"  # the agency they are
    m = {x.id: x for x in p.members}
    assert not any(m[t.id].uncredited for t in takes)
    assert m["paper"].uncredited


def test_same_outlet_versions_and_agency_takes_under_an_article_are_never_flagged() -> None:
    wire = node("wire", outlet="CPA", wire="CPA", own_names=frozenset({"cpa"}))
    sub = node("sub", outlet="CPA", wire="CPA", own_names=frozenset({"cpa"}))
    late = node("late", outlet="Courier", own_names=frozenset({"courier"}))
    early = node("early", outlet="courier", own_names=frozenset({"courier"}))
    m = members(wire, sub, early, late, links=[
        link("sub", "wire", "a_from_b", ca=0.9),  # the agency's substitute take
        link("early", "wire", "a_from_b", ca=0.9, conf=0.9),
        link("late", "early", "a_from_b", ca=0.95, conf=0.95),  # the paper's later edition
    ])  # fmt: skip
    assert m["sub"].parent == "wire" and not m["sub"].uncredited
    assert m["late"].parent == "early" and not m["late"].uncredited
    assert m["early"].uncredited  # the paper runs the agency's text without naming it


def test_crediting_the_original_agency_is_enough_through_a_paper_in_between() -> None:
    wire = node("wire", outlet="CPA", wire="CPA", own_names=frozenset({"cpa"}))
    paper = node(
        "paper", outlet="Courier", credits=("CPA",), agencies=("CPA",), own_names=frozenset({"courier"})
    )
    reprint = node(
        "reprint", outlet="Digest", credits=("CPA",), agencies=("CPA",), own_names=frozenset({"digest"})
    )
    other = node(
        "other", outlet="Globe", credits=("Reuters",), agencies=("Reuters",), own_names=frozenset({"globe"})
    )
    m = members(wire, paper, reprint, other, links=[
        link("paper", "wire", "a_from_b", ca=0.9, conf=0.9),
        link("reprint", "paper", "a_from_b", ca=0.9, conf=0.9),
        link("other", "paper", "a_from_b", ca=0.9, conf=0.9),
    ])  # fmt: skip
    assert m["reprint"].parent == "paper" and m["reprint"].credits_source and not m["reprint"].uncredited
    # credits an agency, but not one of its line: uncredited
    assert m["other"].parent == "paper" and m["other"].uncredited and not m["other"].credits_source


def test_under_a_hidden_source_two_agencies_name_alike_an_agencys_copy_is_not_flagged() -> None:
    take = node("take", outlet="AAP", wire="AAP", own_names=frozenset({"aap"}))
    paper = node(
        "paper", outlet="Courier", credits=("CPA",), agencies=("CPA",), own_names=frozenset({"courier"})
    )
    silent = node("silent", outlet="Globe", own_names=frozenset({"globe"}))
    p = provenance(
        {n.id: n for n in (take, paper, silent)},
        [
            link("paper", "take", "common_source", ca=0.7, cb=0.7),
            link("silent", "take", "common_source", ca=0.7, cb=0.7),
        ],
        uncredited_containment=0.5,
    )
    assert p.hidden_source and p.hidden_agency is None  # AAP (the agency it is) and CPA (credited), alike
    m = {x.id: x for x in p.members}
    assert not m["take"].uncredited and not m["paper"].uncredited
    assert m["silent"].uncredited
