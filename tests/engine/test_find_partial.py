"""Partial reuse is found from either side, whatever the lengths: short articles quoted inside a long query,
and a digest of short articles in the index, found from each of them and finding each of them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from copydesk.engine.index import Index
from copydesk.model import Article

_WORDS = [f"w{i}x" for i in range(5000)]


def _short(seed: int) -> str:
    """A short article of six sentences of random words: articles of two seeds share no shingle."""
    rnd = random.Random(seed)
    return "\n\n".join(" ".join(rnd.choice(_WORDS) for _ in range(12)).capitalize() + "." for _ in range(6))


def _long(seed: int) -> str:
    return "\n\n".join(_short(seed * 1000 + k) for k in range(20))


# More quoted articles than the candidates `find` verifies when few are strong (`MAX_VERIFY`, 100).
_QUOTED = 110
SHORT = {f"short{i:03d}": _short(i) for i in range(_QUOTED + 10)}


def test_a_long_query_finds_every_short_article_it_quotes(tmp_path: Path) -> None:
    quoted = list(SHORT)[:_QUOTED]
    with Index(tmp_path / "i.db") as index:
        index.add(
            [Article(text, id=id_) for id_, text in SHORT.items()]
            + [Article(_long(s), id=f"long{s}") for s in range(1, 6)]
        )
        query = Article("\n\n".join(SHORT[i] for i in quoted), id="query")
        hits = index.find(query, limit=None)
    assert sorted(h.id for h in hits) == quoted
    assert all(h.containment_hit == 1.0 for h in hits)


def test_a_digest_is_found_from_each_short_article_and_finds_each(tmp_path: Path) -> None:
    items = list(SHORT)[:60]
    digest = "\n\n".join(SHORT[i] for i in items)
    with Index(tmp_path / "i.db") as index:
        index.add(
            [Article(text, id=id_) for id_, text in SHORT.items()]
            + [Article(digest, id="digest")]
            + [Article(_long(s), id=f"long{s}") for s in range(1, 6)]
        )
        for id_ in items:
            assert [h.id for h in index.find(id_, limit=None)] == ["digest"], id_
        assert sorted(h.id for h in index.find("digest", limit=None)) == items
        # the CLI's default limit keeps the strongest: each holds all its words in the digest
        assert len(index.find("digest")) == 20


def test_figures_of_many_candidates_are_those_of_each_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    from copydesk.config import CompareConfig
    from copydesk.engine import verify
    from copydesk.engine.overlap import prepare
    from copydesk.model import BodyLayout
    from copydesk.text.layout import body_layout

    n = CompareConfig().shingle_size
    texts = list(SHORT.values())[:7]
    query = prepare(Article("\n\n".join(texts[:5]), id="q"), shingle_size=n)
    rows: list[tuple[Article, BodyLayout]] = [
        (Article(t, id=str(i)), body_layout(t)) for i, t in enumerate(texts)
    ]
    cands = verify.bodies(rows, shingle_size=n)
    whole = verify.figures(query.shingles, len(query.analysis.body_words), cands, shingle_size=n)
    monkeypatch.setattr(verify, "FIGURES_CHUNK", 2)
    assert verify.figures(query.shingles, len(query.analysis.body_words), cands, shingle_size=n) == whole
    assert whole.containment_candidate == [1.0] * 5 + [0.0] * 2
