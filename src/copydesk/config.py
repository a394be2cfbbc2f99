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

    shingle_size: words per shingle (n-gram) for Jaccard and containment, >= 1; a text read in characters
        (Chinese, Japanese, Thai) has ``2 * shingle_size - 1`` characters per shingle instead.
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


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Settings of the corpus index (`copydesk add` / `find`). Changing them needs a new index file.

    shingle_size: words per shingle for the index's fingerprints (longer than `compare`'s, so that common
        phrases do not make candidates), in [1, 64]; ``2 * shingle_size - 1`` characters for a text read in
        characters (Chinese, Japanese, Thai).
    num_perm: MinHash permutations per article signature (a multiple of ``bands``), in [1, 8192].
    bands: LSH bands; two articles become candidates when one band of their signatures is equal. With
        ``num_perm / bands`` rows per band, the Jaccard at which half the pairs are found is about
        ``(1 / bands) ** (bands / num_perm)``.
    winnow_window: window of the winnowing over shingle hashes: any run of shared text of at least
        ``winnow_window + shingle_size - 1`` words shares at least one passage fingerprint.
    min_shared_fingerprints: passage fingerprints two articles must share to be verified as candidates.
    max_postings: a fingerprint found in more articles than this is too common to propose candidates
        (boilerplate, stock phrases); it is still stored.
    seed: seed of the MinHash permutations (the index stores it and refuses another).
    """

    shingle_size: int = 5
    num_perm: int = 128
    bands: int = 32
    winnow_window: int = 8
    min_shared_fingerprints: int = 2
    max_postings: int = 1000
    seed: int = 1

    def __post_init__(self) -> None:
        # Upper bounds far above any useful value, so that settings read from an index file (input like any
        # other) cannot ask for a huge allocation: num_perm=3.2e9 would be a 48 GiB permutation table.
        for name, high in (
            ("shingle_size", 64),
            ("num_perm", 8192),
            ("bands", 8192),
            ("winnow_window", 4096),
            ("min_shared_fingerprints", 1_000_000),
            ("max_postings", 2**40),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise ConfigError(f"{name} must be an integer in [1, {high:,}], got {value!r}")
        if self.num_perm % self.bands:
            raise ConfigError(f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**64:
            raise ConfigError(f"seed must be an integer in [0, 2**64), got {self.seed!r}")


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Settings of `copydesk stories`.

    uncredited_containment: a copy that does not credit its source is flagged uncredited when at least this
        share of its body words, in [0, 1], is found in its parent.
    min_shared_shingles: pairs of articles of one two-month window sharing at least this many rare 3-word
        shingles are verified too, >= 1 (see `copydesk.engine.stages.candidates`).
    max_shingle_df: a shingle held by more articles of the window than this is not rare (not counted), >= 2.
    bridge_words, bridge_containment: a link groups two articles into one story whatever else they are
        linked to when it carries real shared text: at least ``bridge_words`` shared words (>= 1, about
        two sentences), or at least ``bridge_containment`` (in [0, 1]) of the smaller side's words. A
        thinner link only brings an article that has no such link into the story it shares most with, and
        never joins two stories (see `copydesk.engine.stages.story.grouping`).
    """

    uncredited_containment: float = 0.5
    min_shared_shingles: int = 5
    max_shingle_df: int = 20
    bridge_words: int = 40
    bridge_containment: float = 0.5

    def __post_init__(self) -> None:
        _unit("uncredited_containment", self.uncredited_containment)
        _unit("bridge_containment", self.bridge_containment)
        for name, low in (
            ("min_shared_shingles", 1),
            ("max_shingle_df", 2),
            ("bridge_words", 1),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")
