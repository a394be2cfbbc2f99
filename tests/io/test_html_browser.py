"""The compare page in a real browser (headless Chromium): it draws something, and its script runs."""

from __future__ import annotations

import dataclasses
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

import copydesk
from copydesk.io.html import render_compare_html

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (Debian: apt-get install chromium)"
)

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


def _chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert BROWSER is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1800",
        *args,
        url,
    ]
    try:
        return subprocess.run(command, capture_output=True, timeout=60, check=False, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium took more than 60 s: {' '.join(command)}")


def _png_rows(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the (filtered) rows of a PNG, read with zlib alone."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    assert len(raw) == stride * height
    return width, height, [raw[i : i + stride] for i in range(0, len(raw), stride)]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    c = copydesk.compare({"text": WIRE, "id": "wire", "outlet": "AFP"}, {"text": COPY, "id": "copy"})
    path = tmp_path / "compare.html"
    path.write_text(render_compare_html(c), encoding="utf-8")
    return path


def test_the_page_draws_a_full_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _chromium(tmp_path, page.as_uri(), "--hide-scrollbars", f"--screenshot={shot}")
    assert shot.exists(), done.stderr.decode(errors="replace")[-2000:]
    assert shot.stat().st_size > 40_000, "a page of text and colour, not a blank screen"
    width, height, rows = _png_rows(shot)
    assert (width, height) == (1400, 1800)
    # A blank page filters to a handful of identical rows; text, bars and highlights give hundreds.
    assert len(set(rows)) > 300


def test_the_script_runs_and_draws_the_pairing(page: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path, page.as_uri(), "--dump-dom")
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
    done = _chromium(tmp_path, f"{page.as_uri()}#{target.group(1)}", "--dump-dom")
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
    dom = _chromium(tmp_path, f"{path.as_uri()}#s0", "--dump-dom").stdout.decode("utf-8", errors="replace")
    assert "js-ready" in dom
    tip = dom[dom.index('<div id="tip"') :]
    assert "&lt;img" in tip, "the tooltip shows the text"
    assert "<img" not in dom, "and no element came out of it"
