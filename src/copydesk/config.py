"""Validated settings. Every threshold is a float in [0, 1] unless its docstring says otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from copydesk.errors import ConfigError


def _unit(name: str, value: float) -> None:
    if not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise ConfigError(f"{name} must be in [0, 1], got {value!r}")


@dataclass(frozen=True, slots=True)
class CompareConfig:
    """Settings of `compare`.

    shingle_size: words per shingle (n-gram) for Jaccard and containment, >= 1.
    related_containment: the engine's decision: two articles share reused text when at least this share of
        the words of one of them lies in shingles found in the other (and `min_shared_words` are shared).
    min_shared_words: fewest words in shared shingles for a pair to count as related (guards tiny texts).
    edited_similarity: word-sequence similarity (0..1, Indel-normalized) from which an aligned sentence
        pair is `edited` rather than `rewritten`.
    min_passage_words: shortest run of shared words listed as a passage.
    rewritten_similarity: content-word overlap (Dice, 0..1) from which two sentences count as the same
        content in other words (`rewritten`).
    """

    shingle_size: int = 3
    related_containment: float = 0.2
    min_shared_words: int = 12
    edited_similarity: float = 0.5
    rewritten_similarity: float = 0.4
    min_passage_words: int = 5

    def __post_init__(self) -> None:
        if not isinstance(self.shingle_size, int) or not 1 <= self.shingle_size <= 16:
            raise ConfigError(f"shingle_size must be an integer in [1, 16], got {self.shingle_size!r}")
        if not isinstance(self.min_shared_words, int) or self.min_shared_words < 0:
            raise ConfigError(
                f"min_shared_words must be a non-negative integer, got {self.min_shared_words!r}"
            )
        if not isinstance(self.min_passage_words, int) or self.min_passage_words < 1:
            raise ConfigError(f"min_passage_words must be a positive integer, got {self.min_passage_words!r}")
        _unit("related_containment", self.related_containment)
        _unit("edited_similarity", self.edited_similarity)
        _unit("rewritten_similarity", self.rewritten_similarity)
