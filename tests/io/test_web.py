"""HTML pages and WARC archives: main text by trafilatura, URL and dates kept, odd records reported."""

from __future__ import annotations

import datetime as dt
import socket
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from copydesk.io import Record, Skipped, read
from copydesk.model import Article

pytest.importorskip("trafilatura", reason="the 'web' extra (trafilatura) is not importable here")
pytest.importorskip("warcio", reason="the 'web' extra (warcio) is not installed")

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPHS = [
    "Russia has today demanded that Kyiv's allies enter into negotiations with Moscow in order to halt its "
    "attacks on Ukrainians, as the capital fended off a large-scale drone barrage overnight.",
    "Ukrainian air defence units in Kyiv were heard shooting down Russian drones throughout the night while "
    "air raid sirens echoed out over the city on Thursday.",
    "The head of Russia's security council said the West had to choose between continuing to finance the war "
    "and negotiating an end to it that recognised the realities on the ground.",
]


def page(
    *,
    title: str = "Russia urges West to negotiate",
    date: str | None = "2024-11-08",
    site: str | None = "Example Times",
    canonical: str | None = None,
) -> str:
    head = [f"<title>{title}</title>"]
    if date:
        head.append(f'<meta property="article:published_time" content="{date}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<!DOCTYPE html><html><head>{''.join(head)}</head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright Example Media. All rights reserved.</footer></body></html>"
    )


EMPTY_PAGE = "<!DOCTYPE html><html><head><title>Nothing</title></head><body><div></div></body></html>"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Extraction must never fetch anything: any attempt to connect fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the readers tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def records(*paths: str | Path, **options: Any) -> list[Record]:
    return list(read(paths, **options))


# HTML


def test_an_html_page_gives_its_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "pages" / "story.html"
    path.parent.mkdir()
    path.write_text(page(canonical="https://www.example.com/2024/11/08/story"), encoding="utf-8")
    [article] = records(tmp_path)
    assert isinstance(article, Article)
    assert article.id == "pages/story.html"
    assert article.title == "Russia urges West to negotiate"
    assert article.date == dt.date(2024, 11, 8)
    assert article.url == "https://www.example.com/2024/11/08/story"
    assert article.outlet == "Example Times"
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert "Home" not in article.text
    assert "All rights reserved" not in article.text


def test_an_html_page_in_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "a.htm"
    html = page(title="Café crème à Kyiv").replace("<head>", '<head><meta charset="windows-1252">')
    path.write_bytes(html.encode("cp1252"))
    [article] = records(path)
    assert isinstance(article, Article)
    assert article.title == "Café crème à Kyiv"


