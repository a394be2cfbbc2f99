"""Tables in narrow terminals: every figure printed whole, long ids cut in the middle (their start and their
distinguishing end kept); piped output one width for every verb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.cli.show import PIPED_WIDTH, elide
from tests.cli.terminal import EXAMPLES, in_terminal, piped

PREFIX = "PA/rawtexts/courts/2026-03-14/the-harbour-authority-storm-coverage/take-"


def _id(i: int) -> str:
    return f"{PREFIX}{i:02d}.txt"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables")
    paragraphs = (EXAMPLES / "wire.txt").read_text(encoding="utf-8").split("\n", 1)[1].split("\n\n")
    rows = []
    for i in range(
        1, 8
    ):  # the whole story, then copies that keep less and less of it, each with a line of its own
        keep = paragraphs[: max(2, len(paragraphs) - i)]
        rows.append(
            {
                "id": _id(i),
                "text": "\n\n".join(keep) + f"\n\nTake {i} ends here.",
                "date": f"2026-03-{i + 10}",
            }
        )
    (root / "takes.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    path = root / "t.db"
    piped("add", str(root / "takes.jsonl"), "--db", str(path), "-q", cwd=root).ok()
    return path


def _hits(db: Path) -> list[dict[str, object]]:
    run = piped("find", _id(1), "--db", str(db), "--format", "json", cwd=db.parent).ok()
    hits: list[dict[str, object]] = json.loads(run.out)["hits"]
    assert len(hits) >= 5
    return hits


@pytest.mark.parametrize("columns", [80, 120])
def test_find_prints_every_figure_whole(db: Path, columns: int) -> None:
    hits = _hits(db)
    for run in (
        piped("find", _id(1), "--db", str(db), cwd=db.parent, columns=columns),
        in_terminal("find", _id(1), "--db", str(db), cwd=db.parent, columns=columns),
    ):
        lines = run.ok().screen.splitlines()
        assert max(len(line) for line in lines) <= columns
        for hit in hits:
            end = str(hit["id"])[-9:]  # "ke-03.txt": what tells the takes apart
            (row,) = [line for line in lines if end in line]
            figures = [
                str(hit["date"]),
                str(hit["direction"]),
                f"{hit['jaccard']:.3f}",
                f"{hit['containment_query_in_hit']:.3f}",
                f"{hit['containment_hit_in_query']:.3f}",
            ]
            assert all(f in row.split() for f in figures), (row, figures)
            assert row.split()[-1] == str(len(hit["passages"])), row  # type: ignore[arg-type]
            assert row.startswith("PA/r") and "…" in row  # the start and the end of a 78-character id


@pytest.mark.parametrize("columns", [80, 120])
def test_stories_prints_every_figure_whole(db: Path, columns: int) -> None:
    run = piped("stories", "--db", str(db), cwd=db.parent, columns=columns).ok()
    lines = run.out.decode().splitlines()  # stdout: the table (the update note is on stderr)
    (row,) = [line for line in lines if line.startswith("s-")]
    assert "2026-03-11 .. 2026-03-17" in row and " 7 " in row and "%" in row
    assert max(len(line) for line in lines) <= columns


def test_piped_output_is_one_width_for_every_verb(db: Path) -> None:
    """Without a terminal or COLUMNS, find and stories lay out at PIPED_WIDTH: the long ids come out whole."""
    found = piped("find", _id(1), "--db", str(db), cwd=db.parent).ok().text
    listed = piped("stories", "--db", str(db), cwd=db.parent).ok().text
    assert all(_id(i) in found for i in range(2, 8)) and _id(1) in listed
    assert (
        max(map(len, found.splitlines())) <= PIPED_WIDTH and max(map(len, listed.splitlines())) <= PIPED_WIDTH
    )


def test_elide_keeps_the_start_and_the_distinguishing_end() -> None:
    cut = [elide(_id(i), 30) for i in range(1, 8)]
    assert len(set(cut)) == 7 and all(len(c) == 30 and c.startswith("PA/") and "…" in c for c in cut)
    assert cut[2].endswith("take-03.txt") and elide("short", 30) == "short" and elide("abcdef", 1) == "…"


def test_compare_names_its_passages_by_their_length(tmp_path: Path) -> None:
    run = piped("compare", str(EXAMPLES / "wire.txt"), str(EXAMPLES / "ledger.txt"), cwd=tmp_path).ok()
    assert "Shared passages (runs of 5 or more words)" in run.text and "-word shingles" not in run.text
