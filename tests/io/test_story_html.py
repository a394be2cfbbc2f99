"""The HTML page of one story: figures, the provenance picture, one section per edge with its edit script."""

from __future__ import annotations

import dataclasses
import re
from html import escape, unescape
from html.parser import HTMLParser

import pytest

from copydesk.io import story_html
from copydesk.io.story_graph import COL, NODE_H, NODE_W, PAD, ROW, plan
from copydesk.io.story_html import EDIT_SCRIPT_CAP, render_story_html
from copydesk.model import HIDDEN, Comparison, Story, StoryEdge, StoryMember
from tests.io.conftest import HOSTILE, big_story, build_story, takes_story

Parts = tuple[Story, dict[tuple[str, str], Comparison]]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the first ``<title>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _section(html: str, k: int) -> str:
    start = html.index(f'id="e{k}"')
    end = html.find('<section class="card wide edge"', start)
    return html[start : end if end > 0 else len(html)]


def test_page_is_one_file_that_forbids_every_request(story_parts: Parts) -> None:
    html = render_story_html(*story_parts)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp is not None and "default-src 'none'" in csp.group(1) and "connect-src" not in csp.group(1)
    tags = _tags(html)
    assert not [t for t, a in tags if t in ("link", "img", "iframe", "object", "embed", "base", "form")]
    assert not [a for _, a in tags if "src" in a], "scripts and styles are inline"
    hrefs = [a["href"] for _, a in tags if "href" in a]
    assert hrefs and all(h.startswith("#") for h in hrefs), "every link stays on the page"
    assert "@import" not in html and re.findall(r"url\(([^)]*)\)", html) == ["#arrow"] * html.count("url(")


def test_header_gives_the_story_figures(story_parts: Parts) -> None:
    story, comparisons = story_parts
    html = render_story_html(story, comparisons)
    header = html[html.index('<header class="top">') : html.index("</header>")]
    assert "4 articles from a hidden source" in header
    assert "story-&lt;1&gt;" in header
    assert "2026-03-10 – 2026-03-13 (3 days)" in header
    assert "2 of 4 copies (50%)" in header
    for outlet in (
        "Coastal Press Agency",
        "The Ledger",
        "Daily Digest",
        "&lt;script&gt;alert(2)&lt;/script&gt;",
    ):
        assert outlet in header


def test_the_root_is_named_when_it_is_in_the_corpus() -> None:
    story = big_story(3)
    header = render_story_html(story, {}).split("</header>")[0]
    assert "4 articles from Agency (src)" in header and "hidden source" not in header


def test_one_node_per_member_and_the_hidden_source_drawn_apart(story_parts: Parts) -> None:
    story, comparisons = story_parts
    html = render_story_html(story, comparisons)
    svg = html[html.index("<svg") : html.index("</svg>")]
    nodes = [a for t, a in _tags(svg) if t == "g" and a.get("class", "").startswith("node")]
    assert sorted(a["data-id"] for a in nodes if "data-id" in a) == sorted(m.id for m in story.members)
    hidden = [a for a in nodes if "hidden" in a["class"].split()]
    assert len(hidden) == 1 and "data-id" not in hidden[0]
    assert "hidden source" in svg and "not in the corpus" in svg
    assert len(re.findall(r'<g class="edge[ "]', svg)) == len(story.edges)
    assert [a["class"] for a in nodes if a.get("data-id") == "ledger"] == ["node copy uncredited"]


def test_edges_are_labelled_and_credits_shown(story_parts: Parts) -> None:
    html = render_story_html(*story_parts)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "confidence 92%" in svg and "85% contained" in svg
    assert svg.count("✕ uncredited") == 2
    assert "credits CPA" in svg
    assert re.search(r'<g class="edge uncredited" id="g2">', svg), (
        "the edge into an uncredited copy is marked"
    )
    assert re.search(r'<g class="edge from-hidden" id="g1">', svg)


def test_sections_follow_tree_order_and_every_link_lands(story_parts: Parts) -> None:
    story, comparisons = story_parts
    html = render_story_html(story, comparisons)
    tags = _tags(html)
    sections = [
        (a["id"], a["data-source"], a["data-copy"]) for t, a in tags if t == "section" and "data-copy" in a
    ]
    assert sections == [
        ("e1", HIDDEN, "wire"),
        ("e2", "wire", "ledger"),
        ("e3", "ledger", HOSTILE),
        ("e4", "wire", "digest"),
    ]
    ids = {a["id"] for _, a in tags if "id" in a}
    assert all(a["href"][1:] in ids for _, a in tags if "href" in a)
    node_links = {a["href"] for t, a in tags if t == "a" and a.get("class") == "to"}
    assert node_links == {"#e1", "#e2", "#e3", "#e4"}
    # each member's node links to the section of the edge into it; the hidden root to its first edge out
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.search(
        r'<a href="#e4" class="to" data-edge="e4"><g class="node copy" id="n\d+" data-id="digest"', svg
    )
    assert re.search(r'<a href="#e1" class="to" data-edge="e1"><g class="node hidden"', svg)


