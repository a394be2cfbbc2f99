"""Word-level reuse: which words of one side come from the other, below the sentence.

Sentence alignment (`copydesk.align.sentence`) pairs whole sentences; a copy also takes a clause, a quote or
a phrase out of a source sentence and builds a sentence of its own around it. `reused_words` marks, per body
word of one side, whether it comes from the other side:

- every word of a body sentence paired with a counterpart (a sentence kept, edited or rewritten is reused
  as a whole, the words a paper slipped into it included);
- every word of a run of shared shingles holding at least two content words (`content_words`): the
  minimum `copydesk.align.sentence.align` asks of two sentences before it compares them at all. A shared
  run with fewer ("one of the", "in the city") is a stock phrase any writer uses, not evidence of reuse;
  it still counts in the containment figures, which measure shared text, not reuse;
- every word of a clause of an unpaired body sentence that pairs with a clause of the other side by the
  very rule that pairs sentences (`copydesk.align.sentence.pair_label`, at the same settings), with at
  least two content words in common. No threshold of its own: a clause is judged as a short sentence.

A clause is a stretch of a sentence between clause marks in the original text: commas, semicolons, colons,
brackets, quotation marks (so that quoted speech is a clause of its own), dashes set off by spaces, and
sentence marks. These mark clauses in most languages written with Latin, Cyrillic, Greek, Arabic and CJK
punctuation alike; conjunctions are not used, being words of one language. A comma or a point between two
digits ("40,000", "3.5") is part of a number, and a hyphen inside a word ("father-of-four") joins it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from copydesk.align.sentence import content_words, pair_label
from copydesk.text.analysis import Analysis

# Marks that end a clause, beside every opening and closing bracket or quotation mark (Unicode categories
# Ps, Pe, Pi, Pf). ASCII quotes are "other punctuation" in Unicode, so they are listed; so are the
# backtick pair (``) some wire services print for an opening quote and the underscore PA prints for a dash.
_CLAUSE_MARKS = frozenset(",;:!?.\u2026\"'`_\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u061b\u060c\u061f")
_BRACKETS = frozenset(("Ps", "Pe", "Pi", "Pf"))


def _breaks(gap: str, before: str, after: str) -> bool:
    """Whether the text ``gap`` between two words (``before`` and ``after``, folded) ends a clause."""
    dashes = 0
    for ch in gap:
        if ch in _CLAUSE_MARKS:
            if ch in ",." and len(gap) == 1 and before[-1:].isdigit() and after[:1].isdigit():
                continue  # 40,000 or 3.5: one number
            return True
        cat = unicodedata.category(ch)
        if cat in _BRACKETS:
            return True
        if cat == "Pd":
            dashes += 1
    # a dash ends a clause when set off by spaces ("he said - and left") or doubled ("--"); a hyphen
    # between letters joins a word
    return dashes > 1 or (dashes == 1 and any(ch.isspace() for ch in gap))


def clauses(
    words: Sequence[str],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    text: str,
) -> list[tuple[int, int]]:
    """The clauses of one sentence as half-open ranges ``[i, j)`` of its word numbers, in order.

    words: the sentence's folded words; starts, ends: their ``[start, end)`` offsets into ``text``, the
    original text, whose characters between the words decide where a clause ends (see the module).
    """
    cuts = [0]
    for k in range(1, len(words)):
        if _breaks(text[int(ends[k - 1]) : int(starts[k])], words[k - 1], words[k]):
            cuts.append(k)
    cuts.append(len(words))
    return [(i, j) for i, j in pairwise(cuts) if j > i]


def _runs(covered: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j)`` of True. A run goes on across a sentence end: papers join and split the
    wire's sentences, and the words after the end are still the same words in the same order."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def reused_words(
    side: Analysis,
    other: Analysis,
    covered: npt.NDArray[np.bool_],
    paired: set[int] | frozenset[int],
    *,
    edited_similarity: float = 0.5,
    rewritten_similarity: float = 0.4,
    min_shared_content: int = 3,
) -> npt.NDArray[np.bool_]:
    """Per body word of ``side``, whether it comes from ``other`` (see the module for the three rules).

    covered: per body word of ``side``, whether it lies in a shingle ``other`` also has; paired: the
    numbers (in ``side.sentences``) of the sentences paired with a sentence of ``other``. The settings are
    those of the sentence alignment (`copydesk.config.CompareConfig`).
    """
    reused = np.zeros(len(side.body_words), dtype=bool)
    for i, j in _runs(covered):
        if len(content_words(side.body_words[i:j])) >= 2:
            reused[i:j] = True

    # the other side's clauses, indexed by content word
    theirs: list[tuple[Sequence[str], set[str]]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for s in other.sentences:
        if s.boilerplate is not None:
            continue
        for i, j in clauses(s.words, s.starts, s.ends, other.text):
            words = s.words[i:j]
            content = content_words(words)
            for w in content:
                postings[w].append(len(theirs))
            theirs.append((words, content))

    at = 0  # the number of the sentence's first word among the body words
    for k, s in enumerate(side.sentences):
        if s.boilerplate is not None:
            continue
        first, at = at, at + len(s.words)
        if k in paired:
            reused[first:at] = True
            continue
        for i, j in clauses(s.words, s.starts, s.ends, side.text):
            if reused[first + i : first + j].all():
                continue
            words = s.words[i:j]
            content = content_words(words)
            shared = Counter(c for w in content for c in postings.get(w, ()))
            for c, n_shared in shared.items():
                if n_shared < 2:
                    continue
                their_words, their_content = theirs[c]
                label, _ = pair_label(
                    words,
                    their_words,
                    n_shared,
                    2 * n_shared / (len(content) + len(their_content)),
                    edited_similarity=edited_similarity,
                    rewritten_similarity=rewritten_similarity,
                    min_shared_content=min_shared_content,
                )
                if label is not None:
                    reused[first + i : first + j] = True
                    break
    return reused
