"""The story page in a real browser (headless Chromium): it loads with no error and no request, draws one
node per member, and a click on a node or an edge lands on that edge's section."""

from __future__ import annotations

from pathlib import Path

from copydesk.io.story_graph import plan
from copydesk.io.story_html import render_story_html
from tests.io.browser import chromium, needs_browser, png_rows, probe
from tests.io.conftest import HOSTILE, big_story, build_story, takes_story

pytestmark = needs_browser

# Click the element, then report where the page went once the browser has had the time to scroll.
CLICK = """
var before = window.scrollY;
var el = document.querySelector(%s);
el.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true, view: window}));
setTimeout(function () {
  var t = document.querySelector(":target");
  var box = document.getElementById("graph-box").getBoundingClientRect();
  var sel = document.querySelector(".tree .node.sel");
  var at = sel ? sel.getBoundingClientRect() : null;
  report({hash: location.hash, target: t && t.id, copy: t && t.getAttribute("data-copy"),
    top: t && t.getBoundingClientRect().top, before: before, after: window.scrollY,
    boxTop: document.getElementById("graph-box").scrollTop,
    selected: Array.prototype.map.call(document.querySelectorAll(".tree .sel"), function (e) { return e.id; }),
    selectedInBox: !!at && at.top >= box.top && at.bottom <= box.bottom,
    selectedId: sel && sel.getAttribute("data-id")});
}, 300);
"""


def _page() -> str:
    return render_story_html(*build_story())


def test_the_page_loads_without_errors_or_requests(tmp_path: Path) -> None:
    story, _ = build_story()
    facts, console = probe(
        tmp_path,
        _page(),
        """report({ready: document.body.classList.contains("js-ready"),
          nodes: document.body.getAttribute("data-nodes"),
          members: Array.prototype.map.call(document.querySelectorAll(".tree .node[data-id]"),
            function (n) { return n.getAttribute("data-id"); }),
          hidden: document.querySelectorAll(".tree .node.hidden").length,
          svg: document.querySelectorAll("svg.tree").length,
          title: document.title, scripts: document.scripts.length});""",
    )
    assert facts["errors"] == [] and console == "", (facts["errors"], console)
    assert facts["resources"] == [], "the page fetched nothing"
    assert facts["ready"] and facts["svg"] == 1
    assert sorted(facts["members"]) == sorted(m.id for m in story.members), "one node per member"
    assert facts["hidden"] == 1 and facts["nodes"] == str(story.size + 1)
    assert facts["title"] == "copydesk: story story-<1>" and facts["scripts"] == 3, (
        "no script came from the data"
    )


def test_clicking_a_node_lands_on_its_edge_section(tmp_path: Path) -> None:
    facts, console = probe(tmp_path, _page(), CLICK % "'.tree .node[data-id=\"digest\"]'")
    assert facts["errors"] == [] and console == ""
    assert facts["hash"] == "#e4" and facts["target"] == "e4" and facts["copy"] == "digest"
    assert facts["after"] > facts["before"] and 0 <= facts["top"] < 40, "the section is scrolled to the top"
    assert facts["selected"] == ["g4", "n4"] and facts["selectedId"] == "digest"


def test_clicking_an_edge_lands_on_its_section(tmp_path: Path) -> None:
    facts, _ = probe(tmp_path, _page(), CLICK % "'#g3 .line'")
    assert facts["hash"] == "#e3" and facts["copy"] == HOSTILE
    assert 0 <= facts["top"] < 40 and "g3" in facts["selected"]


def test_show_in_the_picture_finds_a_node_deep_in_a_large_story(tmp_path: Path) -> None:
    story = big_story(300)
    facts, console = probe(tmp_path, render_story_html(story, {}), CLICK % "'#e290 .tograph'")
    assert facts["errors"] == [] and console == ""
    assert facts["boxTop"] > 10_000, "the picture's own box scrolled down to the node"
    assert facts["selected"][0] == "g290" and facts["selectedInBox"], "the node is picked out, in view"
    assert facts["selectedId"] == plan(story).edges[289].copy


def test_the_page_draws_a_picture(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_text(_page(), encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path, path.as_uri(), "--hide-scrollbars", f"--screenshot={shot}")
    assert shot.exists(), done.stderr.decode(errors="replace")[-2000:]
    width, height, rows = png_rows(shot)
    assert (width, height) == (1400, 1800)
    assert len(set(rows)) > 300, "text, boxes and bars, not a blank screen"


def test_long_ids_render_as_distinct_labels_inside_their_nodes(tmp_path: Path) -> None:
    facts, _ = probe(
        tmp_path,
        render_story_html(takes_story(), {}),
        """var heads = Array.prototype.map.call(document.querySelectorAll(".tree .node[data-id] text"),
          function (t) { return {text: t.textContent, width: t.getComputedTextLength(),
            box: t.parentNode.querySelector("rect").getBBox().width}; });
        report({heads: heads});""",
    )
    heads = facts["heads"]
    assert facts["errors"] == [] and len(heads) == 7 * 3
    assert len({h["text"] for h in heads[::3]}) == 7, heads
    assert all(h["text"].endswith(".txt") for h in heads[::3]), heads
    assert all(h["width"] < h["box"] - 10 for h in heads), "every line fits inside its node"