def test_each_edge_section_has_figures_evidence_and_edit_script(story_parts: Parts) -> None:
    story, comparisons = story_parts
    html = render_story_html(story, comparisons)
    section = _section(html, 2)
    assert "Confidence" in section and "92%" in section and "Contained" in section and "85%" in section
    assert '<ul class="evidence">' in section and "both credit &lt;CPA&gt;" in section
    assert "favours <b>one copied the other</b>" in section
    assert '<table class="pairs">' in section
    c = comparisons[("wire", "ledger")]
    for s in c.sentences:
        assert escape(s.text) in section, s.text
    for label in {s.label for s in c.sentences}:
        assert f'<span class="chip l-{label}">{label}</span>' in section
    assert "<del>" in section and "<ins>" in section, "edited sentences show their word diff"
    assert 'data-goto="' not in html and not re.search(r'id="s\d+"', html), "no links into a side view"


def test_edges_without_a_comparison_say_so(story_parts: Parts) -> None:
    html = render_story_html(*story_parts)
    assert "there is no text to compare" in _section(html, 1) and '<table class="pairs">' not in _section(
        html, 1
    )
    assert "No comparison was given for this pair" in _section(html, 3)
    assert html.count('<table class="pairs">') == 2


def test_everything_from_the_story_is_escaped(story_parts: Parts) -> None:
    story, comparisons = story_parts
    html = render_story_html(story, comparisons, title="<i>story</i>")
    assert "<script>alert" not in html and "<img" not in html and "<b>Quay</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "alert(&quot;sentence&quot;)&lt;/script&gt;" in html, (
        "the sentence with a script tag in it, as text"
    )
    assert "<title>&lt;i&gt;story&lt;/i&gt;</title>" in html
    tags = _tags(html)
    assert not [(t, k) for t, a in tags for k in a if k.startswith("on")], "no event handler attributes"
    assert [t for t, _ in tags].count("script") == 1


def test_title_defaults_to_the_story_id(story_parts: Parts) -> None:
    assert "<title>copydesk: story story-&lt;1&gt;</title>" in render_story_html(*story_parts)


def test_a_story_of_one_renders() -> None:
    story = Story("one", "a", False, (StoryMember("a", "single", None, 0.0, 0.0),), ())
    html = render_story_html(story, {})
    assert html.count('data-id="a"') == 1 and "No edges" in html and "1 article from a" in html


def test_large_stories_cap_the_edit_scripts(story_parts: Parts) -> None:
    comparison = story_parts[1][("wire", "ledger")]
    story = big_story(EDIT_SCRIPT_CAP + 7)
    html = render_story_html(story, {(e.source, e.copy): comparison for e in story.edges})
    assert html.count('<section class="card wide edge"') == EDIT_SCRIPT_CAP + 7
    assert html.count('<table class="pairs">') == EDIT_SCRIPT_CAP
    assert html.count("Edit script not shown") == 7
    last = _section(html, EDIT_SCRIPT_CAP + 7)
    assert "Confidence" in last and '<ul class="evidence">' in last and "Sentences (source·copy)" in last
    assert (
        f"The first {EDIT_SCRIPT_CAP} show their edit script in full; the other 7 keep their figures" in html
    )


