"""The self-contained HTML report of a comparison: one file, every sentence in place, everything escaped."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import copydesk
from copydesk.io import read_text_file
from copydesk.io.html import VERDICT_WORDS, render_compare_html
from copydesk.model import (
    LABELS,
    ArticleSummary,
    Comparison,
    Credit,
    Evidence,
    Sentence,
    Verdict,
    WordOp,
)

WIRE = """KYIV (AFP) - Russia on Thursday demanded that Kyiv's allies enter into negotiations with Moscow, \
as the capital fended off a large drone barrage overnight.

AFP journalists in Kyiv heard air defence units shooting down drones throughout the night while sirens \
echoed over the city.

The head of Russia's Security Council Sergei Shoigu made the call for negotiations, saying the West faced \
a choice between talks and the destruction of Ukraine's population.

"Now, when the situation on the battlefield is not in Kyiv's favour, the West is faced with a choice," \
Shoigu said at a meeting with defence officials.

Moscow said its forces had wrested control of Kreminna Balka, a village that had a pre-war population of \
fewer than 50 people.

Electricity supplies in the western regions of Rivne and Zhytomyr were temporarily cut off, local energy \
authorities said."""

COPY = """Russia today demanded that Kyiv's allies enter into negotiations with Moscow, as the capital \
of the besieged country fended off a large drone barrage overnight.

Air defence units in Kyiv were heard shooting down drones throughout the night while sirens echoed over \
the city.

The head of Russia's Security Council Sergei Shoigu made the call for negotiations, saying the West faced \
a choice between talks and the destruction of Ukraine's population.

Firefighters work at a warehouse hit by a drone. Photo: <script>alert("x")</script> & Co

"Now, when the situation on the battlefield is not in Kyiv's favour, the West is faced with a choice," \
Shoigu said at a meeting with defence officials.

Moscow said its forces had wrested control of Kreminna Balka, a village that had a pre-war population of \
fewer than 50 people in the Donetsk region.

This article was originally published by www.dailymail.co.uk. Read the original article here."""


class Node:
    """An element of a parsed page: tag, attributes, children (nodes and text)."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self, *, skip: frozenset[str] = frozenset()) -> str:
        """Text content, ``<br>`` and paragraph breaks as newlines, skipping elements with a class in skip."""
        out: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif child.tag == "br" or "pb" in child.classes:
                out.append("\n")
            elif not child.classes & skip:
                out.append(child.text(skip=skip))
        return "".join(out)

    def iter(self) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                found.append(child)
                found.extend(child.iter())
        return found


class Page(HTMLParser):
    """A small DOM from the standard library's parser, enough to check structure."""

    VOID = frozenset({"br", "meta", "input", "img", "link", "hr", "wbr", "source", "area", "base", "col"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.feed(html)
        self.close()
        self.nodes = self.root.iter()
        self.ids = {n.attrs["id"]: n for n in self.nodes if "id" in n.attrs}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in self.VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.cur))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)

    def by_class(self, name: str) -> list[Node]:
        return [n for n in self.nodes if name in n.classes]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _summary(id: str, text: str, *, title: str | None = None, url: str | None = None) -> ArticleSummary:
    return ArticleSummary(
        id=id,
        title=title,
        date=None,
        outlet=None,
        url=url,
        chars=len(text),
        words=len(text.split()),
        body_start=0,
    )


