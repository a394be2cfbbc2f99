"""Sentence alignment between two texts: which sentence of one side is which sentence of the other.

Pairs are one-to-one, chosen greedily from the most similar down, body sentences before boilerplate. Each
pair is typed: ``verbatim`` (same words in the same order, after folding quotes, dashes and case),
``edited`` (mostly the same word sequence), ``rewritten`` (the same content words in other wording), and
``moved`` when the pair breaks the reading order kept by the other pairs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Indel

from copydesk.align.stopwords import STOPWORDS
from copydesk.text.script import SPACELESS_LETTERS, THAI_MARKS

# A word of a text read in characters: one letter of a spaceless script and the marks written on it.
_ONE_CHAR = re.compile(f"[{SPACELESS_LETTERS}][{THAI_MARKS}]*")

PairLabel = Literal["verbatim", "edited", "rewritten", "moved"]


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence to align: its folded words, and whether it is boilerplate (aligned after the body)."""

    words: Sequence[str]
    boilerplate: bool = False


@dataclass(frozen=True, slots=True)
class Pair:
    """Sentence ``a`` of side a paired with sentence ``b`` of side b.

    similarity: word-sequence similarity, ``2 * LCS / (len_a + len_b)``, in [0, 1].
    overlap: Dice overlap of the content words (stop words left out), in [0, 1].
    """

    a: int
    b: int
    similarity: float
    overlap: float
    label: PairLabel


def content_words(words: Sequence[str]) -> set[str]:
    """The words that carry content: not stop words, and longer than one letter (digits count).

    A text read in characters (`copydesk.text.script`) has a character for a word, too common alone to
    tell two sentences apart: there each pair of neighbouring characters stands for a content word.
    """
    out = {w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())}
    chars = [_ONE_CHAR.fullmatch(w) is not None for w in words]
    for k in range(1, len(words)):
        if chars[k - 1] and chars[k]:
            out.add(words[k - 1] + words[k])
    return out


def _in_order(points: list[tuple[int, int, int]]) -> set[int]:
    """Indices of the points ``(i, j, weight)`` that lie on every heaviest chain increasing in both i and j.

    A pair off some heaviest chain is ``moved``. Asking for every chain rather than one chosen chain keeps
    the answer the same whichever text is side a: where two crossing pairs weigh the same, both are moved.
    Quadratic in the number of pairs, which is at most the number of sentences of the shorter side.
    """
    n = len(points)
    order = sorted(range(n), key=lambda k: (points[k][0], points[k][1]))
    fwd = [0] * n  # heaviest chain ending at k, and how many chains reach that weight
    fwd_count = [0] * n
    for x, k in enumerate(order):
        i, j, w = points[k]
        best, count = 0, 1
        for k2 in order[:x]:
            i2, j2, _ = points[k2]
            if i2 < i and j2 < j:
                if fwd[k2] > best:
                    best, count = fwd[k2], fwd_count[k2]
                elif fwd[k2] == best and best > 0:
                    count += fwd_count[k2]
        fwd[k], fwd_count[k] = best + w, count
    bwd = [0] * n  # heaviest chain starting at k, and how many
    bwd_count = [0] * n
    for x in range(n - 1, -1, -1):
        k = order[x]
        i, j, w = points[k]
        best, count = 0, 1
        for k2 in order[x + 1 :]:
            i2, j2, _ = points[k2]
            if i2 > i and j2 > j:
                if bwd[k2] > best:
                    best, count = bwd[k2], bwd_count[k2]
                elif bwd[k2] == best and best > 0:
                    count += bwd_count[k2]
        bwd[k], bwd_count[k] = best + w, count
    if not n:
        return set()
    top = max(fwd)
    total = sum(fwd_count[k] for k in range(n) if fwd[k] == top and bwd[k] == points[k][2])
    return {
        k for k in range(n) if fwd[k] + bwd[k] - points[k][2] == top and fwd_count[k] * bwd_count[k] == total
    }