def test_the_cap_is_a_module_setting(story_parts: Parts, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(story_html, "EDIT_SCRIPT_CAP", 1)
    html = render_story_html(*story_parts)
    assert html.count('<table class="pairs">') == 0, "the first edge (from the hidden source) has no text"
    assert html.count("Edit script not shown") == 2


def _boxes(html: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width', html)]


@pytest.mark.parametrize("copies", [1, 12, 400])
def test_the_tree_never_overlaps(copies: int) -> None:
    story = big_story(copies)
    html = render_story_html(story, {})
    boxes = _boxes(html)
    assert len(boxes) == copies + 1
    size = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', html)
    assert size is not None
    width, height = map(float, size.groups())
    for i, (x, y) in enumerate(sorted(boxes)):
        assert x >= 0 and x + NODE_W <= width and y >= 0 and y + NODE_H <= height
        for x2, y2 in sorted(boxes)[i + 1 : i + 3]:
            assert abs(x - x2) >= NODE_W or abs(y - y2) >= NODE_H, "two nodes overlap"
    layout = plan(story)
    assert len(set(zip(layout.depth.values(), layout.row.values(), strict=True))) == copies + 1
    # a parent sits on its first child's row, left of it; every child is one column right of its parent
    for copy, k in layout.tree.items():
        source = layout.edges[k].source
        assert layout.depth[copy] == layout.depth[source] + 1
        assert layout.row[copy] >= layout.row[source]
    assert PAD + (layout.rows - 1) * ROW + NODE_H + PAD == height
    assert PAD + (layout.columns - 1) * COL + NODE_W + PAD == width


def test_a_second_source_is_drawn_over_the_tree(story_parts: Parts) -> None:
    story, comparisons = story_parts
    second = StoryEdge("digest", "ledger", 0.5, 0.4, primary=False)
    story = dataclasses.replace(story, edges=(second, *story.edges))
    html = render_story_html(story, comparisons)
    layout = plan(story)
    assert layout.edges[layout.tree["ledger"]].source == "wire"
    assert len(re.findall(r'<g class="edge[^"]* second"', html)) == 1 and "second source · 40%" in html
    assert 'data-copy="ledger"' in _section(html, 3) and "a second source of the copy" in _section(html, 3)


def test_a_cycle_does_not_hang_or_lose_a_member() -> None:
    members = tuple(StoryMember(k, "copy", p, 0.5, 0.5) for k, p in (("a", "b"), ("b", "a")))
    story = Story(
        "loop", None, False, members, (StoryEdge("b", "a", 0.5, 0.5), StoryEdge("a", "b", 0.5, 0.5))
    )
    html = render_story_html(story, {})
    assert html.count('data-id="a"') == 1 and html.count('data-id="b"') == 1
    assert html.count('<section class="card wide edge"') == 2


def _node_texts(html: str, cls: str) -> list[str]:
    return [unescape(t) for t in re.findall(rf'<text [^>]*class="{cls}[^"]*">([^<]*)</text>', html)]


def test_node_labels_keep_the_distinguishing_end_of_a_long_id() -> None:
    story = takes_story()
    html = render_story_html(story, {})
    heads = _node_texts(html, "t1")[1:]  # after the hidden source
    assert len(heads) == 7 and len(set(heads)) == 7, heads
    for i, head in enumerate(heads):
        assert head.startswith("PA/") and head.endswith(f"take{i}.txt") and "…" in head, head
    outlets = dataclasses.replace(
        story, members=tuple(dataclasses.replace(m, outlet="Press Association") for m in story.members)
    )
    seconds = _node_texts(render_story_html(outlets, {}), "t2")[1:]
    assert len(set(seconds)) == 7 and all(s.endswith(".txt") for s in seconds), seconds


def test_edges_from_the_hidden_source_show_no_containment() -> None:
    story = takes_story()
    html = render_story_html(story, {})
    graph = html[html.index("<svg") : html.index("</svg>")]
    assert graph.count('class="edge from-hidden"') == 7
    assert "contained" not in graph and "confidence 90%" in graph
    table = html[html.index('<table class="edges">') : html.index("</table>")]
    assert ">0%<" not in table
    assert "Contained" not in _section(html, 1) and "Confidence" in _section(html, 1)
    copy = render_story_html(big_story(2), {})
    assert "80% contained" in copy[copy.index("<svg") : copy.index("</svg>")]  # a copy of a text keeps it
    # where copies under the hidden source share text, that share is shown as what it is
    wire = render_story_html(*build_story())
    graph = wire[wire.index("<svg") : wire.index("</svg>")]
    assert "95% shared" in graph and "95% contained" not in graph and "85% contained" in graph
    assert "Shared" in _section(wire, 1) and "Contained" not in _section(wire, 1)


def test_an_alias_is_drawn_next_to_the_article_whose_text_it_runs() -> None:
    members = (
        StoryMember("wire", "source", None, 0.0, 0.0, outlet="CPA"),
        # listed before the copy: it still hangs under its article, never as a root of its own
        StoryMember("times", "alias", "wire", 1.0, 1.0, outlet="Times"),
        StoryMember("copy", "copy", "wire", 0.9, 0.8, outlet="Ledger"),
    )
    story = Story("s-1", "wire", False, members, (StoryEdge("wire", "copy", 0.9, 0.8),))
    layout = plan(story)
    assert layout.nodes == ("wire", "copy", "times")
    assert layout.depth["times"] == layout.depth["wire"] + 1 and "times" not in layout.tree
    assert len(layout.edges) == 1
    html = render_story_html(story, {})
    assert "same text as wire" in html