def test_an_html_page_without_site_name_takes_the_host_as_outlet(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(page(site=None, canonical="https://www.dailynews.example.org/x/y"), encoding="utf-8")
    [article] = records(path)
    assert isinstance(article, Article)
    assert article.outlet == "dailynews.example.org"


def test_an_html_page_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(EMPTY_PAGE, encoding="utf-8")
    after = tmp_path / "z.txt"
    after.write_text("next", encoding="utf-8")
    recs = records(path, after)
    assert recs[0] == Skipped(str(path), None, "no main text found")
    assert isinstance(recs[1], Article)


def test_a_binary_html_file(tmp_path: Path) -> None:
    path = tmp_path / "logo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert records(path) == [Skipped(str(path), None, "binary file (NUL bytes), not text")]


def test_html_text_over_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text(page(), encoding="utf-8")
    [skip] = records(path, max_chars=100)
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("text longer than max_chars (")


# WARC


def http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def warc(path: Path, responses: list[tuple[str, str, str, bytes]], *, compress: bool) -> Path:
    """A WARC with a warcinfo record, then for each (uri, status, content type, body) a request, its
    response and a metadata record, all captured on 2024-11-09."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "copydesk tests"}))
        for uri, status, content_type, body in responses:
            date = {"WARC-Date": "2024-11-09T06:30:00Z"}
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(
                    uri, "request", payload=BytesIO(b""), http_headers=request, warc_headers_dict=date
                )
            )
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=BytesIO(body),
                    http_headers=http(status, content_type),
                    warc_headers_dict=date,
                )
            )
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "metadata",
                    payload=BytesIO(b"via: https://example.com/\r\n"),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict=date,
                )
            )
    return path


CRAWL = [
    ("https://www.example.com/world/story", "200 OK", "text/html; charset=utf-8", page().encode()),
    ("https://cdn.example.com/photo.jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(200)),
    ("https://news.example.org/undated", "200 OK", "text/html", page(date=None, site=None).encode()),
    ("https://www.example.com/gone", "404 Not Found", "text/html", page().encode()),
    ("https://www.example.com/blank", "200 OK", "application/xhtml+xml", EMPTY_PAGE.encode()),
]


@pytest.mark.parametrize("compress", [False, True])
def test_a_warc_gives_its_html_responses_and_reports_the_other_responses(
    tmp_path: Path, compress: bool
) -> None:
    path = warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), CRAWL, compress=compress)
    recs = records(path)
    assert [type(r).__name__ for r in recs] == ["Article", "Skipped", "Article", "Skipped", "Skipped"]
    story, photo, undated, gone, blank = recs

    assert isinstance(story, Article)
    assert story.id == story.url == "https://www.example.com/world/story"
    assert story.date == dt.date(2024, 11, 8)  # the page's own date, not the capture date
    assert story.outlet == "Example Times"
    assert story.title == "Russia urges West to negotiate"
    assert PARAGRAPHS[1] in story.text
    assert story.meta["warc_date"] == "2024-11-09T06:30:00Z"

    assert isinstance(undated, Article)
    assert undated.date == dt.date(2024, 11, 9)  # nothing on the page: the capture date
    assert undated.outlet == "news.example.org"

    assert isinstance(photo, Skipped)
    assert (photo.path, photo.line) == (str(path), None)
    assert photo.reason.startswith("record 6 (uri https://cdn.example.com/photo.jpg, offset ")
    assert photo.reason.endswith("): WARC record is not an HTML response (content-type image/jpeg)")
    assert isinstance(gone, Skipped)
    assert gone.reason.startswith("record 12 (uri https://www.example.com/gone,")
    assert gone.reason.endswith("): HTTP status 404, not a page")
    assert isinstance(blank, Skipped)
    assert blank.reason.endswith("): no main text found")


def three_pages(tmp_path: Path, compress: bool) -> tuple[Path, bytes]:
    responses = [
        (f"https://example.com/{i}", "200 OK", "text/html", page(title=f"Story {i}").encode())
        for i in range(3)
    ]
    path = warc(tmp_path / ("full.warc.gz" if compress else "full.warc"), responses, compress=compress)
    return path, path.read_bytes()


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("keep", [0.95, 0.6])
def test_a_truncated_warc_yields_what_it_could_then_one_skip(
    tmp_path: Path, compress: bool, keep: float
) -> None:
    _, data = three_pages(tmp_path, compress)
    path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    path.write_bytes(data[: int(len(data) * keep)])
    after = tmp_path / "z.txt"
    after.write_text("next", encoding="utf-8")
    recs = records(path, after)
    got = [r for r in recs if isinstance(r, Article) and r.id != "z.txt"]
    assert 1 <= len(got) <= 3
    assert [a.title for a in got] == [f"Story {i}" for i in range(len(got))]
    skips = [r for r in recs if isinstance(r, Skipped)]
    assert len(skips) == 1
    assert skips[0].path == str(path)
    assert "truncated" in skips[0].reason
    assert recs[-2] == skips[0]
    assert isinstance(recs[-1], Article)


def test_a_record_cut_inside_its_payload_is_not_read(tmp_path: Path) -> None:
    _, data = three_pages(tmp_path, compress=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: data.index(PARAGRAPHS[1].encode(), data.index(b"Story 2"))])
    recs = records(path)
    assert [r.title for r in recs if isinstance(r, Article)] == ["Story 0", "Story 1"]
    skip = recs[-1]
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("truncated WARC: record 9 (uri https://example.com/2, offset ")
    assert skip.reason.endswith(") is incomplete")


def test_a_file_that_is_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    path.write_text("hello, this is not an archive\n", encoding="utf-8")
    [skip] = records(path)
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("not a WARC file")


def test_a_warc_with_no_documents_yields_nothing(tmp_path: Path) -> None:
    path = warc(tmp_path / "a.warc.gz", [], compress=True)
    assert records(path) == []
