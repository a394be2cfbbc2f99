"""Word diffs between two aligned sentences, with offsets into each side's original text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel

from copydesk.model import WordOp

I64 = npt.NDArray[np.int64]


def _span(starts: I64, ends: I64, i1: int, i2: int, anchor: int) -> tuple[int, int]:
    if i2 > i1:
        return int(starts[i1]), int(ends[i2 - 1])
    if i1 > 0:
        x = int(ends[i1 - 1])
    elif len(starts):
        x = int(starts[0])
    else:
        x = anchor
    return x, x


def word_diff(
    a_words: Sequence[str],
    a_starts: I64,
    a_ends: I64,
    a_text: str,
    b_words: Sequence[str],
    b_starts: I64,
    b_ends: I64,
    b_text: str,
) -> tuple[WordOp, ...]:
    """The steps that turn side a's words into side b's: ``equal``, ``replace``, ``delete``, ``insert``.

    Words are compared folded; each step carries the original text of its words on both sides (with
    whatever punctuation lies between them) and their ``[start, end)`` offsets.
    """
    raw = [
        (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Indel.opcodes(a_words, b_words)
    ]
    merged: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in raw:
        if (
            merged
            and tag != "equal"
            and merged[-1][0] in ("delete", "insert", "replace")
            and merged[-1][0] != tag
        ):
            _, pi1, _, pj1, _ = merged[-1]
            merged[-1] = ("replace", pi1, i2, pj1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    ops: list[WordOp] = []
    a_anchor = int(a_starts[0]) if len(a_starts) else 0
    b_anchor = int(b_starts[0]) if len(b_starts) else 0
    for tag, i1, i2, j1, j2 in merged:
        a0, a1 = _span(a_starts, a_ends, i1, i2, a_anchor)
        b0, b1 = _span(b_starts, b_ends, j1, j2, b_anchor)
        ops.append(WordOp(tag, a0, a1, b0, b1, a_text[a0:a1], b_text[b0:b1]))  # type: ignore[arg-type]
    return tuple(ops)
