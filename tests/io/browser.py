"""Headless Chromium for the page tests: run it on a file, read a screenshot, or run a probe in the page.

The tests that use it skip with a reason where there is no Chromium (Debian: ``apt-get install chromium``;
``make test`` installs it where it can).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (Debian: apt-get install chromium)"
)


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium on ``url`` with a fresh profile under ``tmp_path`` and no network services."""
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


def png_rows(path: Path) -> tuple[int, int, list[bytes]]:
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


_RECORDER = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + e.message); });
document.addEventListener("securitypolicyviolation", function (e) {
  window.__errors.push("csp: " + e.violatedDirective + " " + e.blockedURI);
});
</script>"""

_RUNNER = """<script>
window.addEventListener("load", function () {
  var report = function (facts) {
    facts.errors = window.__errors;
    facts.resources = performance.getEntriesByType("resource").map(function (r) { return r.name; });
    var pre = document.createElement("pre");
    pre.id = "probe-report";
    pre.textContent = JSON.stringify(facts);
    document.body.appendChild(pre);
  };
  (function (report) { %s })(report);
});
</script>"""


def probe(tmp_path: Path, html: str, action: str) -> tuple[dict[str, Any], str]:
    """Load ``html`` from a file with two scripts added: one first in the head that records script errors
    and Content-Security-Policy violations, one last that runs the JS statements ``action`` once the page
    has loaded; ``action`` calls ``report({...})`` (within the 3 s of virtual time the page gets).

    Returns the reported object, with ``errors`` and ``resources`` (every resource the page fetched) added,
    and the browser's console lines (``:CONSOLE`` lines of its log).
    """
    page = html.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + _RECORDER, 1)
    page = page.replace("</body>", (_RUNNER % action) + "</body>", 1)
    path = tmp_path / f"probe-{len(list(tmp_path.iterdir()))}.html"
    path.write_text(page, encoding="utf-8")
    done = chromium(
        tmp_path,
        path.as_uri(),
        "--virtual-time-budget=3000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
    )
    dom = done.stdout.decode("utf-8", errors="replace")
    log = done.stderr.decode("utf-8", errors="replace")
    found = re.search(r'<pre id="probe-report">(.*?)</pre>', dom, re.S)
    assert found is not None, f"the probe did not report; browser log:\n{log[-3000:]}"
    text = (
        found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    console = "\n".join(line for line in log.splitlines() if ":CONSOLE" in line)
    return json.loads(text), console
