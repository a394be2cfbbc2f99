"""Which words of an article are its body, computed once when it is indexed (see `copydesk.model.BodyLayout`).

`body_layout(text, start=...)` equals `layout_of(analyze(text, start=start))` (the tests check both on the
fixtures, on generated texts and on a real corpus) and costs a fraction of it on most news texts. When the
folded body is ASCII (typographic quotes and dashes fold to ASCII) without ``_``, every word lies in a
sentence and words can be numbered by counting them, so the words are never listed; when moreover the text
has no footer or photo credit and no caption opening, no sentence is marked on its own, so only paragraphs can be
boilerplate (headings and spliced captions) and the sentences are never split. Any other text takes the
full `analyze`.

`body_layouts` lays out a batch: by the native core where it is in use (`copydesk.core`), which takes the
fast path of `body_layout` for most texts and hands the others back, each then laid out here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from copydesk import core
from copydesk.model import BodyLayout
from copydesk.text.analysis import Analysis, analyze
from copydesk.text.boilerplate import (
    CreditSpan,
    boilerplate_kinds,
    find_credits,
    may_mark_sentences,
    paragraph_kinds,
)
from copydesk.text.normalize import fold
from copydesk.text.sentences import paragraphs, sentences
from copydesk.text.tokens import WORD, tokenize


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[tuple[int, int], ...]:
    """Half-open ``(lo, hi)`` ranges of the True runs of ``mask``."""
    padded = np.zeros(len(mask) + 2, dtype=np.int8)
    padded[1:-1] = mask
    edges = np.flatnonzero(padded[1:] != padded[:-1]).tolist()
    return tuple(zip(edges[0::2], edges[1::2], strict=True))


def _credits(credits: list[CreditSpan]) -> tuple[tuple[str, str | None, int, int], ...]:
    return tuple((c.kind, c.name, c.start, c.end) for c in credits)


def layout_of(analysis: Analysis, *, start: int = 0) -> BodyLayout:
    """The layout of an analysed text (``analysis = analyze(text, start=start)``): the reference."""
    words = len(tokenize(analysis.text, start=start))
    skip = np.ones(words, dtype=bool)
    skip[analysis.body_index] = False
    return BodyLayout(_runs(skip), _credits(analysis.credits))


def body_layout(text: str, *, start: int = 0) -> BodyLayout:
    """The `BodyLayout` of ``text[start:]``, equal to ``layout_of(analyze(text, start=start), start=start)``."""
    folded = fold(text[start:])
    flat = folded.text
    if folded.offsets is not None or not flat.isascii() or "_" in flat:
        return layout_of(analyze(text, start=start), start=start)
    paras = paragraphs(text, start=start)
    credits = find_credits(text, start=start)
    if may_mark_sentences(flat, credits):
        spans = sentences(text, start=start, paras=paras)
        kinds = boilerplate_kinds(text, paras, spans, credits)
        marked = [(s.start, s.end) for s, k in zip(spans, kinds, strict=True) if k is not None]
    else:
        kinds = paragraph_kinds(text, paras, credits, openings=False)
        marked = [(p.start, p.end) for p, k in zip(paras, kinds, strict=True) if k is not None]
    if not marked:
        return BodyLayout((), _credits(credits))
    # Here the folded body is ASCII with the original's offsets, and has no word outside the sentences (a
    # line without letters or digits, outside every paragraph, could only hold a word made of "_"). Marked
    # spans begin and end at characters that neither belong to nor join words, so counting the words of the
    # folded body between span bounds numbers them as `tokenize` does.
    skip: list[tuple[int, int]] = []
    cursor = count = 0
    for a, b in marked:
        a, b = a - start, b - start
        count += len(WORD.findall(flat, cursor, a))
        inside = len(WORD.findall(flat, a, b))
        if inside:
            if skip and skip[-1][1] == count:
                skip[-1] = (skip[-1][0], count + inside)
            else:
                skip.append((count, count + inside))
        count += inside
        cursor = b
    return BodyLayout(tuple(skip), _credits(credits))


def body_layouts(texts: Sequence[str], starts: Sequence[int]) -> list[BodyLayout]:
    """``[body_layout(t, start=s) for t, s in zip(texts, starts)]``, by the native core where it is in use
    (each text it leaves, `body_layout` lays out here)."""
    if len(texts) != len(starts):
        raise ValueError(f"one start per text: {len(starts)} starts for {len(texts)} texts")
    module = core.native()
    # A native build older than its layouts has none: the reference then lays out every text.
    layouts = getattr(module, "layouts", None)
    if layouts is None:
        return [body_layout(t, start=s) for t, s in zip(texts, starts, strict=True)]
    found = layouts(list(texts), [int(s) for s in starts])
    return [
        body_layout(t, start=s) if lay is None else BodyLayout(tuple(lay[0]), tuple(lay[1]))
        for t, s, lay in zip(texts, starts, found, strict=True)
    ]
