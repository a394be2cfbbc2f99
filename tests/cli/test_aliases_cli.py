"""The same wire story run by three outlets: `add` keeps the other ids as aliases, and every verb finds them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

from .test_export_cli import WIRE

TIMES = "https://times.example/2026/04/07/bridge"
OUTLETS = [
    ("cpa/2026-04-06/bridge", "CPA", "2026-04-06", "https://cpa.example/bridge"),
    (TIMES, "Times", "2026-04-07", TIMES),
    ("post-1234", "Post", "2026-04-08", "https://post.example/1234"),
]


def _index(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "x.db"
    feed = tmp_path / "feed.jsonl"
    text = "\n\n".join(WIRE)
    feed.write_text(
        "".join(
            json.dumps({"id": i, "outlet": o, "date": d, "url": u, "title": f"Bridge ({o})", "text": text})
            + "\n"
            for i, o, d, u in OUTLETS
        ),
        encoding="utf-8",
    )
    r = CliRunner().invoke(cli, ["add", str(feed), "--db", str(db), "-q"])
    assert r.exit_code == 0, r.output
    return db, r.stdout


def test_add_says_the_same_texts_are_kept_as_aliases_and_adds_them_once(tmp_path: Path) -> None:
    db, out = _index(tmp_path)
    assert "added 1; already present 0 (same id), 2 (same text: kept as aliases)" in out
    again = CliRunner().invoke(cli, ["add", str(tmp_path / "feed.jsonl"), "--db", str(db), "-q"])
    assert "added 0; already present 3 (same id), 0 (same text" in again.stdout
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--db", str(db), "--format", "json"]).stdout)
    assert (stats["articles"], stats["aliases"]) == (1, 2)


def test_find_story_and_exports_name_every_outlet(tmp_path: Path) -> None:
    db, _ = _index(tmp_path)
    runner = CliRunner()
    found = runner.invoke(cli, ["find", TIMES, "--db", str(db), "--format", "json"])
    assert found.exit_code == 0, found.output
    assert [h["id"] for h in json.loads(found.stdout)["hits"]] == ["cpa/2026-04-06/bridge"]
    explain = runner.invoke(
        cli, ["find", "post-1234", "--db", str(db), "--explain", TIMES, "--format", "json"]
    )
    assert explain.exit_code == 0, explain.output
    assert json.loads(explain.stdout)["b"]["id"] == TIMES

    tree = runner.invoke(cli, ["story", TIMES, "--db", str(db)])
    assert tree.exit_code == 0, tree.output
    assert "story s-" in tree.stdout and "3 articles, 3 outlets" in tree.stdout
    for id_, outlet, _, _ in OUTLETS:
        assert id_ in tree.stdout and outlet in tree.stdout
    assert "same text as cpa/2026-04-06/bridge" in tree.stdout

    listing = runner.invoke(cli, ["stories", "--db", str(db), "--format", "json"])
    (story,) = json.loads(listing.stdout)
    assert story["size"] == 3 and story["outlets"] == ["CPA", "Post", "Times"]
    assert [a["role"] for a in story["articles"]] == ["source", "alias", "alias"]

    rows_out = tmp_path / "rows.jsonl"
    r = runner.invoke(cli, ["export", "stories", "--db", str(db), "-o", str(rows_out)])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in map(json.loads, rows_out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {i for i, _, _, _ in OUTLETS}
    assert (rows[TIMES]["role"], rows[TIMES]["parent"], rows[TIMES]["outlet"]) == (
        "alias",
        "cpa/2026-04-06/bridge",
        "Times",
    )
    dedup = tmp_path / "dedup.jsonl"
    r = runner.invoke(cli, ["export", "dedup", "--db", str(db), "-o", str(dedup)])
    assert r.exit_code == 0, r.output
    (only,) = map(json.loads, dedup.read_text(encoding="utf-8").splitlines())
    assert only["id"] == "cpa/2026-04-06/bridge" and only["story_size"] == 3
