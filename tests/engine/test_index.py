"""Index add / find end to end on the project's own fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk import Article, ArticleNotFound
from copydesk.engine.index import Index
from copydesk.io import read

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORDS = (
    "harbour council budget ferry storm market bank shares union strike court judge witness police minister "
    "election vote border troops coast island bridge rail airport inflation exports farmers crop hospital"
).split()


def filler(seed: int, words: int) -> str:
    """Unrelated prose-like text, different for each seed."""
    import random

    rng = random.Random(seed)
    out = []
    while sum(len(s.split()) for s in out) < words:
        n = rng.randint(10, 20)
        out.append(
            " ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(n)).capitalize() + "."
        )
    return " ".join(out)


@pytest.fixture
def index(tmp_path: Path) -> Index:
    ix = Index(tmp_path / "t.db")
    ix.add(read([EXAMPLES / "wire.txt", EXAMPLES / "ledger.txt", EXAMPLES / "weekly.txt"]))
    ix.add([{"id": f"noise{i}", "text": filler(i, 300)} for i in range(20)])
    return ix


def test_find_copies_and_partial_quote(index: Index) -> None:
    hits = {h.id: h for h in index.find("wire.txt")}
    assert set(hits) == {"ledger.txt", "weekly.txt"}
    assert hits["ledger.txt"].direction == "copy" and hits["weekly.txt"].direction == "copy"
    assert hits["weekly.txt"].passages and 0.0 <= hits["weekly.txt"].jaccard <= 1.0
    # from the other side: the weekly feature finds the wire it quotes
    assert "wire.txt" in {h.id for h in index.find("weekly.txt")}


def test_passage_offsets_point_into_both_texts(index: Index) -> None:
    wire = index.get("wire.txt")
    for h in index.find("wire.txt"):
        other = index.get(h.id)
        for p in h.passages:
            assert 0 <= p.a_start < p.a_end <= len(wire.text)
            assert 0 <= p.b_start < p.b_end <= len(other.text)


def test_three_paragraphs_inside_a_long_article_found_from_both_sides(tmp_path: Path) -> None:
    wire = (EXAMPLES / "wire.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    quoted = " ".join(wire.split("\n\n")[1:4])  # about 100 words of the wire
    long_article = filler(99, 600) + "\n\n" + quoted + "\n\n" + filler(98, 500)
    with Index(tmp_path / "p.db") as ix:
        ix.add([{"id": "wire", "text": wire}, {"id": "feature", "text": long_article}])
        ix.add([{"id": f"n{i}", "text": filler(i, 400)} for i in range(30)])
        assert [h.id for h in ix.find("wire")] == ["feature"]
        assert [h.id for h in ix.find("feature")] == ["wire"]


def test_add_is_idempotent_and_dedupes_text(index: Index) -> None:
    again = index.add(read([EXAMPLES / "wire.txt"]))
    assert again.added == 0 and again.duplicate_id == 1
    same = index.add([{"id": "ledger-copy", "text": index.get("ledger.txt").text}])
    assert same.duplicate_text == 1 and same.duplicate_of == {"ledger-copy": "ledger.txt"}
    assert index.stats().articles == 23


def test_unrelated_query_finds_nothing(index: Index) -> None:
    assert index.find({"text": filler(1234, 300)}) == []


def test_query_by_article_and_min_containment(index: Index) -> None:
    query = Article(text=(EXAMPLES / "ledger.txt").read_text(encoding="utf-8"), id="outside")
    top = index.find(query)[0]
    assert top.id == "ledger.txt" and top.direction == "same"  # identical text is reported too
    assert all(h.score >= 0.5 for h in index.find(query, min_containment=0.5))


def test_explain_and_missing_ids(index: Index) -> None:
    report = index.explain("wire.txt", "ledger.txt")
    assert report.verdict == "b_from_a"
    with pytest.raises(ArticleNotFound):
        index.find("no-such-id")
    with pytest.raises(ArticleNotFound):
        index.explain("wire.txt", "no-such-id")


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Index(path) as ix:
        ix.add(read([EXAMPLES]))
        before = [h.to_dict() for h in ix.find("wire.txt")]
    with Index(path, readonly=True) as ix:
        assert [h.to_dict() for h in ix.find("wire.txt")] == before
        assert json.dumps(ix.stats().to_dict())