def pair_label(
    a_words: Sequence[str],
    b_words: Sequence[str],
    shared_content: int,
    overlap: float,
    *,
    edited_similarity: float = 0.5,
    rewritten_similarity: float = 0.4,
    min_shared_content: int = 3,
) -> tuple[PairLabel | None, float]:
    """The label two word sequences earn as a pair (None: not a pair), and their word-sequence similarity.

    shared_content: how many content words (`content_words`) the two have in common; overlap: their Dice
    overlap of content words, in [0, 1]. The rule is `align`'s, without its reading-order step (so never
    ``moved``): ``verbatim`` for the same words, ``edited`` when the similarity reaches
    ``edited_similarity`` or one is mostly contained in the other (at least six words shared in order and
    80% of the shorter), ``rewritten`` when the overlap reaches ``rewritten_similarity`` with at least
    ``min_shared_content`` content words in common.
    """
    la, lb = len(a_words), len(b_words)
    similarity = Indel.normalized_similarity(a_words, b_words)
    lcs = similarity * (la + lb) / 2
    if similarity == 1.0:
        return "verbatim", similarity
    if similarity >= edited_similarity or (lcs >= 6 and lcs >= 0.8 * min(la, lb)):
        return "edited", similarity
    if overlap >= rewritten_similarity and shared_content >= min_shared_content:
        return "rewritten", similarity
    return None, similarity


def align(
    a: Sequence[Unit],
    b: Sequence[Unit],
    *,
    edited_similarity: float = 0.5,
    rewritten_similarity: float = 0.4,
    min_shared_content: int = 3,
) -> list[Pair]:
    """Pair the sentences of ``a`` with those of ``b``; pairs come back sorted by ``a`` index.

    A pair is kept when its word-sequence similarity reaches ``edited_similarity``, when one sentence is
    mostly contained in the other (a cut or extended sentence, at least six words shared in order), or
    when its content-word overlap reaches ``rewritten_similarity`` with at least ``min_shared_content``
    content words in common.
    """
    a_content = [content_words(u.words) for u in a]
    b_content = [content_words(u.words) for u in b]
    postings: dict[str, list[int]] = defaultdict(list)
    for j, words in enumerate(b_content):
        for w in words:
            postings[w].append(j)

    scored: list[tuple[float, float, int, int, PairLabel]] = []
    for i, unit in enumerate(a):
        shared = Counter(j for w in a_content[i] for j in postings.get(w, ()))
        for j, n_shared in shared.items():
            la, lb = len(unit.words), len(b[j].words)
            overlap = 2 * n_shared / (len(a_content[i]) + len(b_content[j]))
            if n_shared < 2 and min(la, lb) > 4:
                continue
            label, similarity = pair_label(
                unit.words,
                b[j].words,
                n_shared,
                overlap,
                edited_similarity=edited_similarity,
                rewritten_similarity=rewritten_similarity,
                min_shared_content=min_shared_content,
            )
            if label is not None:
                boiler = unit.boilerplate or b[j].boilerplate
                scored.append((0.0 if boiler else 1.0, max(similarity, overlap), i, j, label))

    # Ties break on (i + j, |i - j|): the same order whichever text is side a, so compare(a, b) mirrors
    # compare(b, a).
    scored.sort(key=lambda t: (-t[0], -t[1], t[2] + t[3], abs(t[2] - t[3])))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[Pair] = []
    for _, _, i, j, label in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        sim = Indel.normalized_similarity(a[i].words, b[j].words)
        ov = 2 * len(a_content[i] & b_content[j]) / max(1, len(a_content[i]) + len(b_content[j]))
        chosen.append(Pair(i, j, sim, ov, label))

    chosen.sort(key=lambda p: p.a)
    # Reading order is judged on body pairs only: captions float freely between paragraphs.
    body = [k for k, p in enumerate(chosen) if not (a[p.a].boilerplate or b[p.b].boilerplate)]
    points = [(chosen[k].a, chosen[k].b, len(a[chosen[k].a].words) + len(b[chosen[k].b].words)) for k in body]
    in_order = {body[k] for k in _in_order(points)}
    return [
        p if k in in_order or k not in body else Pair(p.a, p.b, p.similarity, p.overlap, "moved")
        for k, p in enumerate(chosen)
    ]
