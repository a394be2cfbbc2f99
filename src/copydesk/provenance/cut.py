"""What a sentence only one side has means when both sides derive from a source that is missing.

Under a directed verdict the answer is plain: the copy's own sentences are additions, the source's are
dropped. Under ``common_source`` it is not: a sentence only side a has may be a's addition, or text of the
missing source that b left out. One rule breaks the tie, and it holds in any country's press: a news story
is written so that it can be cut from the bottom, and copies are cut to length from the end. So:

- ``cut_by_other``: the sentence lies after the last sentence both sides share, and the other side stops
  there (it has no body sentence of its own after its last shared one). The other side's end is a cut, and
  what this side runs on with is most likely the source's text that the other side cut.
- ``added_or_cut``: any other sentence only one side has: inside the span both share (an addition, or
  source text the other dropped from the middle), before the first shared sentence (a new lead, or a lead
  the other cut), or after the last shared one when both sides run on with text of their own (then at most
  one of the two runs can be a cut from the end, and nothing says which).

Boilerplate (captions, credits, footers) is neither: it is set aside before this rule.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

UnsharedLabel = Literal["cut_by_other", "added_or_cut"]


@dataclass(frozen=True, slots=True)
class Unshared:
    """The label of one sentence only one side has, and why (one sentence, for a reader)."""

    label: UnsharedLabel
    reason: str


def _tail(body: Sequence[bool], paired: Collection[int]) -> tuple[int, list[int]]:
    """The index of the side's last paired body sentence (-1 without one), and its unpaired body sentences
    after it."""
    last = max((k for k in paired if body[k]), default=-1)
    return last, [k for k in range(last + 1, len(body)) if body[k] and k not in paired]


def unshared(
    body_a: Sequence[bool],
    body_b: Sequence[bool],
    paired_a: Collection[int],
    paired_b: Collection[int],
) -> tuple[dict[int, Unshared], dict[int, Unshared]]:
    """Label every body sentence only one side has, for two sides that derive from a missing source.

    body_a, body_b: per sentence of each side in reading order, whether it is body text (not boilerplate).
    paired_a, paired_b: the sentences of each side paired with one of the other side. Returns, per side, the
    label and reason of each unpaired body sentence, keyed by its index.
    """
    last_a, tail_a = _tail(body_a, paired_a)
    last_b, tail_b = _tail(body_b, paired_b)
    out: tuple[dict[int, Unshared], dict[int, Unshared]] = ({}, {})
    sides = ((body_a, paired_a, last_a, tail_a, tail_b), (body_b, paired_b, last_b, tail_b, tail_a))
    for found, (body, paired, last, tail, other_tail) in zip(out, sides, strict=True):
        cut = last >= 0 and not other_tail
        first = min((k for k in paired if body[k]), default=-1)
        for k, is_body in enumerate(body):
            if not is_body or k in paired:
                continue
            if cut and k in tail:
                found[k] = Unshared(
                    "cut_by_other",
                    f"after the last sentence both sides share, only this side goes on ({len(tail)} "
                    "sentences) and the other stops there: news is cut from the end, so this is most likely "
                    "text of the missing source that the other side cut",
                )
            elif last < 0:
                found[k] = Unshared(
                    "added_or_cut",
                    "the sides share no whole sentence: added by this side, or source text the other side "
                    "left out; nothing says which",
                )
            elif k > last:
                found[k] = Unshared(
                    "added_or_cut",
                    "after the last sentence both sides share, but both sides go on with text of their own: "
                    "added by this side, or source text the other side cut; nothing says which",
                )
            elif k < first:
                found[k] = Unshared(
                    "added_or_cut",
                    "before the first sentence both sides share: a lead of this side's own, or source text "
                    "the other side left out; nothing says which",
                )
            else:
                found[k] = Unshared(
                    "added_or_cut",
                    "only on this side, within the text both share: added by this side, or source text the "
                    "other side left out; with the source missing, nothing says which",
                )
    return out
