"""The compare page in a real browser (headless Chromium): it draws something, and its script runs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import copydesk
from copydesk.io.html import render_compare_html
from tests.io.browser import chromium, needs_browser, png_rows

pytestmark = needs_browser

WIRE = """Russia on Thursday demanded that Kyiv's allies enter into negotiations with Moscow, as the capital \
fended off a large drone barrage overnight.

AFP journalists in Kyiv heard air defence units shooting down drones throughout the night while sirens \
echoed over the city.

The head of Russia's Security Council Sergei Shoigu made the call for negotiations, saying the West faced \
a choice between talks and the destruction of Ukraine's population.

Electricity supplies in the western regions of Rivne and Zhytomyr were temporarily cut off, local energy \
authorities said."""

COPY = """Russia today demanded that Kyiv's allies enter into negotiations with Moscow, as the capital \
of the besieged country fended off a large drone barrage overnight.

Air defence units in Kyiv were heard shooting down drones throughout the night while sirens echoed over \
the city.

Photo: <script>document.title = "hacked"</script>

The head of Russia's Security Council Sergei Shoigu made the call for negotiations, saying the West faced \
a choice between talks and the destruction of Ukraine's population."""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    c = copydesk.compare({"text": WIRE, "id": "wire", "outlet": "AFP"}, {"text": COPY, "id": "copy"})
    path = tmp_path / "compare.html"
    path.write_text(render_compare_html(c), encoding="utf-8")
    return path


def test_the_page_draws_a_full_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path, page.as_uri(), "--hide-scrollbars", f"--screenshot={shot}")
    assert shot.exists(), done.stderr.decode(errors="replace")[-2000:]
    assert shot.stat().st_size > 40_000, "a page of text and colour, not a blank screen"
    width, height, rows = png_rows(shot)
    assert (width, height) == (1400, 1800)
    # A blank page filters to a handful of identical rows; text, bars and highlights give hundreds.
    assert len(set(rows)) > 300


def test_the_script_runs_and_draws_the_pairing(page: Path, tmp_path: Path) -> None:
    done = chromium(tmp_path, page.as_uri(), "--dump-dom")
    dom = done.stdout.decode("utf-8", errors="replace")
    assert "<main>" in dom, done.stderr.decode(errors="replace")[-2000:]
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None and "js-ready" in body.group(0), "the script ran to its end"
    pairs = re.search(r'data-pairs="(\d+)"', body.group(0))
    assert pairs is not None and int(pairs.group(1)) >= 3
    gutter = re.search(r'<svg[^>]*id="gutter"[^>]*>', dom)
    bands = re.search(r'data-bands="(\d+)"', gutter.group(0)) if gutter else None
    assert bands is not None and int(bands.group(1)) >= 3, "the script measured the layout and drew bands"
    assert dom.count("<path") >= 3
    assert "<title>hacked</title>" not in dom and "&lt;script&gt;" in dom, (
        "the article's script tag stayed text"
    )


def test_a_link_to_a_sentence_pins_it_and_its_counterpart(page: Path, tmp_path: Path) -> None:
    html = page.read_text(encoding="utf-8")
    target = re.search(r'id="(s\d+)"[^>]*data-cp="(s\d+)"', html)
    assert target is not None
    done = chromium(tmp_path, f"{page.as_uri()}#{target.group(1)}", "--dump-dom")
    dom = done.stdout.decode("utf-8", errors="replace")
    pinned = re.search(rf'<span class="([^"]*)" id="{target.group(1)}"', dom)
    other = re.search(rf'<span class="([^"]*)" id="{target.group(2)}"', dom)
    assert pinned is not None and {"on", "pinned"} <= set(pinned.group(1).split())
    assert other is not None and "on" in other.group(1).split()
    tip = re.search(r'<div id="tip"[^>]*>(.*?)</div></div>', dom, re.S)
    assert tip is not None and "hidden" not in tip.group(0).split(">")[0], "the tooltip shows"


def test_the_tooltip_escapes_what_it_reads_from_the_page(tmp_path: Path) -> None:
    c = copydesk.compare({"text": WIRE, "id": "wire"}, {"text": COPY, "id": "copy"})
    hostile = '<img id="pwned" src=x onerror="document.title=1">'
    sentences = (dataclasses.replace(c.sentences[0], boilerplate=hostile), *c.sentences[1:])
    path = tmp_path / "hostile.html"
    path.write_text(render_compare_html(dataclasses.replace(c, sentences=sentences)), encoding="utf-8")
    dom = chromium(tmp_path, f"{path.as_uri()}#s0", "--dump-dom").stdout.decode("utf-8", errors="replace")
    assert "js-ready" in dom
    tip = dom[dom.index('<div id="tip"') :]
    assert "&lt;img" in tip, "the tooltip shows the text"
    assert "<img" not in dom, "and no element came out of it"
