"""The `compare` verb: the full reuse report for two articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from copydesk.align.clauses import ClauseTable, clause_table, reused_words
from copydesk.align.diff import word_diff
from copydesk.align.sentence import Pair, Unit, align
from copydesk.config import CompareConfig
from copydesk.engine.articles import as_article
from copydesk.engine.overlap import Prepared, overlap, prepare, spans
from copydesk.model import (
    Article,
    ArticleSummary,
    Comparison,
    Credit,
    Label,
    Sentence,
    Side,
)
from copydesk.provenance.cut import Unshared, unshared
from copydesk.provenance.verdict import SideSignals, verdict
from copydesk.text.analysis import Analysis
from copydesk.text.boilerplate import CreditSpan, canonical_agency
from copydesk.text.wire import wire_header

ArticleLike = Article | str | Mapping[str, Any]


def _own_names(article: Article, credits: Sequence[CreditSpan]) -> frozenset[str]:
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
    for c in credits:
        if c.kind == "byline" and c.name and canonical_agency(c.name):
            names.add(c.name.lower())
        if c.kind == "dateline" and c.name and c.start <= article.body_start + 200:
            names.add(c.name.lower())
        if c.kind == "footer" and c.name:
            # "originally published by www.example.com": this text is that site's article
            names.update({c.name.lower(), c.name.lower().removeprefix("www.")})
    return frozenset(names)


def signals(
    article: Article, analysis: Analysis, containment: float, unique: int, inserted: int
) -> SideSignals:
    header = wire_header(article.text)
    return side_signals(
        article,
        analysis.credits,
        len(analysis.body_words),
        containment,
        unique,
        inserted,
        sent=None if header is None else header.sent,
    )


def side_signals(
    article: Article,
    credits: Sequence[CreditSpan],
    words: int,
    containment: float,
    unique: int,
    inserted: int,
    *,
    sent: dt.datetime | None = None,
) -> SideSignals:
    """`signals` from an article's credits and number of body words (what the index keeps of it), and when
    it was sent (its wire transmission header's time, `copydesk.text.wire`)."""
    agencies = frozenset(
        c.name
        for c in credits
        if c.kind in ("agency", "photo", "contributed", "dateline")
        and c.name
        and (canonical_agency(c.name) == c.name or c.name.isupper())
    )
    origins = frozenset(c.name for c in credits if c.kind == "footer" and c.name)
    return SideSignals(
        words=words,
        containment=containment,
        unique_words=unique,
        inserted_words=inserted,
        date=article.date,
        agencies=agencies,
        origins=origins,
        own_names=_own_names(article, credits),
        wire=canonical_agency(article.outlet),
        sent=sent,
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


def compare(a: ArticleLike, b: ArticleLike, *, config: CompareConfig | None = None) -> Comparison:
    """Compare two articles (texts, `Article`s or dicts with at least ``text``) and explain their relation.

    Figures are computed on the body (boilerplate set aside); all offsets point into each side's original
    ``text``. See `copydesk.model.Comparison` for the fields and their ranges.
    """
    cfg = config or CompareConfig()
    art_a, art_b = as_article(a, default_id="a"), as_article(b, default_id="b")
    return compare_prepared(
        prepare(art_a, shingle_size=cfg.shingle_size),
        prepare(art_b, shingle_size=cfg.shingle_size),
        config=cfg,
    )


def compare_prepared(pa: Prepared, pb: Prepared, *, config: CompareConfig) -> Comparison:
    """`compare` on articles already prepared with ``config.shingle_size`` (the index reuses them)."""
    cfg = config
    art_a, art_b = pa.article, pb.article
    an_a, an_b = pa.analysis, pb.analysis
    # The width the figures were computed on: wider when both texts are read in characters.
    n = pa.shingle_size if pa.shingle_size == pb.shingle_size else cfg.shingle_size
    ov = overlap(pa, pb, config=cfg)
    cov_a, cov_b = ov.covered_a, ov.covered_b
    c_a, c_b = ov.containment_a, ov.containment_b
    jaccard = ov.jaccard
    passages = ov.passages

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

    sig_a = signals(art_a, an_a, c_a, unique_words(an_a, paired_a), inserted("a"))
    sig_b = signals(art_b, an_b, c_b, unique_words(an_b, paired_b), inserted("b"))
    shared = ov.shared_words
    result, confidence, evidence = verdict(
        sig_a,
        sig_b,
        shared_words=shared,
        related_containment=cfg.related_containment,
        min_shared_words=cfg.min_shared_words,
    )
    source_side: Side | None = {"a_from_b": "b", "b_from_a": "a"}.get(result)  # type: ignore[assignment]
    # Under a common source, a sentence only one side has is not plainly an addition (`provenance.cut`).
    common: tuple[dict[int, Unshared], dict[int, Unshared]] = ({}, {})
    if result == "common_source":
        common = unshared(
            [s.boilerplate is None for s in an_a.sentences],
            [s.boilerplate is None for s in an_b.sentences],
            paired_a.keys(),
            paired_b.keys(),
        )

    offset_b = len(an_a.sentences)
    sentences: list[Sentence] = []
    for side, an, paired, open_ in (("a", an_a, paired_a, common[0]), ("b", an_b, paired_b, common[1])):
        for k, s in enumerate(an.sentences):
            pair = paired.get(k)
            label: Label
            counterpart: int | None = None
            diff: tuple[Any, ...] = ()
            reason: str | None = None
            if pair is not None:
                counterpart = pair.b + offset_b if side == "a" else pair.a
                label = pair.label
                if pair.similarity < 1.0:
                    sa, sb = an_a.sentences[pair.a], an_b.sentences[pair.b]
                    diff = word_diff(
                        sa.words, sa.starts, sa.ends, art_a.text, sb.words, sb.starts, sb.ends, art_b.text
                    )
            elif k in open_:
                label, reason = open_[k].label, open_[k].reason
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
                    reason=reason,
                )
            )

    found = [
        Credit(side, c.kind, c.name, c.start, c.end, art.text[c.start : c.end])  # type: ignore[arg-type]
        for side, an, art in (("a", an_a, art_a), ("b", an_b, art_b))
        for c in an.credits
    ]
    # A caption is listed once per paragraph, unless a credit already covers it ("Photo: AFP").
    captions: dict[tuple[str, int], list[int]] = {}
    for side, an in (("a", an_a), ("b", an_b)):
        for s in an.sentences:
            if s.boilerplate == "caption":
                captions.setdefault((side, s.paragraph), []).extend((s.start, s.end))
    for (side, _), bounds in captions.items():
        start, end = min(bounds), max(bounds)
        if any(c.side == side and c.start <= start and end <= c.end + 1 for c in found):
            continue
        text = art_a.text if side == "a" else art_b.text
        found.append(Credit(side, "caption", None, start, end, text[start:end]))  # type: ignore[arg-type]
    credits = tuple(sorted(found, key=lambda c: (c.side, c.start, c.end)))

    clauses_a, clauses_b = clause_table(an_a), clause_table(an_b)
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
        shared_a=spans(cov_a, an_a.body_starts, an_a.body_ends),
        shared_b=spans(cov_b, an_b.body_starts, an_b.body_ends),
        sentences=tuple(sentences),
        credits=credits,
        evidence=tuple(evidence),
        reused_a=_reused(an_a, clauses_a, clauses_b, cov_a, frozenset(paired_a), cfg),
        reused_b=_reused(an_b, clauses_b, clauses_a, cov_b, frozenset(paired_b), cfg),
    )


def _reused(
    side: Analysis,
    mine: ClauseTable,
    theirs: ClauseTable,
    covered: npt.NDArray[np.bool_],
    paired: frozenset[int],
    cfg: CompareConfig,
) -> tuple[tuple[int, int], ...]:
    """The spans of ``side``'s words that come from the other side (`copydesk.align.clauses`)."""
    mask = reused_words(
        mine,
        theirs,
        covered,
        paired,
        edited_similarity=cfg.edited_similarity,
        rewritten_similarity=cfg.rewritten_similarity,
    )
    return spans(mask, side.body_starts, side.body_ends)
