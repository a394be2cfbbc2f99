"""One pass over an article: sentences, their words, credits and boilerplate, all with original offsets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.text.boilerplate import CreditSpan, boilerplate_kinds, find_credits
from copydesk.text.sentences import Paragraph, paragraphs, sentences
from copydesk.text.tokens import tokenize

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SentenceInfo:
    """A sentence with at least one word: ``[start, end)``, its paragraph, its folded words and their offsets.

    boilerplate: ``caption``, ``credit``, ``byline``, ``heading``, ``footer``, or None for body text.
    """

    start: int
    end: int
    paragraph: int
    boilerplate: str | None
    words: list[str]
    starts: I64
    ends: I64


@dataclass(frozen=True, slots=True)
class Analysis:
    """An analysed text. ``body_*`` hold the words of the non-boilerplate sentences, in reading order.

    chars: whether the text is read in characters (see `copydesk.text.script`; its shingles are wider, see
        `copydesk.sketch.shingle.shingle_width`).
    """

    text: str
    sentences: list[SentenceInfo]
    credits: list[CreditSpan]
    body_words: list[str]
    body_starts: I64
    body_ends: I64
    body_index: I64
    chars: bool = False


def analyze(text: str, *, start: int = 0, chars: bool | None = None) -> Analysis:
    """Analyse ``text[start:]`` (``start`` skips a header line); every offset points into ``text``.

    body_index: the body words' numbers among all the words of ``text[start:]`` (as `tokenize` lists them).
    chars: read the text in characters or not; None (the engine's way) decides as `tokenize` does.
    """
    paras = paragraphs(text, start=start)
    return analyze_parts(text, start, paras, find_credits(text, start=start), chars=chars)


def analyze_parts(
    text: str, start: int, paras: list[Paragraph], credits: list[CreditSpan], *, chars: bool | None = None
) -> Analysis:
    """`analyze` from its first two steps, ``paragraphs(text, start=start)`` and ``find_credits(text,
    start=start)``, already done."""
    spans = sentences(text, start=start, paras=paras)
    kinds = boilerplate_kinds(text, paras, spans, credits)
    tokens = tokenize(text, start=start, chars=chars)
    lo = np.searchsorted(tokens.starts, [s.start for s in spans], side="left")
    hi = np.searchsorted(tokens.starts, [s.end for s in spans], side="left")
    infos: list[SentenceInfo] = []
    body_idx: list[int] = []
    for s, kind, i, j in zip(spans, kinds, lo.tolist(), hi.tolist(), strict=True):
        if j <= i:
            continue  # no words: a rule, a lone bullet
        infos.append(
            SentenceInfo(
                s.start, s.end, s.paragraph, kind, tokens.words[i:j], tokens.starts[i:j], tokens.ends[i:j]
            )
        )
        if kind is None:
            body_idx.extend(range(i, j))
    idx = np.asarray(body_idx, dtype=np.int64)
    return Analysis(
        text=text,
        sentences=infos,
        credits=credits,
        body_words=[tokens.words[k] for k in body_idx],
        body_starts=tokens.starts[idx] if len(idx) else np.empty(0, dtype=np.int64),
        body_ends=tokens.ends[idx] if len(idx) else np.empty(0, dtype=np.int64),
        body_index=idx,
        chars=tokens.chars,
    )
