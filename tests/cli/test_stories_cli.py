from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _index(tmp_path: Path) -> Path:
    db = tmp_path / "x.db"
    r = CliRunner().invoke(cli, ["add", str(EXAMPLES), "--db", str(db), "-q"])
    assert r.exit_code == 0, r.output
    return db


def test_stories_json_has_the_documented_keys(tmp_path: Path) -> None:
    db = _index(tmp_path)
    r = CliRunner().invoke(cli, ["stories", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    (story,) = json.loads(r.stdout)
    assert {"id", "members", "root", "hidden_source", "edges", "uncredited"} <= set(story)
    papers = {json.loads(line)["id"] for line in (EXAMPLES / "syndicated.jsonl").read_text().splitlines()}
    syndicated = {p for p in papers if "library" not in p}  # the Ledger's text run by three sister papers
    assert story["root"] == "wire.txt"
    assert set(story["members"]) == {"wire.txt", "ledger.txt", "weekly.txt", *syndicated}
    for edge in story["edges"]:
        assert edge["source"] == "wire.txt" and 0 <= edge["confidence"] <= 1 and edge["evidence"]


def test_stories_text_and_story_views(tmp_path: Path) -> None:
    db = _index(tmp_path)
    runner = CliRunner()
    listing = runner.invoke(cli, ["stories", "--db", str(db)])
    assert listing.exit_code == 0 and "wire.txt" in listing.stdout
    sid = json.loads(runner.invoke(cli, ["stories", "--db", str(db), "--format", "json"]).stdout)[0]["id"]
    for key in (sid, "ledger.txt"):  # a story id, or an article in it
        tree = runner.invoke(cli, ["story", key, "--db", str(db)])
        assert tree.exit_code == 0, tree.output
        assert "wire.txt" in tree.stdout and "ledger.txt" in tree.stdout and "confidence" in tree.stdout
    page = tmp_path / "story.html"
    r = runner.invoke(cli, ["story", sid, "--db", str(db), "--format", "html", "-o", str(page)])
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "ledger.txt" in html and "Content-Security-Policy" in html


def test_a_big_story_is_drawn_in_part(tmp_path: Path) -> None:
    db = _index(tmp_path)
    r = CliRunner().invoke(cli, ["story", "wire.txt", "--db", str(db), "--max-members", "2"])
    assert r.exit_code == 0, r.output
    assert "showing 2 of its 6 articles" in r.stdout and "wire.txt" in r.stdout


def test_story_errors_are_one_line(tmp_path: Path) -> None:
    db = _index(tmp_path)
    r = CliRunner().invoke(cli, ["story", "s-nope", "--db", str(db)])
    assert r.exit_code == 1 and "no article with id 's-nope'" in r.output
    r = CliRunner().invoke(cli, ["stories", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 2 and "no index at" in r.output


def test_the_parts_of_a_wire_story_are_shown_as_such(tmp_path: Path) -> None:
    from copydesk.engine.index import Index
    from tests.engine.test_wire_stories import TAKE1, TAKE2, take

    db = tmp_path / "w.db"
    with Index(db) as ix:
        ix.add([take("burstein1", 1, TAKE1), take("burstein2", 2, TAKE2)])
    r = CliRunner().invoke(cli, ["story", "burstein2", "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "hidden source" in r.stdout and r.stdout.count("a part of one wire story") == 2
    page = tmp_path / "w.html"
    r = CliRunner().invoke(cli, ["story", "burstein1", "--db", str(db), "--format", "html", "-o", str(page)])
    assert r.exit_code == 0, r.output
    assert "transmission headers of one wire story" in page.read_text(encoding="utf-8")


HIDDEN_COPIES = Path(__file__).resolve().parents[1] / "data" / "hidden"


def test_a_hidden_source_is_shown_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    copies = [str(HIDDEN_COPIES / name) for name in ("gazette.txt", "coastal.txt")]  # not the original
    runner = CliRunner()
    assert runner.invoke(cli, ["add", *copies, "--db", str(db), "-q"]).exit_code == 0
    text = runner.invoke(cli, ["story", "gazette.txt", "--db", str(db)], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "Hidden source rebuilt from 2 copies: 12 sentences" in text.stdout
    assert "stops after sentence 8: the 4 after it cut from the end" in text.stdout
    assert "[-told EFE reporters at the harbour gate-]" not in text.stdout  # the original is not in it
    assert "[-Tuesday afternoon-] {+midday+}" in text.stdout
    out = json.loads(runner.invoke(cli, ["story", "gazette.txt", "--db", str(db), "--format", "json"]).stdout)
    rebuilt = out["reconstructed"]
    assert out["hidden_source"] and rebuilt["copies"] == ["coastal.txt", "gazette.txt"]
    assert set(rebuilt) == {"copies", "copies_left_out", "sentences", "scripts"}
    first = rebuilt["sentences"][0]
    assert set(first) == {"text", "copy", "start", "end", "carried_by", "decided", "witnesses"}
    assert set(first["witnesses"][0]) == {
        "copy",
        "start",
        "end",
        "text",
        "how",
        "similarity",
        "moved",
        "diff",
    }
    texts = {c: (HIDDEN_COPIES / c).read_text(encoding="utf-8") for c in ("gazette.txt", "coastal.txt")}
    for s in rebuilt["sentences"]:
        assert texts[s["copy"]][s["start"] : s["end"]] == s["text"]
        for w in s["witnesses"]:
            assert texts[w["copy"]][w["start"] : w["end"]] == w["text"]
    scripts = {s["copy"]: s for s in rebuilt["scripts"]}
    assert scripts["gazette.txt"]["counts"]["cut"] == 4 and scripts["coastal.txt"]["counts"]["left_out"] == 1
    html = runner.invoke(cli, ["story", "gazette.txt", "--db", str(db), "--format", "html"])
    assert html.exit_code == 0 and 'id="rebuilt"' in html.stdout and "stops after sentence 8" in html.stdout