def hand_made(
    verdict: Verdict = "b_from_a", *, a_text: str | None = None, url: str | None = None
) -> Comparison:
    """A comparison built record by record, so the page is tested apart from the engine."""
    a = a_text or "Russia today demanded talks <now> & more.\nShoigu said this.\nPhoto: AFP"
    b = "Russia demanded talks <now> & more.\n\nShoigu said this.\n\nAn added line."
    a0, b0 = (
        _span(a, "Russia today demanded talks <now> & more."),
        _span(b, "Russia demanded talks <now> & more."),
    )
    diff = (
        WordOp("equal", a0[0], a0[0] + 6, b0[0], b0[0] + 6, "Russia", "Russia"),
        WordOp("delete", a0[0] + 7, a0[0] + 12, b0[0] + 7, b0[0] + 7, "today", ""),
        WordOp(
            "equal",
            a0[0] + 13,
            a0[1] - 1,
            b0[0] + 7,
            b0[1] - 1,
            "demanded talks <now> & more",
            "demanded talks <now> & more",
        ),
    )
    a1, b1, a2, b2 = (
        _span(a, "Shoigu said this."),
        _span(b, "Shoigu said this."),
        _span(a, "Photo: AFP"),
        _span(b, "An added line."),
    )
    sentences = (
        Sentence("a", *a0, a[slice(*a0)], "edited", counterpart=3, similarity=0.9, diff=diff),
        Sentence("a", *a1, a[slice(*a1)], "verbatim", counterpart=4, similarity=1.0),
        Sentence("a", *a2, a[slice(*a2)], "boilerplate", boilerplate="caption"),
        Sentence("b", *b0, b[slice(*b0)], "edited", counterpart=0, similarity=0.9, diff=diff),
        Sentence("b", *b1, b[slice(*b1)], "verbatim", counterpart=1, similarity=1.0),
        Sentence("b", *b2, b[slice(*b2)], "added"),
    )
    return Comparison(
        verdict=verdict,
        confidence=0.8,
        jaccard=0.4414,
        containment_a_in_b=0.5091,
        containment_b_in_a=0.902,
        shingle_size=3,
        a=_summary("a<1>", a, title="Wire <b>story</b>", url=url),
        b=_summary("b", b),
        a_text=a,
        b_text=b,
        passages=(),
        shared_a=(),
        shared_b=(),
        sentences=sentences,
        credits=(
            Credit("a", "photo", "AFP", *a2, "Photo: AFP"),
            Credit("a", "caption", None, *a2, "Photo: AFP"),
        ),
        evidence=(
            Evidence("asymmetry", "b_from_a", 0.79, "B is the more contained side (90% against 51%)"),
            Evidence("credit", "common_source", 0.6, "B credits <AFP> & A does not"),
        ),
    )


def engine_made() -> Comparison:
    return copydesk.compare(
        {"text": WIRE, "id": "wire", "title": "Russia urges <West>", "date": "2024-11-08", "outlet": "AFP"},
        {"text": COPY, "id": "copy", "url": "https://example.org/story?x=1&y=2"},
    )


@pytest.fixture(params=["hand", "engine"])
def comparison(request: pytest.FixtureRequest) -> Comparison:
    return hand_made() if request.param == "hand" else engine_made()


