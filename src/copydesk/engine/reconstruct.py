"""The hidden source of a story, rebuilt from its copies, and what each copy did to it.

When copies share a parent that is not in the corpus (a wire story the corpus never saw), the closest thing
to it the corpus holds is the union of the copies' body sentences, in the order the copies agree on. Each
rebuilt sentence keeps the copies that carry it and how (verbatim, edited, rewritten, with the word diff and
offsets into each copy's original text), and each copy gets its edit script against the rebuild: which
sentences it kept as they are, edited, moved, cut from its end or left out.

The merge, deterministic and general (nothing in it knows a language, an agency or a country):

1. The copies are taken most body words first (the copy that cut least), then by id. The first copy's body
   sentences, in its reading order, are the first rebuild.
2. Each next copy is aligned (`copydesk.align.sentence.align`, the same pairing `compare` uses) with every
   copy merged before it. A pair puts the copy's sentence on the rebuilt sentence its partner carries; the
   candidates are taken most alike first (then the earlier partner, then reading order), each sentence and
   each rebuilt sentence once.
3. A sentence of the copy that found no place is new: it goes right after the copy's sentence before it
   (a copy's own text follows what it follows in that copy); a run before the copy's first placed sentence
   goes right before that one; a copy that placed nothing goes at the end.
4. The reading of a rebuilt sentence is the wording most of its copies share word for word after folding.
   When no wording is shared by more copies than every other (two copies that word it differently), the
   reading is not decided: it is shown as the earliest copy in merge order words it, and every copy's
   rendering is a ``variant``, since nothing tells which copy kept the source's words. A copy's sentence
   off the longest run that keeps the rebuild's order is ``moved``.

Boilerplate (captions, credits, footers) is left out of the rebuild. A sentence no copy kept cannot be in
it, so the rebuild is a lower bound of the original: news is cut from the end, and the end most copies cut
may be lost to all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from copydesk.align.diff import word_diff
from copydesk.align.sentence import Unit, align
from copydesk.config import CompareConfig
from copydesk.errors import ConfigError
from copydesk.model import (
    Article,
    Carried,
    CopyOp,
    CopyScript,
    Reconstruction,
    SourceSentence,
    Witness,
    WordOp,
)
from copydesk.text.analysis import SentenceInfo, analyze

MAX_COPIES = 12
"""Copies merged at most (the first ones given): the merge aligns each pair of them once."""


@dataclass(frozen=True, slots=True)
class _Copy:
    article: Article
    id: str
    sentences: list[SentenceInfo]  # body sentences with words, in reading order


def _carried(words_a: Sequence[str], words_b: Sequence[str], cfg: CompareConfig) -> tuple[Carried, float]:
    """How a copy's sentence renders the reading, with align's thresholds (`copydesk.align.sentence`)."""
    if list(words_a) == list(words_b):
        return "verbatim", 1.0
    similarity = Indel.normalized_similarity(words_a, words_b)
    lcs = similarity * (len(words_a) + len(words_b)) / 2
    if similarity >= cfg.edited_similarity or (lcs >= 6 and lcs >= 0.8 * min(len(words_a), len(words_b))):
        return "edited", similarity
    return "rewritten", similarity


def _in_order(positions: Sequence[int]) -> set[int]:
    """Indices of one longest strictly increasing run of ``positions`` (the earliest such run)."""
    n = len(positions)
    best = [1] * n
    back = [-1] * n
    for i in range(n):
        for k in range(i):
            if positions[k] < positions[i] and best[k] + 1 > best[i]:
                best[i], back[i] = best[k] + 1, k
    if not n:
        return set()
    i = max(range(n), key=lambda k: (best[k], -k))
    keep: set[int] = set()
    while i >= 0:
        keep.add(i)
        i = back[i]
    return keep


def _merge(copies: Sequence[_Copy], cfg: CompareConfig) -> list[dict[int, int]]:
    """The rebuilt sentences in order, each as {copy number: its sentence number} (steps 1 to 3 above)."""
    units = [[Unit(s.words) for s in c.sentences] for c in copies]
    order: list[dict[int, int]] = [{0: j} for j in range(len(copies[0].sentences))] if copies else []
    for c in range(1, len(copies)):
        slot_of = {(p, j): k for k, slot in enumerate(order) for p, j in slot.items()}
        candidates: list[tuple[float, int, int, int]] = []
        for p in range(c):
            for pair in align(
                units[c],
                units[p],
                edited_similarity=cfg.edited_similarity,
                rewritten_similarity=cfg.rewritten_similarity,
            ):
                candidates.append((-max(pair.similarity, pair.overlap), p, pair.a, slot_of[(p, pair.b)]))
        placed: dict[int, dict[int, int]] = {}
        taken: set[int] = set()
        for _, _, j, k in sorted(candidates):
            if j in placed or k in taken:
                continue
            placed[j] = order[k]
            taken.add(k)
        for j, slot in placed.items():
            slot[c] = j
        lead: list[dict[int, int]] = []
        before: dict[int, int] | None = None
        for j in range(len(copies[c].sentences)):
            if j in placed:
                if lead:
                    at = next(k for k, s in enumerate(order) if s is placed[j])
                    order[at:at] = lead
                    lead = []
                before = placed[j]
                continue
            new = {c: j}
            if before is None:
                lead.append(new)
            else:
                at = next(k for k, s in enumerate(order) if s is before)
                order.insert(at + 1, new)
                before = new
        order += lead  # a copy that placed nothing
    return order


def reconstruct(
    articles: Sequence[Article],
    *,
    config: CompareConfig | None = None,
    max_copies: int = MAX_COPIES,
    left_out: Sequence[str] = (),
) -> Reconstruction:
    """Rebuild the source the copies ``articles`` share (at least one; the first ``max_copies`` are merged,
    the others listed as left out, after the ids given in ``left_out``). Every article needs a distinct id.
    Offsets point into each copy's original ``text``. See the module's docstring for the merge."""
    if max_copies < 1:
        raise ConfigError(f"max_copies must be at least 1, got {max_copies!r}")
    ids = [a.id for a in articles]
    if any(i is None for i in ids) or len(set(ids)) != len(ids):
        raise ConfigError(f"reconstruct needs articles with distinct ids, got {ids!r}")
    cfg = config or CompareConfig()
    used, over = list(articles[:max_copies]), [a.id or "" for a in articles[max_copies:]]
    copies = []
    for a in used:
        analysis = analyze(a.text, start=a.body_start)
        body = [s for s in analysis.sentences if s.boilerplate is None and s.words]
        copies.append(_Copy(a, a.id or "", body))
    copies.sort(key=lambda c: (-sum(len(s.words) for s in c.sentences), c.id))
    order = _merge(copies, cfg)

    # the reading: the wording most witnesses share (dict order keeps the earliest copy first on ties)
    readings: list[tuple[int, SentenceInfo, bool]] = []
    for slot in order:
        groups: dict[tuple[str, ...], list[int]] = {}
        for c in sorted(slot):
            groups.setdefault(tuple(copies[c].sentences[slot[c]].words), []).append(c)
        top = max(groups.values(), key=len)
        decided = sum(len(g) == len(top) for g in groups.values()) == 1
        readings.append((top[0], copies[top[0]].sentences[slot[top[0]]], decided))

    moved: set[tuple[int, int]] = set()
    for c in range(len(copies)):
        mine = sorted((j, k) for k, slot in enumerate(order) if (j := slot.get(c)) is not None)
        keep = _in_order([k for _, k in mine])
        moved.update((c, j) for n, (j, _) in enumerate(mine) if n not in keep)

    sentences: list[SourceSentence] = []
    for slot, (rc, reading, decided) in zip(order, readings, strict=True):
        rtext = copies[rc].article.text
        witnesses = []
        for c in sorted(slot):
            s, text = copies[c].sentences[slot[c]], copies[c].article.text
            how, similarity = _carried(reading.words, s.words, cfg)
            how = how if decided else "variant"
            diff: tuple[WordOp, ...] = ()
            if similarity < 1.0:
                diff = word_diff(
                    reading.words, reading.starts, reading.ends, rtext, s.words, s.starts, s.ends, text
                )
            witnesses.append(
                Witness(
                    copies[c].id,
                    s.start,
                    s.end,
                    text[s.start : s.end],
                    how,
                    similarity,
                    (c, slot[c]) in moved,
                    diff,
                )
            )
        sentences.append(
            SourceSentence(
                rtext[reading.start : reading.end],
                copies[rc].id,
                reading.start,
                reading.end,
                tuple(witnesses),
                decided,
            )
        )

    scripts = []
    for c, copy in enumerate(copies):
        last = max((k for k, slot in enumerate(order) if c in slot), default=-1)
        ops: list[CopyOp] = []
        for k, (slot, rebuilt) in enumerate(zip(order, sentences, strict=True)):
            if c not in slot:
                ops.append("cut" if k > last else "left_out")
                continue
            w = next(w for w in rebuilt.witnesses if w.copy == copy.id)
            ops.append("moved" if w.moved else "only_here" if len(slot) == 1 else w.how)
        scripts.append(CopyScript(copy.id, tuple(ops)))
    return Reconstruction(tuple(c.id for c in copies), (*left_out, *over), tuple(sentences), tuple(scripts))
