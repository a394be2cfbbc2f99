"""Records that flow through the pipeline: articles in, comparisons out.

Every span is a half-open pair of character offsets ``[start, end)`` into the ORIGINAL text of its article
(``Article.text``, exactly as read, header line included). Every score is a float in [0, 1].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from copydesk.errors import ConfigError

Side = Literal["a", "b"]
Verdict = Literal["a_from_b", "b_from_a", "common_source", "unrelated"]
Label = Literal[
    "verbatim",
    "edited",
    "rewritten",
    "moved",
    "added",
    "dropped",
    "cut_by_other",
    "added_or_cut",
    "boilerplate",
]

VERDICTS: tuple[Verdict, ...] = ("a_from_b", "b_from_a", "common_source", "unrelated")
LABELS: tuple[Label, ...] = (
    "verbatim", "edited", "rewritten", "moved", "added", "dropped", "cut_by_other", "added_or_cut", "boilerplate"
)  # fmt: skip
"""Sentence labels. ``added`` and ``dropped`` belong to a directed verdict (one side is the source);
``cut_by_other`` and ``added_or_cut`` to ``common_source``, where the parent of both sides is missing: a
sentence only one side has after the last sentence both share, while the other side stops there, is most
likely source text the other side cut from its end (news is cut from the bottom); any other sentence only one
side has is ``added_or_cut``: added by this side, or source text the other side left out, undecided."""
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an article was read: the file (as reached from the paths given, ``<stdin>`` for standard
    input) and the 1-based line (JSONL, CSV) or row (Parquet); line is None for a whole file (text, HTML)
    and for WARC records."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Article:
    """One published text.

    text: the original text as read; spans point into it.
    body_start: offset where the body begins (after a header line such as `` date 2024-11-08 <title>``).
    date: publication date, if known.
    meta: free metadata (strings, numbers), kept as given.
    origin: where the readers found it, for messages; not stored, not compared.
    """

    text: str
    id: str | None = None
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    body_start: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ConfigError(f"Article.text must be a str, got {type(self.text).__name__}")
        if not 0 <= self.body_start <= len(self.text):
            raise ConfigError(f"body_start must be in [0, {len(self.text)}], got {self.body_start!r}")

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True, slots=True)
class WordOp:
    """One step of a word diff between two aligned sentences.

    op: ``equal``, ``replace``, ``delete`` (words only on side a) or ``insert`` (words only on side b).
    Offsets point into each side's original text; an empty range ``[x, x)`` where a side has no words.
    """

    op: Literal["equal", "replace", "delete", "insert"]
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "a_text": self.a_text,
            "b_text": self.b_text,
        }


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one side of a comparison, with its label and its counterpart on the other side.

    counterpart: index into ``Comparison.sentences`` of the paired sentence, or None.
    similarity: word-sequence similarity with the counterpart in [0, 1], None when unpaired.
    diff: word diff with the counterpart (from side a's words to side b's) for every pair whose words
        differ (``edited``, ``rewritten``, ``moved``); empty for verbatim and unpaired sentences. The same
        diff is on both sentences of the pair.
    boilerplate: what kind of boilerplate (``caption``, ``credit``, ``footer``, ``dateline``), or None.
    reason: why an unpaired sentence has its label under a common source (``cut_by_other``,
        ``added_or_cut``): one sentence; None otherwise.
    """

    side: Side
    start: int
    end: int
    text: str
    label: Label
    counterpart: int | None = None
    similarity: float | None = None
    diff: tuple[WordOp, ...] = ()
    boilerplate: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "counterpart": self.counterpart,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "diff": [op.to_dict() for op in self.diff],
            "boilerplate": self.boilerplate,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Credit:
    """What an article says of its origin, or a line that is not the story's body.

    kind: ``dateline`` ("KYIV (AFP) --": whose copy this is), ``agency`` (a wire credit such as "(AP) --",
        "AFP journalists" or "told Reuters"), ``photo`` ("Photo: AFP"),
        ``contributed`` ("Reuters contributed"), ``footer`` ("originally published by ..."), ``caption``
        (a photo caption spliced into the text), ``byline`` ("By Stephen Howard, PA News").
    name: who is credited (``AFP``, ``www.dailymail.co.uk``), or None for captions.
    """

    side: Side
    kind: str
    name: str | None
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "kind": self.kind,
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of shared text: ``[a_start, a_end)`` in side a and ``[b_start, b_end)`` in side b.

    words: length of the run in words on side a.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "words": self.words,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason behind a verdict: which verdict it favours, how strongly (weight in [0, 1]) and why."""

    kind: str
    favours: Verdict
    weight: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "favours": self.favours,
            "weight": round(self.weight, 4),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What a comparison says of each side: where it came from and how long its body is."""

    id: str | None
    title: str | None
    date: dt.date | None
    outlet: str | None
    url: str | None
    chars: int
    words: int
    body_start: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": None if self.date is None else self.date.isoformat(),
            "outlet": self.outlet,
            "url": self.url,
            "chars": self.chars,
            "words": self.words,
            "body_start": self.body_start,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """The full reuse report for two articles; ``to_dict`` gives the documented JSON (schema version 1).

    jaccard: shared shingles over all shingles of the two bodies, in [0, 1].
    containment_a_in_b: share of side a's body words that lie in shingles also found in side b, in [0, 1].
    containment_b_in_a: the same for side b.
    shingle_size: words per shingle of the figures: the configured size, or its character width
        (`copydesk.sketch.shingle.shingle_width`) when both texts are read in characters.
    shared_a, shared_b: the ``[start, end)`` spans of each side's words that lie in shared shingles (the words
        counted by the containment figures), merged where consecutive.
    reused_a, reused_b: the ``[start, end)`` spans of each side's words that come from the other side, merged
        where consecutive: words of paired sentences, of shared runs holding two content words or more, and
        of clauses that pair with a clause of the other side (`copydesk.align.clauses`).
    confidence: how sure the verdict is, in [0, 1].
    """

    verdict: Verdict
    confidence: float
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shingle_size: int
    a: ArticleSummary
    b: ArticleSummary
    a_text: str
    b_text: str
    passages: tuple[Passage, ...]
    shared_a: tuple[tuple[int, int], ...]
    shared_b: tuple[tuple[int, int], ...]
    sentences: tuple[Sentence, ...]
    credits: tuple[Credit, ...]
    evidence: tuple[Evidence, ...]
    reused_a: tuple[tuple[int, int], ...] = ()
    reused_b: tuple[tuple[int, int], ...] = ()

    @property
    def related(self) -> bool:
        return self.verdict != "unrelated"

    def side_sentences(self, side: Side) -> list[Sentence]:
        return [s for s in self.sentences if s.side == side]

    def reused_spans(self, side: Side) -> list[tuple[int, int]]:
        """The merged ``[start, end)`` spans of ``side`` whose words come from the other side
        (``reused_a`` or ``reused_b``)."""
        return list(self.reused_a if side == "a" else self.reused_b)

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, dict[str, int]] = {"a": dict.fromkeys(LABELS, 0), "b": dict.fromkeys(LABELS, 0)}
        for s in self.sentences:
            counts[s.side][s.label] += 1
        return {
            "schema_version": SCHEMA_VERSION,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 4),
            "jaccard": round(self.jaccard, 4),
            "containment_a_in_b": round(self.containment_a_in_b, 4),
            "containment_b_in_a": round(self.containment_b_in_a, 4),
            "shingle_size": self.shingle_size,
            "passage_count": len(self.passages),
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "label_counts": counts,
            "evidence": [e.to_dict() for e in self.evidence],
            "credits": [c.to_dict() for c in self.credits],
            "passages": [p.to_dict() for p in self.passages],
            "shared_a": [list(span) for span in self.shared_a],
            "shared_b": [list(span) for span in self.shared_b],
            "reused_a": [list(span) for span in self.reused_a],
            "reused_b": [list(span) for span in self.reused_b],
            "sentences": [s.to_dict() for s in self.sentences],
        }


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """What the index computes of one article besides its layout (all arrays uint64).

    content_hash: hash of the article's folded words, for "same normalized text" duplicates.
    words: number of body words.
    signature: MinHash signature (``IndexConfig.num_perm`` values); the store keeps only the band keys made
        of it, and gives back an empty one (`copydesk.store.Store.fingerprints`).
    band_keys: one LSH key per band (``IndexConfig.bands`` values).
    passages: winnowed shingle hashes (unique, sorted): the passage fingerprints.
    """

    content_hash: int
    words: int
    signature: npt.NDArray[np.uint64]
    band_keys: npt.NDArray[np.uint64]
    passages: npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class BodyLayout:
    """What verifying an article needs besides its text, kept by the index so that `find` does not analyse
    the text again: which of its words are body words, and its credits.

    skip: half-open ranges ``(lo, hi)`` of word numbers that are not body words (boilerplate sentences, words
        outside any sentence), sorted and disjoint, numbering the words of ``text[body_start:]`` as
        `copydesk.text.tokens.tokenize` lists them; empty when every word is a body word.
    credits: the credits found in the text as ``(kind, name, start, end)``, offsets into ``text``.
    """

    skip: tuple[tuple[int, int], ...] = ()
    credits: tuple[tuple[str, str | None, int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """An article with its fingerprints, as the store writes it.

    layout: its `BodyLayout`, or None when not computed (`find` then analyses the text when verifying it).
    """

    article: Article
    fingerprints: Fingerprints
    layout: BodyLayout | None = None


HIDDEN = "hidden"
Role = Literal["source", "copy", "single", "alias"]


@dataclass(frozen=True, slots=True)
class Link:
    """A verified pair of indexed articles that share reused text (the engine's decision held).

    containment_a / containment_b: share of a's (b's) body words found in the other, in [0, 1].
    shared_words: words in shared shingles (the larger side's count). verdict: how a and b relate
    (``a_from_b``, ``b_from_a`` or ``common_source``), with its confidence in [0, 1] and the evidence.
    """

    a: str
    b: str
    containment_a: float
    containment_b: float
    shared_words: int
    verdict: Verdict
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "containment_a_in_b": round(self.containment_a, 4),
            "containment_b_in_a": round(self.containment_b, 4),
            "shared_words": self.shared_words,
            "verdict": self.verdict,
            "confidence": round(self.confidence, 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class StoryEdge:
    """One edge of a story's provenance graph: ``copy`` derives from ``source``.

    source: an article id, or `HIDDEN` (a parent that is not in the corpus, shared by the copies under it).
    containment: share of the copy's body words found in the source, in [0, 1] (for a hidden source: the
        largest share found in any other member). confidence in [0, 1].
    primary: the copy's parent in the provenance tree; False for a second source of the same copy (an
        article that merges two texts) joining two trees of the story.
    """

    source: str
    copy: str
    confidence: float
    containment: float
    evidence: tuple[Evidence, ...] = ()
    primary: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "copy": self.copy,
            "confidence": round(self.confidence, 4),
            "containment": round(self.containment, 4),
            "primary": self.primary,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One article's place in its story.

    role: ``source`` (the story's root, or another member with no parent whose text a copy merges in),
        ``copy`` (derives from ``parent``), ``single`` (a story of one), ``alias`` (the very text of
        ``parent``, the article stored with it, run under another id: see `copydesk.store.schema`; it has no
        edge, its confidence and containment are 1, and its credits are the text's read with its own names).
    parent: the article it derives from, `HIDDEN`, or None (a source, a single). confidence in [0, 1] (of
        the edge to the parent; 0 without one). containment: share of its body words found in the parent.
    credits: the names it credits (agencies, "originally published by" sites), as written.
    credits_source: it credits its source: the outlet, agency or site of an article above it in the tree, or
        the hidden source's agency (under a hidden source no credit names, any agency).
    uncredited: a copy that does not credit its source, whatever else it credits, and is not its source's
        publisher's own text (same outlet, or the same agency's take), whose containment in its parent
        reaches the threshold (`StoryConfig.uncredited_containment`). The rules:
        `copydesk.provenance.credit`.
    """

    id: str
    role: Role
    parent: str | None
    confidence: float
    containment: float
    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    credits: tuple[str, ...] = ()
    credits_source: bool = False
    uncredited: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "parent": self.parent,
            "confidence": round(self.confidence, 4),
            "containment": round(self.containment, 4),
            "title": self.title,
            "date": None if self.date is None else self.date.isoformat(),
            "outlet": self.outlet,
            "credits": list(self.credits),
            "credits_source": self.credits_source,
            "uncredited": self.uncredited,
        }


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that derive from one text, with their provenance.

    id: stable across incremental updates (a story keeps its id when it grows; a merge keeps the older one).
    root: the source article, or None with ``hidden_source`` when the members share a parent not in the corpus.
    members: every article of the story, the root first, then by date and id. edges: the provenance tree,
        one edge per member that has a parent. merged: ids of stories merged into this one.
    hidden_agency: the agency the copies of the hidden source name (their credits, or the agency they are),
        as written; None when they name none, or name two alike, or without a hidden source.
    """

    id: str
    root: str | None
    hidden_source: bool
    members: tuple[StoryMember, ...]
    edges: tuple[StoryEdge, ...]
    merged: tuple[str, ...] = ()
    hidden_agency: str | None = None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def uncredited(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members if m.uncredited)

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({m.outlet for m in self.members if m.outlet}))

    @property
    def span(self) -> tuple[dt.date | None, dt.date | None]:
        dates = [m.date for m in self.members if m.date is not None]
        return (min(dates), max(dates)) if dates else (None, None)

    @property
    def copies(self) -> tuple[StoryMember, ...]:
        """The members with a parent. An alias counts as a copy when the article whose text it runs is one
        (an alias of a source is that source's text under another id)."""
        parent = {m.id: m.parent for m in self.members}
        return tuple(
            m
            for m in self.members
            if m.parent is not None and (m.role != "alias" or parent.get(m.parent) is not None)
        )

    @property
    def uncredited_share(self) -> float:
        """Share of the copies (`copies`) flagged uncredited, in [0, 1]; 0 without copies."""
        copies = self.copies
        return sum(m.uncredited for m in copies) / len(copies) if copies else 0.0

    @property
    def agency_credited(self) -> int:
        """How many copies (`copies`) credit the hidden source's agency; 0 without one."""
        if self.hidden_agency is None:
            return 0
        name = self.hidden_agency.lower()
        return sum(any(c.lower() == name for c in m.credits) for m in self.copies)

    def to_dict(self) -> dict[str, Any]:
        first, last = self.span
        return {
            "id": self.id,
            "size": self.size,
            "root": self.root,
            "hidden_source": self.hidden_source,
            "hidden_agency": self.hidden_agency,
            "hidden_agency_credited": self.agency_credited,
            "members": [m.id for m in self.members],
            "outlets": list(self.outlets),
            "earliest": None if first is None else first.isoformat(),
            "latest": None if last is None else last.isoformat(),
            "edges": [e.to_dict() for e in self.edges],
            "uncredited": list(self.uncredited),
            "uncredited_share": round(self.uncredited_share, 4),
            "merged": list(self.merged),
            "articles": [m.to_dict() for m in self.members],
        }


Carried = Literal["verbatim", "edited", "rewritten", "variant"]
CopyOp = Literal["verbatim", "edited", "rewritten", "variant", "moved", "only_here", "cut", "left_out"]
COPY_OPS: tuple[CopyOp, ...] = (
    "verbatim", "edited", "rewritten", "variant", "moved", "only_here", "cut", "left_out"
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Witness:
    """One copy's sentence that carries a sentence of a reconstructed source.

    copy: the copy's article id; ``[start, end)`` the sentence in the copy's original text. how: against the
    reading (`SourceSentence`): ``verbatim`` (the same words after folding), ``edited`` (mostly the same word
    sequence), ``rewritten`` (the same content words in other wording), or ``variant`` when the reading is
    not decided (``SourceSentence.decided``: no wording is shared by more copies than every other, so which
    copy kept the source's words and which edited them is not known). similarity: word-sequence
    similarity with the reading, in [0, 1]. moved: the sentence breaks the order the copy's other sentences
    keep in the reconstruction. diff: word diff from the reading (side a, offsets into the text of the copy
    the reading is taken from) to this sentence (side b); empty when verbatim.
    """

    copy: str
    start: int
    end: int
    text: str
    how: Carried
    similarity: float
    moved: bool = False
    diff: tuple[WordOp, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "copy": self.copy,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "how": self.how,
            "similarity": round(self.similarity, 4),
            "moved": self.moved,
            "diff": [op.to_dict() for op in self.diff],
        }


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """One sentence of a reconstructed source: its reading and every copy that carries it.

    text: the reading, the wording most of its witnesses share (ties: the earliest copy in merge order), as
    written in copy ``copy`` at ``[start, end)``. witnesses: one per copy that carries it, in merge order.
    decided: one wording is shared by more of its copies than any other (always so with one wording); when
    not, the reading is only the earliest copy's wording and every witness is a ``variant``.
    """

    text: str
    copy: str
    start: int
    end: int
    witnesses: tuple[Witness, ...]
    decided: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "copy": self.copy,
            "start": self.start,
            "end": self.end,
            "carried_by": len(self.witnesses),
            "decided": self.decided,
            "witnesses": [w.to_dict() for w in self.witnesses],
        }


@dataclass(frozen=True, slots=True)
class CopyScript:
    """One copy's edit script against a reconstructed source: one op per source sentence, in order.

    ops: ``verbatim``, ``edited``, ``rewritten``, ``variant`` (it carries the sentence so: `Witness`),
        ``moved`` (it carries it out
    of order), ``only_here`` (no other copy carries it: this copy's addition, or source text the others
    cut), ``cut`` (it lacks the sentence, which comes after the last one it carries: it stops before) or
    ``left_out`` (it lacks the sentence, inside the span it carries).
    """

    copy: str
    ops: tuple[CopyOp, ...]

    def to_dict(self) -> dict[str, Any]:
        counts = dict.fromkeys(COPY_OPS, 0)
        for op in self.ops:
            counts[op] += 1
        return {"copy": self.copy, "ops": list(self.ops), "counts": counts}


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """The hidden source of a story rebuilt from its copies: the union of their body sentences in order.

    The closest thing to the missing original that the corpus holds, never more: a sentence no copy kept is
    not in it, and where copies word a sentence differently the reading is the wording most of them share.
    copies: the copies merged, in merge order (most body words first, then id). left_out: the copies under
    the hidden source that were not merged (over the cap). sentences: in the order of the merge
    (`copydesk.engine.reconstruct`). scripts: each merged copy's edit script against it, in merge order.
    """

    copies: tuple[str, ...]
    left_out: tuple[str, ...]
    sentences: tuple[SourceSentence, ...]
    scripts: tuple[CopyScript, ...]

    def letter(self, copy: str) -> str:
        """The short name the views give ``copy``: A, B, ... in merge order (C27 and on past Z)."""
        k = self.copies.index(copy)
        return chr(ord("A") + k) if k < 26 else f"C{k + 1}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "copies": list(self.copies),
            "copies_left_out": list(self.left_out),
            "sentences": [s.to_dict() for s in self.sentences],
            "scripts": [s.to_dict() for s in self.scripts],
        }
