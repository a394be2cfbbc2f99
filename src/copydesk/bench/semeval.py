"""How copydesk's containment relates to SemEval-2022 Task 8's similarity ratings, per language pair.

Input (shared/data/semeval2022/README.md): JSONL(.gz), one pair of news articles per line with ``pair_id``,
``lang1``, ``lang2``, ``text1``, ``text2``, ``overall`` (annotators' mean rating, 1 = very similar to
4 = very dissimilar) and ``mt_suspect``.

That task scores whether two articles tell the same story (same events, places, people), not whether one
reuses the other's text: two outlets' independent reports of one event are "very similar" there and share
little text here. So the figure is a description of how the two notions relate, not a score of copydesk.

For each pair, copydesk's containment is the larger of the two sides' (the share of a side's body words in
shingles the other side has), exactly as `compare` computes it (`copydesk.engine.overlap.overlap` at
default settings). It is computed twice: with the engine's reading, where a Chinese, Japanese or Thai text
is read in characters (`copydesk.text.script`), and with every text read in words (the engine before
that). Spearman's rank correlation with ``overall`` is given per language pair; since 1 is the most
similar rating, more shared text goes with lower ratings, and a negative correlation is the expected sign.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from copydesk.bench.stories import read_rows
from copydesk.config import CompareConfig
from copydesk.engine.overlap import Prepared, overlap, prepare
from copydesk.model import Article
from copydesk.sketch.shingle import shingles, word_hashes
from copydesk.text.analysis import analyze

FIELDS = ("pair_id", "lang1", "lang2", "text1", "text2", "overall")


def ranks(values: Sequence[float]) -> npt.NDArray[np.float64]:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks."""
    x = np.asarray(values, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    out = np.empty(len(x), dtype=np.float64)
    sorted_x = x[order]
    # Runs of equal values: [first, last] positions in sorted order, each given (first + last) / 2 + 1.
    bounds = np.flatnonzero(np.diff(sorted_x)) + 1
    firsts = np.concatenate(([0], bounds))
    lasts = np.concatenate((bounds, [len(x)])) - 1
    out[order] = np.repeat((firsts + lasts) / 2 + 1, lasts - firsts + 1)
    return out


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rank correlation of ``x`` and ``y`` (Pearson's on tie-averaged ranks), in [-1, 1]; None
    when there are fewer than 3 values or one side is constant."""
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if len(x) < 3:
        return None
    rx, ry = ranks(x), ranks(y)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    den = float(np.sqrt((dx * dx).sum() * (dy * dy).sum()))
    return None if den == 0.0 else float((dx * dy).sum() / den)


def _in_words(article: Article, *, shingle_size: int) -> Prepared:
    """`prepare` with the text read in words whatever its script (the engine before issue 21, item 7)."""
    analysis = analyze(article.text, chars=False)
    sh = shingles(word_hashes(analysis.body_words), shingle_size)
    return Prepared(article, analysis, sh, np.unique(sh), shingle_size)


def containments(text1: str, text2: str, *, config: CompareConfig) -> tuple[float, float, bool]:
    """The larger containment of the pair read the engine's way and read in words, and whether either text
    is read in characters."""
    a, b = Article(text=text1, id="1"), Article(text=text2, id="2")
    n = config.shingle_size
    pa, pb = prepare(a, shingle_size=n), prepare(b, shingle_size=n)
    now = overlap(pa, pb, config=config, passages=False)
    chars = pa.analysis.chars or pb.analysis.chars
    if chars:
        wa, wb = _in_words(a, shingle_size=n), _in_words(b, shingle_size=n)
        before = overlap(wa, wb, config=config, passages=False)
    else:
        before = now
    return (
        max(now.containment_a, now.containment_b),
        max(before.containment_a, before.containment_b),
        chars,
    )


def evaluate_semeval(path: Path, *, skip_mt: bool = False) -> dict[str, Any]:
    """Per language pair (``lang1-lang2``, and ``all``): pairs, texts read in characters, and Spearman
    between the larger containment and ``overall``, the engine's way (``spearman``) and read in words
    (``spearman_words``); None where undefined. ``skip_mt`` leaves out the pairs flagged ``mt_suspect``."""
    config = CompareConfig()
    rows = read_rows(path, FIELDS, what="a SemEval-2022 Task 8 pairs file")
    groups: dict[str, list[tuple[float, float, float, bool]]] = defaultdict(list)
    skipped = 0
    for r in rows:
        if skip_mt and r.get("mt_suspect"):
            skipped += 1
            continue
        now, before, chars = containments(r["text1"] or "", r["text2"] or "", config=config)
        item = (float(r["overall"]), now, before, chars)
        groups[f"{r['lang1']}-{r['lang2']}"].append(item)
        groups["all"].append(item)

    def row(name: str, items: list[tuple[float, float, float, bool]]) -> dict[str, Any]:
        overall = [i[0] for i in items]
        rho = spearman([i[1] for i in items], overall)
        rho_words = spearman([i[2] for i in items], overall)
        return {
            "languages": name,
            "pairs": len(items),
            "pairs_read_in_characters": sum(1 for i in items if i[3]),
            "spearman": None if rho is None else round(rho, 3),
            "spearman_words": None if rho_words is None else round(rho_words, 3),
            "median_containment": round(float(np.median([i[1] for i in items])), 4),
        }

    names = sorted((k for k in groups if k != "all"), key=lambda k: (-len(groups[k]), k))
    return {
        "file": str(path),
        "pairs": sum(len(groups[k]) for k in names),
        "skipped_mt_suspect": skipped,
        "shingle_size": config.shingle_size,
        "note": (
            "overall: 1 = very similar .. 4 = very dissimilar, so shared text goes with a negative "
            "correlation; the task rates same-story similarity, not text reuse"
        ),
        "by_languages": [row(k, groups[k]) for k in names] + ([row("all", groups["all"])] if names else []),
    }
