"""The web pages: each renders, links where it should, and escapes every text taken from the data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copydesk.engine.index import Index
from copydesk.serve import ServeConfig
from tests.serve.conftest import EXAMPLES, client_for

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert "text/html" in response.headers["content-type"]
    return response.text


def test_every_page_renders(reader: TestClient) -> None:
    assert 'name="text"' in page(reader, "/")
    stories = page(reader, "/stories")
    assert 'id="stories"' in stories and "facet-outlets" in stories
    story = page(reader, "/stories/wire.txt")
    assert 'id="graph"' in story and 'id="members"' in story and 'id="timeline"' in story
    assert '<mark class="reused">' in page(reader, "/articles/wire.txt")
    assert 'id="outlets"' in page(reader, "/outlets")
    assert page(reader, "/compare?a=wire.txt&b=ledger.txt").count('class="s ') > 5
    assert "Content-Security-Policy" in reader.get("/").headers


def test_paste_finds_matches_with_passages_and_a_compare_form(reader: TestClient) -> None:
    text = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
    html = reader.post("/", data={"text": text}).text
    assert 'class="card hit"' in html and '<mark class="reused">' in html
    assert 'action="/compare"' in html
    compared = reader.post("/compare", data={"hit": "wire.txt", "text": text})
    assert compared.status_code == 200 and "data-verdict=" in compared.text


def test_upload_an_html_file(reader: TestClient) -> None:
    pytest.importorskip("trafilatura", reason="reading HTML needs trafilatura (pip install -e '.[web]')")
    body = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8").splitlines()
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in body) + "</article></body></html>"
    response = reader.post("/", files={"file": ("ledger.html", html.encode(), "text/html")})
    assert response.status_code == 200 and 'class="card hit"' in response.text


def test_filters_narrow_the_stories(reader: TestClient) -> None:
    assert "0 stories" in page(reader, "/stories?q=no+such+words")
    assert "1 story" in page(reader, "/stories?uncredited=&order=newest")
    assert reader.get("/stories?since=yesterday").status_code == 400


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "evil.db"
    wire = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    with Index(db) as index:
        index.add(
            [
                {"id": f"a{EVIL}", "text": wire, "title": EVIL, "outlet": EVIL},
                {
                    "id": "b",
                    "text": wire.replace("harbour", "port") + "\n" + EVIL,
                    "title": EVIL,
                    "outlet": "x",
                },
            ],
            workers=0,
        )
        index.update_stories()
    yield from client_for(ServeConfig(db=db))


def test_data_is_escaped_everywhere(hostile: TestClient) -> None:
    from urllib.parse import quote

    paths = ["/stories", "/stories/b", "/articles/b", f"/articles/{quote('a' + EVIL)}", "/outlets"]
    paths.append(f"/outlets/{quote(EVIL)}")
    for path in paths:
        html = page(hostile, path)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    pasted = hostile.post("/", data={"text": (EXAMPLES / "wire.txt").read_text(encoding="utf-8")}).text
    assert "<script>alert" not in pasted and "&lt;script&gt;" in pasted


def test_a_hidden_source_story_page_shows_it_rebuilt(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parents[1] / "data" / "hidden"
    db = tmp_path / "hidden.db"
    with Index(db) as index:
        index.add(
            [
                {"id": n, "text": (folder / n).read_text(encoding="utf-8")}
                for n in ("gazette.txt", "coastal.txt")
            ],
            workers=0,
        )
        index.update_stories()
    for client in client_for(ServeConfig(db=db)):
        html = page(client, "/stories/gazette.txt")
        assert 'id="rebuilt"' in html and "The hidden source, rebuilt" in html
        assert "stops after sentence 8, the 4 after it cut from the end" in html
        story = client.get("/api/stories/gazette.txt").json()["story"]
        assert story["reconstructed"]["copies"] == ["coastal.txt", "gazette.txt"]
