"""End to end in headless Chromium (Debian's, driven by Playwright): a real server on a free loopback port
over an index of the examples (and the older article of the reference pair, when ../shared/data/seeds is
here). Paste the newer article, see the match and its highlighted passages, open the compare page, open the
story page and click a node, filter the stories. Screenshots of each page go to the test's tmp folder."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service needs fastapi (pip install -e '.[serve]')")
pytest.importorskip("uvicorn", reason="the service needs uvicorn (pip install -e '.[serve]')")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)

from copydesk.engine.index import Index  # noqa: E402
from copydesk.io import read  # noqa: E402
from copydesk.serve import ServeConfig, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "data" / "seeds"
OLDER, NEWER = SEEDS / "001_7526ad3678308fd2.txt", SEEDS / "000_fb9d13d9a774a7f3.txt"


def chromium() -> str:
    path = os.environ.get("COPYDESK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no chromium on this machine (make browser installs Debian's)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    import uvicorn

    folder = tmp_path_factory.mktemp("e2e")
    db = folder / "index.db"
    paths = [str(EXAMPLES)] + ([str(OLDER)] if OLDER.exists() else [])
    with Index(db) as index:
        index.add(read(paths), workers=0)
        index.update_stories()
    port = free_port()
    app = create_app(ServeConfig(db=db))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server did not start")
    yield f"http://127.0.0.1:{port}", folder
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = chromium()
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox"])
        except Exception as exc:  # a chromium Playwright cannot drive
            pytest.skip(f"chromium at {exe} could not be started by Playwright: {exc}")
        yield b
        b.close()


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_paste_match_compare_story_filter(server: tuple[str, Path], browser: Any) -> None:
    base, folder = server
    query = NEWER if NEWER.exists() else EXAMPLES / "ledger.txt"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(base + "/")
    page.fill("#text", query.read_text(encoding="utf-8"))
    page.click("#find")
    page.wait_for_selector(".card.hit")
    assert page.locator(".card.hit").count() >= 1
    first = page.locator("#hit-1")
    assert first.locator("mark.reused").count() >= 2  # highlighted in both texts
    shot(page, folder, "1-matches")

    with page.expect_navigation():
        first.locator("button.compare").click()
    assert page.locator("body[data-verdict]").count() == 1
    assert page.locator(".s").count() > 5
    shot(page, folder, "2-compare")

    page.goto(base + "/stories")
    page.locator("#stories tbody a").first.click()
    page.wait_for_selector("#graph")
    # a node (not the first: the source) as a reader clicks it, on its box
    page.locator(".tree .node rect").nth(1).click()
    page.wait_for_function("location.hash.startsWith('#e')")
    assert page.locator(".tree .sel").count() >= 1
    assert page.locator("#members tbody tr").count() >= 2 and page.locator("svg.timeline circle").count() >= 2
    shot(page, folder, "3-story")

    page.goto(base + "/stories")
    page.fill("input[name=q]", "no such words anywhere")
    with page.expect_navigation():
        page.click("#apply")
    assert "0 stories" in page.locator("h1").inner_text()
    page.goto(base + "/stories?min_size=1")
    outlet = page.locator("#facet-outlets a").first
    name = outlet.inner_text()
    with page.expect_navigation():
        outlet.click()
    assert page.locator("input[name=outlet]").input_value() == name
    assert page.locator("#stories tbody tr").count() >= 1
    shot(page, folder, "4-stories-filtered")

    page.goto(base + "/outlets")
    shot(page, folder, "5-outlets")
    assert not errors, errors
    print(f"screenshots in {folder}")