def test_page_is_one_file_without_external_references(comparison: Comparison) -> None:
    html = render_compare_html(comparison)
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1 and html.rstrip().endswith("</html>")
    assert not re.search(r"\ssrc\s*=", html, re.I), "nothing is loaded by src="
    for needle in ("<link", "@import", "url(", "<iframe", "<object", "<embed", "<img", "//fonts."):
        assert needle not in html.lower(), needle
    page = Page(html)
    for node in page.nodes:
        href = node.attrs.get("href")
        if href is not None and not href.startswith("#"):
            assert node.tag == "a" and href in (comparison.a.url, comparison.b.url), href
            assert "noopener" in node.attrs.get("rel", "")
    csp = [
        n for n in page.nodes if n.tag == "meta" and n.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in csp[0].attrs["content"]


def test_every_sentence_is_one_span_with_its_label_and_offsets(comparison: Comparison) -> None:
    page = Page(render_compare_html(comparison))
    spans = [n for n in page.nodes if "s" in n.classes and n.tag == "span"]
    assert len(spans) == len(comparison.sentences)
    for k, s in enumerate(comparison.sentences):
        node = page.ids[f"s{k}"]
        assert f"l-{s.label}" in node.classes
        assert node.attrs["data-label"] == s.label
        assert node.attrs["data-side"] == s.side
        assert (int(node.attrs["data-start"]), int(node.attrs["data-end"])) == (s.start, s.end)
        assert _flat(node.text()) == _flat(s.text)
        pane = node.parent
        while pane is not None and "pane" not in pane.classes:
            pane = pane.parent
        assert pane is not None and pane.attrs["id"] == f"pane-{s.side}"


def test_each_side_reads_in_order_with_nothing_lost(comparison: Comparison) -> None:
    page = Page(render_compare_html(comparison))
    for side, text in (("a", comparison.a_text), ("b", comparison.b_text)):
        body = next(
            n for n in page.ids[f"pane-{side}"].children if isinstance(n, Node) and "text" in n.classes
        )
        assert _flat(body.text(skip=frozenset({"wd"}))) == _flat(text)


def test_paragraph_breaks_are_kept() -> None:
    page = Page(render_compare_html(hand_made()))
    for side in ("a", "b"):
        body = next(
            n for n in page.ids[f"pane-{side}"].children if isinstance(n, Node) and "text" in n.classes
        )
        assert len([n for n in body.iter() if "pb" in n.classes]) == 2, side


def test_text_is_escaped() -> None:
    c = hand_made(
        a_text="Russia today demanded talks <now> & more.\nShoigu said this.\n"
        'Photo: AFP <script>alert("a")</script>'
    )
    html = render_compare_html(c, title="<script>bad()</script>")
    assert html.count("<script") == 1, "only the page's own script"
    assert "&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;" in html
    assert "<title>&lt;script&gt;bad()&lt;/script&gt;</title>" in html
    assert "Wire &lt;b&gt;story&lt;/b&gt;" in html and "<b>story</b>" not in html
    assert "talks &lt;now&gt; &amp; more" in html
    engine = render_compare_html(engine_made())
    assert engine.count("<script") == 1
    assert "Russia urges &lt;West&gt;" in engine


def test_a_javascript_url_is_shown_but_never_a_link() -> None:
    page = Page(render_compare_html(hand_made(url="javascript:alert(1)")))
    assert not [n for n in page.nodes if n.attrs.get("href", "").startswith("javascript")]
    assert "javascript:alert(1)" in page.ids["pane-a"].text()
    page = Page(render_compare_html(hand_made(url="https://example.org/a?b=1&c=2")))
    assert [n for n in page.nodes if n.attrs.get("href") == "https://example.org/a?b=1&c=2"]


def test_counterpart_links_point_at_existing_elements(comparison: Comparison) -> None:
    page = Page(render_compare_html(comparison))
    links = 0
    for node in page.nodes:
        for attr in ("data-cp", "data-goto", "data-for"):
            if attr in node.attrs:
                assert node.attrs[attr] in page.ids, (attr, node.attrs[attr])
                links += 1
        if node.attrs.get("href", "").startswith("#"):
            assert node.attrs["href"][1:] in page.ids
    assert links
    for k, s in enumerate(comparison.sentences):
        node = page.ids[f"s{k}"]
        if s.counterpart is None:
            assert "data-cp" not in node.attrs
        else:
            assert node.attrs["data-cp"] == f"s{s.counterpart}"
            other = page.ids[node.attrs["data-cp"]]
            assert other.attrs["data-side"] != s.side


def test_word_diff_strikes_deleted_and_marks_inserted_words() -> None:
    page = Page(render_compare_html(hand_made()))
    diffs = [n for n in page.nodes if "wd" in n.classes]
    assert {n.attrs["data-for"] for n in diffs} == {"s0", "s3"}
    dels = [n.text() for n in diffs[0].iter() if n.tag == "del"]
    assert dels == ["today"]
    assert "only-a" in {c for n in page.ids["s0"].iter() for c in n.classes}
    engine = engine_made()
    html = render_compare_html(engine)
    edited = [s for s in engine.sentences if s.diff]
    assert edited, "the engine found edited sentences"
    for s in edited:
        for op in s.diff:
            if op.op in ("insert", "replace"):
                assert any(n.text() == op.b_text for n in Page(html).nodes if n.tag == "ins")


@pytest.mark.parametrize("verdict", ["common_source", "b_from_a", "a_from_b", "unrelated"])
def test_the_verdict_is_said_in_plain_words(verdict: Verdict) -> None:
    page = Page(render_compare_html(hand_made(verdict)))
    h1 = [n for n in page.nodes if n.tag == "h1"]
    assert len(h1) == 1 and h1[0].text() == VERDICT_WORDS[verdict][0]
    assert VERDICT_WORDS["common_source"][0] == "Both copies derive from a source not in the pair"
    assert VERDICT_WORDS["b_from_a"][0] == "B was copied from A"


def test_figures_are_bars_with_their_range() -> None:
    page = Page(render_compare_html(hand_made()))
    bars = {n.attrs["aria-label"] for n in page.by_class("bar")}
    assert bars == {
        "Confidence: 80% on a 0 to 100% scale",
        "Jaccard: 44% on a 0 to 100% scale",
        "A contained in B: 51% on a 0 to 100% scale",
        "B contained in A: 90% on a 0 to 100% scale",
    }
    widths = [n.attrs["style"] for bar in page.by_class("bar") for n in bar.iter() if n.tag == "i"]
    assert "width:90.2%" in widths


def test_evidence_says_what_each_item_favours() -> None:
    page = Page(render_compare_html(hand_made()))
    items = [n for n in page.by_class("evidence")[0].iter() if n.tag == "li"]
    assert [[_flat(p.text()) for p in n.iter() if p.tag in ("span", "p") and p.text()] for n in items] == [
        ["asymmetry", "favours B copied from A", "B is the more contained side (90% against 51%)"],
        ["credit", "favours a common source", "B credits <AFP> & A does not"],
    ]
    assert "agree" in items[0].classes and "other" in items[1].classes


def test_legend_counts_each_label_per_side(comparison: Comparison) -> None:
    page = Page(render_compare_html(comparison))
    counts = comparison.to_dict()["label_counts"]
    rows = [n for n in page.by_class("legend")[0].iter() if n.tag == "tr"][1:]
    assert len(rows) == len(LABELS)
    for label, row in zip(LABELS, rows, strict=True):
        cells = [n.text() for n in row.children if isinstance(n, Node)]
        assert cells[:3] == [label, str(counts["a"][label]), str(counts["b"][label])]


def test_credits_are_listed_once_each_with_kind_and_name() -> None:
    page = Page(render_compare_html(hand_made()))
    items = [n for n in page.by_class("credits")[0].iter() if n.tag == "li"]
    assert [[p.text() for p in n.children if isinstance(p, Node)] for n in items] == [
        ["photo", "AFP", "Photo: AFP"]
    ]
    assert items[0].attrs["data-goto"] == "s2"
    engine = engine_made()
    page = Page(render_compare_html(engine))
    listed = " | ".join(n.text() for ul in page.by_class("credits") for n in ul.iter() if n.tag == "li")
    for cr in engine.credits:
        assert _flat(cr.text) in _flat(listed)


def test_pairs_table_lists_every_sentence_once(comparison: Comparison) -> None:
    page = Page(render_compare_html(comparison))
    table = page.by_class("pairs")[0]
    targets = [n.attrs["data-goto"] for n in table.iter() if "data-goto" in n.attrs]
    assert sorted(targets) == sorted(f"s{k}" for k in range(len(comparison.sentences)))
    for row in (n for n in table.iter() if n.tag == "tr" and "diffrow" not in n.classes):
        goto = [n.attrs["data-goto"] for n in row.iter() if "data-goto" in n.attrs]
        if len(goto) == 2:
            assert page.ids[goto[0]].attrs.get("data-cp") == goto[1]


def test_bad_offsets_do_not_break_the_page() -> None:
    c = hand_made()
    broken = (
        *c.sentences[:5],
        Sentence("b", 30, 10_000, "overlapping and past the end", "added", counterpart=99),
    )
    page = Page(render_compare_html(dataclasses.replace(c, sentences=broken)))
    assert page.ids["s5"].attrs["data-end"] == "10000" and "data-cp" not in page.ids["s5"].attrs


def test_empty_and_unrelated_texts_render() -> None:
    for c in (copydesk.compare("", ""), copydesk.compare("One line only", "Something else entirely")):
        page = Page(render_compare_html(c))
        assert page.ids["pane-a"] and page.ids["pane-b"]
        assert VERDICT_WORDS["unrelated"][0] in render_compare_html(c)


def test_title_defaults_to_the_two_ids() -> None:
    assert "<title>copydesk: a&lt;1&gt; vs b</title>" in render_compare_html(hand_made())
    assert "<title>Kyiv</title>" in render_compare_html(hand_made(), title="Kyiv")


def test_the_reference_pair_renders_every_sentence(seeds: tuple[Path, Path]) -> None:
    a, b = seeds  # the conftest fixture skips when ../shared/data is not on this machine
    c = copydesk.compare(read_text_file(a), read_text_file(b))
    page = Page(render_compare_html(c))
    assert len([n for n in page.nodes if "s" in n.classes and n.tag == "span"]) == len(c.sentences)
    assert VERDICT_WORDS[c.verdict][0] in page.root.text()


def test_words_still_reused_inside_an_added_sentence_are_marked() -> None:
    from copydesk.engine.compare import compare
    from tests.align.test_clauses import COPY, WIRE

    c = compare(COPY, WIRE)
    page = Page(render_compare_html(c))
    added = next(k for k, s in enumerate(c.sentences) if s.side == "a" and s.label == "added")
    marks = [n.text() for n in page.ids[f"s{added}"].iter() if "ru" in n.classes]
    # the run of shared words goes on into the next sentence ("a week. The"): marked up to the full stop
    assert marks == ["after the storm cut the ferry link to the islands for at least a week."]
    assert not any("ru" in n.classes for n in page.ids["s2"].iter())  # a verbatim sentence: no marks
