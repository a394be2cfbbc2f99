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
punctuation alike; conjunctions are not used, being words of one language. A comma, a point or a colon
between two digits ("40,000", "3.5", "10:30") is part of a number or a time, and a hyphen inside a word
("father-of-four") joins it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from copydesk.align.sentence import content_words, pair_label
from copydesk.text.analysis import Analysis


def _category(*names: str) -> str:
    """The characters of the Unicode categories ``names`` in the Basic Multilingual Plane (where every
    script's brackets, quotation marks and dashes are)."""
    return "".join(ch for ch in map(chr, range(0x10000)) if unicodedata.category(ch) in names)


# Marks that end a clause: every opening and closing bracket or quotation mark (Unicode categories Ps, Pe,
# Pi, Pf); ASCII quotes ("other punctuation" in Unicode), the backtick some wire services print for an
# opening quote and the underscore PA prints for a dash; the clause and sentence marks of Latin, CJK and
# Arabic script; a comma, a point or a colon not between two digits; a dash set off by a space or doubled.
# One character class finds the candidates; the few commas, points, colons and dashes are then checked.
_DASHES = frozenset(_category("Pd"))
_MARK = re.compile(
    f"[{re.escape(_category('Ps', 'Pe', 'Pi', 'Pf', 'Pd'))}\"'`_;!?,.:\u2026\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f"
    f"\u060c\u061b\u061f]"
)


def _is_mark(text: str, at: int) -> bool:
    """Whether the candidate at ``text[at]`` ends a clause (see `_MARK`)."""
    ch = text[at]
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if ch in ",.:":
        return not (before.isdigit() and after.isdigit())
    if ch in _DASHES:
        return before.isspace() or after.isspace() or before in _DASHES or after in _DASHES
    return True


def clause_marks(text: str) -> npt.NDArray[np.int64]:
    """Sorted offsets into ``text`` of the marks that end a clause (see the module)."""
    return np.fromiter((m.start() for m in _MARK.finditer(text) if _is_mark(text, m.start())), dtype=np.int64)


def _cuts(
    starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64], marks: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Per word after the first, whether a clause mark lies between the end of the word before it and
    its start."""
    return np.asarray(np.searchsorted(marks, starts[1:]) > np.searchsorted(marks, ends[:-1]))


def clauses(
    words: Sequence[str],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    text: str,
) -> list[tuple[int, int]]:
    """The clauses of one sentence as half-open ranges ``[i, j)`` of its word numbers, in order.

    words: the sentence's words; starts, ends: their ``[start, end)`` offsets into ``text``, the original
    text, whose characters between the words decide where a clause ends (see the module).
    """
    if not len(words):
        return []
    cut = _cuts(starts, ends, clause_marks(text))
    bounds = [0, *(np.flatnonzero(cut) + 1).tolist(), len(words)]
    return list(pairwise(bounds))


@dataclass(frozen=True, slots=True)
class ClauseTable:
    """The clauses of a text's body sentences, found once for all the comparisons it takes part in.

    sentence: per clause, its sentence's number in ``Analysis.sentences``; start, end: its half-open range
    of body word numbers (``Analysis.body_words``); content: its content words (`content_words`).
    body_words: the text's body words; vocabulary: their content words, None for a text read in characters
    (where a content word can be two neighbouring words).
    """

    sentence: list[int]
    start: list[int]
    end: list[int]
    content: list[set[str]]
    body_words: Sequence[str]
    vocabulary: set[str] | None = None


def clause_table(analysis: Analysis) -> ClauseTable:
    """The clauses of every body sentence of ``analysis`` (boilerplate left out), in reading order."""
    words = analysis.body_words
    n = len(words)
    lengths = [len(s.words) for s in analysis.sentences if s.boilerplate is None]
    numbers = [k for k, s in enumerate(analysis.sentences) if s.boilerplate is None]
    cut = np.zeros(n + 1, dtype=bool)
    if n:
        cut[1:n] = _cuts(analysis.body_starts, analysis.body_ends, clause_marks(analysis.text))
    firsts = np.cumsum([0, *lengths])
    cut[firsts] = True  # a sentence starts a clause
    bounds = np.flatnonzero(cut).tolist()
    sentence_of = np.repeat(np.asarray(numbers, dtype=np.int64), lengths)
    # A text read in words: a clause's content words are its words among the text's content words (found
    # once). Read in characters, neighbouring characters count too, so each clause is read on its own.
    vocabulary = None if analysis.chars else content_words(words)
    table = ClauseTable([], [], [], [], words, vocabulary)
    for i, j in pairwise(bounds):
        table.sentence.append(int(sentence_of[i]))
        table.start.append(i)
        table.end.append(j)
        part = words[i:j]
        table.content.append(content_words(part) if vocabulary is None else vocabulary.intersection(part))
    return table


def _runs(covered: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j)`` of True. A run goes on across a sentence end: papers join and split the
    wire's sentences, and the words after the end are still the same words in the same order."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def reused_words(
    side: ClauseTable,
    other: ClauseTable,
    covered: npt.NDArray[np.bool_],
    paired: set[int] | frozenset[int],
    *,
    edited_similarity: float = 0.5,
    rewritten_similarity: float = 0.4,
    min_shared_content: int = 3,
) -> npt.NDArray[np.bool_]:
    """Per body word of one text, whether it comes from the other (see the module for the three rules).

    side, other: the `clause_table` of each text. covered: per body word of ``side``, whether it lies in a
    shingle the other text also has; paired: the numbers (in ``Analysis.sentences``) of ``side``'s
    sentences paired with a sentence of the other. The settings are those of the sentence alignment
    (`copydesk.config.CompareConfig`).
    """
    words = side.body_words
    reused = np.zeros(len(words), dtype=bool)
    vocabulary = side.vocabulary
    for i, j in _runs(covered):
        run = words[i:j]
        if len(content_words(run) if vocabulary is None else vocabulary.intersection(run)) >= 2:
            reused[i:j] = True
    for k, i, j in zip(side.sentence, side.start, side.end, strict=True):
        if k in paired:
            reused[i:j] = True

    postings: dict[str, list[int]] = defaultdict(list)
    for c, content in enumerate(other.content):
        for w in content:
            postings[w].append(c)
    for k, i, j, content in zip(side.sentence, side.start, side.end, side.content, strict=True):
        if k in paired or len(content) < 2 or reused[i:j].all():
            continue
        shared = Counter(c for w in content for c in postings.get(w, ()))
        for c, n_shared in shared.items():
            if n_shared < 2:
                continue
            label, _ = pair_label(
                words[i:j],
                other.body_words[other.start[c] : other.end[c]],
                n_shared,
                2 * n_shared / (len(content) + len(other.content[c])),
                edited_similarity=edited_similarity,
                rewritten_similarity=rewritten_similarity,
                min_shared_content=min_shared_content,
            )
            if label is not None:
                reused[i:j] = True
                break
    return reused
