"""The `compare` verb: the full reuse report for two articles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from copydesk.align.diff import word_diff
from copydesk.align.passage import coverage, shared_runs
from copydesk.align.sentence import Pair, Unit, align
from copydesk.config import CompareConfig
from copydesk.engine.articles import as_article
from copydesk.model import (
    Article,
    ArticleSummary,
    Comparison,
    Credit,
    Label,
    Passage,
    Sentence,
    Side,
)
from copydesk.provenance.verdict import SideSignals, verdict
from copydesk.sketch.shingle import shingles, word_hashes
from copydesk.text.analysis import Analysis, analyze
from copydesk.text.boilerplate import canonical_agency

ArticleLike = Article | str | Mapping[str, Any]


def _own_names(article: Article, analysis: Analysis) -> frozenset[str]:
    names: set[str] = set()
    if article.outlet:
        names.add(article.outlet.lower())
        agency = canonical_agency(article.outlet)
        if agency:
            names.add(agency.lower())
    if article.url:
        host = urlsplit(article.url).hostname
        if host:
            names.update({host.lower(), host.lower().removeprefix("www.")})
    for c in analysis.credits:
        if c.kind == "byline" and c.name and canonical_agency(c.name):
            names.add(c.name.lower())
        if c.kind == "dateline" and c.name and c.start <= article.body_start + 200:
            names.add(c.name.lower())
        if c.kind == "footer" and c.name:
            # "originally published by www.example.com": this text is that site's article
            names.update({c.name.lower(), c.name.lower().removeprefix("www.")})
    return frozenset(names)


def _signals(
    article: Article, analysis: Analysis, containment: float, unique: int, inserted: int
) -> SideSignals:
    agencies = frozenset(
        c.name
        for c in analysis.credits
        if c.kind in ("agency", "photo", "contributed", "dateline")
        and c.name
        and (canonical_agency(c.name) == c.name or c.name.isupper())
    )
    origins = frozenset(c.name for c in analysis.credits if c.kind == "footer" and c.name)
    return SideSignals(
        words=len(analysis.body_words),
        containment=containment,
        unique_words=unique,
        inserted_words=inserted,
        date=article.date,
        agencies=agencies,
        origins=origins,
        own_names=_own_names(article, analysis),
    )


def _summary(article: Article, analysis: Analysis) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        title=article.title,
        date=article.date,
        outlet=article.outlet,
        url=article.url,
        chars=len(article.text),
        words=len(analysis.body_words),
        body_start=article.body_start,
    )


def _spans(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Merge runs of consecutive covered words into ``[start, end)`` character spans."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return ()
    breaks = np.flatnonzero(np.diff(idx) > 1)
    first = np.concatenate(([0], breaks + 1))
    last = np.concatenate((breaks, [len(idx) - 1]))
    return tuple((int(starts[idx[f]]), int(ends[idx[e]])) for f, e in zip(first, last, strict=True))


def compare(a: ArticleLike, b: ArticleLike, *, config: CompareConfig | None = None) -> Comparison:
    """Compare two articles (texts, `Article`s or dicts with at least ``text``) and explain their relation.

    Figures are computed on the body (boilerplate set aside); all offsets point into each side's original
    ``text``. See `copydesk.model.Comparison` for the fields and their ranges.
    """
    cfg = config or CompareConfig()
    art_a, art_b = as_article(a, default_id="a"), as_article(b, default_id="b")
    an_a, an_b = analyze(art_a.text, start=art_a.body_start), analyze(art_b.text, start=art_b.body_start)
    n = cfg.shingle_size
    sh_a, sh_b = shingles(word_hashes(an_a.body_words), n), shingles(word_hashes(an_b.body_words), n)
    set_a, set_b = np.unique(sh_a), np.unique(sh_b)
    inter = len(np.intersect1d(set_a, set_b, assume_unique=True))
    union = len(set_a) + len(set_b) - inter
    jaccard = inter / union if union else 0.0
    cov_a = coverage(sh_a, set_b, n, len(an_a.body_words))
    cov_b = coverage(sh_b, set_a, n, len(an_b.body_words))
    c_a = float(cov_a.mean()) if len(cov_a) else 0.0
    c_b = float(cov_b.mean()) if len(cov_b) else 0.0

    runs = shared_runs(
        sh_a,
        sh_b,
        n,
        a_words=len(an_a.body_words),
        b_words=len(an_b.body_words),
        min_words=cfg.min_passage_words,
    )
    passages = tuple(
        Passage(
            int(an_a.body_starts[a0]),
            int(an_a.body_ends[a1 - 1]),
            int(an_b.body_starts[b0]),
            int(an_b.body_ends[b1 - 1]),
            a1 - a0,
        )
        for a0, a1, b0, b1 in runs
    )

    units_a = [Unit(s.words, s.boilerplate is not None) for s in an_a.sentences]
    units_b = [Unit(s.words, s.boilerplate is not None) for s in an_b.sentences]
    pairs = align(
        units_a,
        units_b,
        edited_similarity=cfg.edited_similarity,
        rewritten_similarity=cfg.rewritten_similarity,
    )
    paired_a = {p.a: p for p in pairs}
    paired_b = {p.b: p for p in pairs}

    def unique_words(an: Analysis, paired: Mapping[int, Pair]) -> int:
        return sum(
            len(s.words) for k, s in enumerate(an.sentences) if s.boilerplate is None and k not in paired
        )

    def inserted(side: Side) -> int:
        total = 0
        for p in pairs:
            sa, sb = an_a.sentences[p.a], an_b.sentences[p.b]
            if sa.boilerplate or sb.boilerplate:
                continue
            lcs = p.similarity * (len(sa.words) + len(sb.words)) / 2
            total += round((len(sa.words) if side == "a" else len(sb.words)) - lcs)
        return total

    sig_a = _signals(art_a, an_a, c_a, unique_words(an_a, paired_a), inserted("a"))
    sig_b = _signals(art_b, an_b, c_b, unique_words(an_b, paired_b), inserted("b"))
    shared = max(int(cov_a.sum()), int(cov_b.sum()))
    result, confidence, evidence = verdict(
        sig_a,
        sig_b,
        shared_words=shared,
        related_containment=cfg.related_containment,
        min_shared_words=cfg.min_shared_words,
    )
    source_side: Side | None = {"a_from_b": "b", "b_from_a": "a"}.get(result)  # type: ignore[assignment]

    offset_b = len(an_a.sentences)
    sentences: list[Sentence] = []
    for side, an, paired, other in (("a", an_a, paired_a, an_b), ("b", an_b, paired_b, an_a)):
        for k, s in enumerate(an.sentences):
            pair = paired.get(k)
            label: Label
            counterpart: int | None = None
            diff: tuple[Any, ...] = ()
            if pair is not None:
                counterpart = pair.b + offset_b if side == "a" else pair.a
                label = pair.label
                if pair.similarity < 1.0:
                    sa, sb = an_a.sentences[pair.a], an_b.sentences[pair.b]
                    diff = word_diff(
                        sa.words, sa.starts, sa.ends, art_a.text, sb.words, sb.starts, sb.ends, art_b.text
                    )
            else:
                label = "dropped" if side == source_side else "added"
            if s.boilerplate is not None:
                label = "boilerplate"
            sentences.append(
                Sentence(
                    side=side,  # type: ignore[arg-type]
                    start=s.start,
                    end=s.end,
                    text=art_a.text[s.start : s.end] if side == "a" else art_b.text[s.start : s.end],
                    label=label,
                    counterpart=counterpart,
                    similarity=None if pair is None else pair.similarity,
                    diff=diff,
                    boilerplate=s.boilerplate,
                )
            )
        del other

    credits = tuple(
        Credit(side, c.kind, c.name, c.start, c.end, art.text[c.start : c.end])  # type: ignore[arg-type]
        for side, an, art in (("a", an_a, art_a), ("b", an_b, art_b))
        for c in an.credits
    ) + tuple(
        Credit(s.side, "caption", None, s.start, s.end, s.text)
        for s in sentences
        if s.boilerplate == "caption"
    )

    return Comparison(
        verdict=result,
        confidence=confidence,
        jaccard=jaccard,
        containment_a_in_b=c_a,
        containment_b_in_a=c_b,
        shingle_size=n,
        a=_summary(art_a, an_a),
        b=_summary(art_b, an_b),
        a_text=art_a.text,
        b_text=art_b.text,
        passages=passages,
        shared_a=_spans(cov_a, an_a.body_starts, an_a.body_ends),
        shared_b=_spans(cov_b, an_b.body_starts, an_b.body_ends),
        sentences=tuple(sentences),
        credits=tuple(sorted(credits, key=lambda c: (c.side, c.start, c.end))),
        evidence=tuple(evidence),
    )
