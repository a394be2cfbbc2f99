"""`compare` and `find` read their articles as `add` does: an HTML page's main text, the one article of a
JSONL or WARC file (FILE#ID for one of several); unreadable or empty input is one clear error line."""

from __future__ import annotations

import gzip
import html
import json
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIRE = EXAMPLES / "wire.txt"
LEDGER = EXAMPLES / "ledger.txt"


def _page(path: Path) -> str:
    """An HTML page around the body of a text article, with a menu and a footer to set aside."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:] if line.strip())
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(lines[0])}</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{html.escape(lines[0])}</h1>{body}</article>"
        "<footer>Copyright Example Media. All rights reserved.</footer></body></html>"
    )


def _verdict(*args: str, input: str | None = None) -> str:
    r = CliRunner().invoke(cli, ["compare", *args, "--format", "json"], input=input)
    assert r.exit_code == 0, r.output
    return str(json.loads(r.output)["verdict"])


def _error(*args: str, input: str | None = None) -> str:
    """The one line of a command that must fail with exit 1."""
    r = CliRunner().invoke(cli, list(args), input=input)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and r.output.count("\n") == 1, r.output
    return r.output


def _jsonl(path: Path, *rows: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_compare_reads_the_main_text_of_an_html_page(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="the 'web' extra (trafilatura) is not importable here")
    page = tmp_path / "ledger.html"
    page.write_text(_page(LEDGER), encoding="utf-8")
    assert _verdict(str(WIRE), str(page)) == _verdict(str(WIRE), str(LEDGER)) == "b_from_a"
    r = CliRunner().invoke(cli, ["compare", str(WIRE), str(page), "--format", "json"])
    text = json.loads(r.output)["b"]
    assert "<p>" not in json.dumps(text) and "All rights reserved" not in json.dumps(text)


def test_compare_reads_the_one_article_of_a_jsonl_file(tmp_path: Path) -> None:
    one = _jsonl(tmp_path / "one.jsonl", {"id": "ledger", "text": LEDGER.read_text(encoding="utf-8")})
    gz = tmp_path / "one.jsonl.gz"
    gz.write_bytes(gzip.compress(one.read_bytes()))
    assert _verdict(str(WIRE), str(one)) == _verdict(str(WIRE), str(gz)) == "b_from_a"


def test_a_file_of_several_articles_needs_file_hash_id(tmp_path: Path) -> None:
    two = _jsonl(
        tmp_path / "two.jsonl",
        {"id": "note", "text": "A short unrelated note about a village fete and its cake stall."},
        {"id": "ledger", "text": LEDGER.read_text(encoding="utf-8")},
    )
    line = _error("compare", str(WIRE), str(two))
    assert str(two) in line and "more than one article" in line and f"{two}#ID" in line
    assert _verdict(str(WIRE), f"{two}#ledger") == "b_from_a"
    assert _verdict(str(WIRE), f"{two}#note") == "unrelated"
    line = _error("compare", str(WIRE), f"{two}#nobody")
    assert "'nobody'" in line and str(two) in line
    # without an id field, the ids are those `add` gives: <file name>:<line>
    bare = tmp_path / "bare.jsonl"
    bare.write_text(two.read_text(encoding="utf-8").replace('"id"', '"ref"'), encoding="utf-8")
    assert _verdict(str(WIRE), f"{bare}#bare.jsonl:2") == "b_from_a"


def test_compare_reads_the_one_page_of_a_warc_file(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="the 'web' extra (trafilatura) is not importable here")
    pytest.importorskip("warcio", reason="the 'web' extra (warcio) is not installed")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    archive = tmp_path / "crawl.warc.gz"
    with archive.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, source in (("https://ledger.example/storm#top", LEDGER), ("https://wire.example/", WIRE)):
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            body = BytesIO(_page(source).encode("utf-8"))
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=body, http_headers=headers)
            )
    line = _error("compare", str(WIRE), str(archive))
    assert "more than one article" in line
    assert _verdict(str(WIRE), f"{archive}#https://ledger.example/storm#top") == "b_from_a"


def test_a_bad_or_empty_file_is_one_line_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert str(empty) in _error("compare", str(WIRE), str(empty))
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    line = _error("compare", str(WIRE), str(broken))
    assert f"{broken}:1" in line and "invalid JSON" in line
    line = _error("compare", str(WIRE), str(WIRE) + "#x")
    assert "text file holds one article" in line


def test_empty_standard_input_is_an_error(tmp_path: Path) -> None:
    for data in ("", "  \n\n"):
        assert "<stdin>" in _error("compare", str(WIRE), "-", input=data)
    db = tmp_path / "x.db"
    assert CliRunner().invoke(cli, ["add", str(WIRE), "--db", str(db)]).exit_code == 0
    assert "<stdin>" in _error("find", "-", "--db", str(db), input="")


def test_find_reads_an_html_page_and_a_record_of_a_jsonl_file(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="the 'web' extra (trafilatura) is not importable here")
    db = tmp_path / "x.db"
    assert CliRunner().invoke(cli, ["add", str(WIRE), "--db", str(db)]).exit_code == 0
    page = tmp_path / "ledger.html"
    page.write_text(_page(LEDGER), encoding="utf-8")
    two = _jsonl(
        tmp_path / "two.jsonl",
        {"id": "note", "text": "A short unrelated note about a village fete and its cake stall."},
        {"id": "ledger", "text": LEDGER.read_text(encoding="utf-8")},
    )
    for query in (str(page), f"{two}#ledger"):
        r = CliRunner().invoke(cli, ["find", query, "--db", str(db), "--format", "json"])
        assert r.exit_code == 0, r.output
        assert [h["id"] for h in json.loads(r.output)["hits"]] == ["wire.txt"], query
    assert "more than one article" in _error("find", str(two), "--db", str(db))
