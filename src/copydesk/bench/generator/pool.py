"""Reuters-21578 as a pool of wire originals for the generated benchmark corpora.

Input format (see ``../shared/data/reuters21578/README.md``): gzip (or plain) JSONL, one object per line,
``{"id": str, "date": str, "title": str, "text": str}``; ``text`` is the SGML body with its line wrapping,
paragraphs indented with spaces, and most bodies ending with a ``Reuter`` signature line.

What the pool does to it:

- Bodies are reflowed: wrapped lines joined, one string per paragraph, the trailing ``Reuter`` signature
  dropped (it is in every story and would be a shared token everywhere).
- Identical bodies (after whitespace normalisation; 279 groups in Reuters) are kept once, the first by id.
- Bodies under ``min_words`` (40) words are left out: dividend notices and results tables of a line or two
  are templates, not stories; two of them share most of their 3-word shingles without any reuse, and a
  long article containing their stock phrases passes any containment rule against them.
- Reuters itself holds reuse (updates repeat paragraphs, two stories on one event share names and
  phrases), and labels must not call such pairs unrelated. Two documents are *related* when they share
  8-word runs covering at least ``min_run_words`` (12) words of each, or when their 3-word shingle sets
  overlap by ``min_containment`` (0.15) of the smaller set with ``min_shared`` (8) shingles shared. That is
  a margin under the benchmark's verification rule (0.2 and 10), so that an edit which shortens a copy
  does not lift a pair of stories just under the rule over it. The pool keeps a greedy independent set of
  that relation in id order, so no two kept documents are related: whatever reuse the corpus holds is the
  generator's own, and labelled.
- The kept documents are split (by seed) into *bases* (wire originals of the corpus) and two held-out
  parts that never enter the corpus as themselves: *filler* (sentences for the unrelated text around
  excerpts) and *near* (sentences for near-misses). Both held-out parts are disjoint from the bases and
  from each other.
- With ``join`` K > 1 (the long-article corpus), each base is K of those bases joined in one document,
  paragraphs in order, under the first one's title and the latest one's date, its ``rid`` their ids joined
  by ``+``; a remainder of fewer than K is left out. The joined documents share no text with each other
  (their parts are an independent set), so the labels stay exact; there are K times fewer of them, so a
  corpus reissues them sooner.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from copydesk.errors import ConfigError, MissingDependency

_WORD = re.compile(r"\w+")
_PARA_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]+\S)")
_SIGNATURE = re.compile(r"^reuters?$", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?][\"')]*\s+")
_ABBREV = frozenset(
    "mr mrs ms dr st co corp inc ltd plc jan feb mar apr jun jul aug sep sept oct nov dec no vs jr sr "
    "gov sen rep gen lt col mt ft bros dept cos".split()
)
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
_DATE = re.compile(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})\s+(\d{1,3}):(\d{2}):(\d{2})")


@dataclass(frozen=True, slots=True)
class Doc:
    """One reflowed Reuters story: ``paragraphs`` holds the sentences of each paragraph."""

    rid: str
    date: datetime
    title: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        return join_paragraphs(self.paragraphs)

    @property
    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]


@dataclass(frozen=True, slots=True)
class Pool:
    """Bases (corpus originals), held-out filler sentences and near-miss documents, plus counts."""

    bases: list[Doc]
    filler: list[str]
    near: list[Doc]
    stats: dict[str, int]


def words(text: str) -> list[str]:
    """The benchmark's tokens: lowercased runs of word characters (``\\w+``)."""
    return _WORD.findall(text.lower())


def join_paragraphs(paragraphs: tuple[tuple[str, ...], ...] | list[list[str]]) -> str:
    """Sentences joined by a space, paragraphs by a blank line."""
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one reflowed paragraph; a stop after a known abbreviation or an initial does not end one."""
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(paragraph):
        nxt = paragraph[m.end() : m.end() + 1]
        prev = paragraph[start : m.start()].rsplit(None, 1)[-1:] or [""]
        token = prev[0].lower().rstrip(".")
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'(<"):
            continue
        if paragraph[m.start()] == "." and (token in _ABBREV or len(token) == 1 or "." in token):
            continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def reflow(text: str) -> list[list[str]]:
    """Paragraphs (as sentence lists) of a Reuters body, without line wrapping or the signature line."""
    paras = [" ".join(p.split()) for p in _PARA_BREAK.split(text)]
    paras = [p for p in paras if p]
    while paras and _SIGNATURE.match(paras[-1]):
        paras.pop()
    return [split_sentences(p) for p in paras]


def parse_date(value: str) -> datetime:
    """A Reuters ``D-MON-YYYY HH:MM:SS.cc`` date; trailing codes ignored; unreadable parts fall back to noon."""
    m = _DATE.match(value)
    if not m:
        return datetime(1987, 3, 1, 12)
    day, mon, year, hh, mm, ss = m.groups()
    hour = int(hh) if int(hh) < 24 else 12  # one date reads "605:12:19.12"
    return datetime(int(year), _MONTHS.get(mon, 3), int(day), hour, int(mm), int(ss))


def read_source(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a Reuters JSONL file (gzip when the name ends in ``.gz``)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_docs(path: Path) -> tuple[list[Doc], int]:
    """Distinct reflowed stories of the file in file order, and how many records were read."""
    seen: set[str] = set()
    docs: list[Doc] = []
    read = 0
    for rec in read_source(path):
        read += 1
        key = " ".join(rec["text"].split())
        if key in seen:
            continue
        seen.add(key)
        paras = tuple(tuple(p) for p in reflow(rec["text"]) if p)
        if paras:
            docs.append(Doc(str(rec["id"]), parse_date(rec.get("date", "")), rec.get("title", ""), paras))
    return docs, read


def ngram_hashes(tokens: list[str], n: int) -> np.ndarray:
    """Hashes (int64, this process only) of the word n-grams of ``tokens``, in text order."""
    return np.fromiter((hash(tuple(tokens[i : i + n])) for i in range(len(tokens) - n + 1)), np.int64)


def incidence(sets: list[np.ndarray]) -> Any:
    """Sparse 0/1 matrix (scipy CSR, int32): one row per set, one column per distinct element."""
    import scipy.sparse as sp

    sizes = np.array([len(s) for s in sets])
    rows = np.repeat(np.arange(len(sets)), sizes)
    _, cols = np.unique(np.concatenate(sets), return_inverse=True)
    return sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(sets), int(cols.max()) + 1)
    )


def _containment_pairs(
    token_lists: list[list[str]], *, min_containment: float, min_shared: int
) -> set[tuple[int, int]]:
    """Pairs whose 3-word shingle sets overlap by ``min_containment`` of the smaller set (exact, all pairs)."""
    if importlib.util.find_spec("scipy") is None:
        raise MissingDependency("scipy", "bench", "Making a benchmark corpus")
    sets = [np.unique(ngram_hashes(t, 3)) for t in token_lists]
    x = incidence(sets)
    sizes = np.array([len(s) for s in sets])
    xt = x.T.tocsc()
    pairs: set[tuple[int, int]] = set()
    block = 2048
    for start in range(0, len(sets), block):
        c = (x[start : start + block] @ xt).tocoo()
        r = c.row + start
        keep = r < c.col
        r, col, shared = r[keep], c.col[keep], c.data[keep]
        smaller = np.maximum(np.minimum(sizes[r], sizes[col]), 1)
        hit = (shared >= min_shared) & (shared >= min_containment * smaller)
        pairs.update(zip(r[hit].tolist(), col[hit].tolist(), strict=True))
    return pairs


def _covered(a: np.ndarray, b: np.ndarray, n: int) -> int:
    """Words of the text behind ``a`` (its n-gram hashes in order) that lie in an n-gram also in ``b``."""
    hit = np.flatnonzero(np.isin(a, b))
    if not len(hit):
        return 0
    mask = np.zeros(len(a) + n - 1, dtype=bool)
    for j in hit:
        mask[j : j + n] = True
    return int(mask.sum())


def _run_pairs(token_lists: list[list[str]], *, min_run_words: int) -> set[tuple[int, int]]:
    """Pairs sharing 8-word runs that cover at least ``min_run_words`` words of both documents."""
    grams = [ngram_hashes(t, 8) for t in token_lists]
    uniq = [np.unique(g) for g in grams]
    h = np.concatenate(uniq)
    d = np.repeat(np.arange(len(uniq)), [len(u) for u in uniq])
    order = np.argsort(h, kind="stable")
    h, d = h[order], d[order]
    bounds = np.flatnonzero(np.diff(h)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(h)]))
    candidates: set[tuple[int, int]] = set()
    for s, e in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
        members = sorted(set(d[s:e].tolist()))
        candidates.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return {
        (a, b)
        for a, b in candidates
        if min(_covered(grams[a], uniq[b], 8), _covered(grams[b], uniq[a], 8)) >= min_run_words
    }


def independent(n: int, edges: set[tuple[int, int]]) -> list[int]:
    """A greedy independent set of ``range(n)`` (lowest index first) under ``edges``."""
    adjacent: dict[int, set[int]] = {}
    for a, b in edges:
        adjacent.setdefault(a, set()).add(b)
        adjacent.setdefault(b, set()).add(a)
    kept: set[int] = set()
    for i in range(n):
        if not adjacent.get(i, set()) & kept:
            kept.add(i)
    return sorted(kept)


def build_pool(
    path: Path,
    *,
    seed: int,
    min_containment: float = 0.15,
    min_shared: int = 8,
    min_run_words: int = 12,
    min_words: int = 40,
    filler_share: float = 0.10,
    near_share: float = 0.20,
    join: int = 1,
) -> Pool:
    """Load, dedupe and clean the source file, then split it into bases, filler sentences and near docs;
    with ``join`` K > 1, each base is K of them joined (see the module docstring)."""
    if isinstance(join, bool) or not isinstance(join, int) or join < 1:
        raise ConfigError(f"join must be a positive integer, got {join!r}")
    docs, read = load_docs(path)
    distinct = len(docs)
    docs = [d for d in docs if len(d.text.split()) >= min_words]
    tokens = [words(d.text) for d in docs]
    edges = _containment_pairs(tokens, min_containment=min_containment, min_shared=min_shared)
    edges |= _run_pairs(tokens, min_run_words=min_run_words)
    kept = [docs[i] for i in independent(len(docs), edges)]
    random.Random(f"pool:{seed}").shuffle(kept)
    n_filler = round(len(kept) * filler_share)
    n_near = round(len(kept) * near_share)
    filler_docs, near, bases = kept[:n_filler], kept[n_filler : n_filler + n_near], kept[n_filler + n_near :]
    singles = len(bases)
    if join > 1:
        bases = [joined(bases[i : i + join]) for i in range(0, len(bases) - join + 1, join)]
    bases.sort(key=lambda d: _rid_key(d.rid))
    filler = [s for d in filler_docs for s in d.sentences if len(s.split()) >= 6]
    stats = {
        "records": read,
        "distinct_bodies": distinct,
        "long_enough": len(docs),
        "related_pairs_removed": len(edges),
        "kept": len(kept),
        "bases": len(bases),
        **({"joined": join, "bodies_in_bases": singles - singles % join} if join > 1 else {}),
        "filler_docs": len(filler_docs),
        "filler_sentences": len(filler),
        "near_docs": len(near),
    }
    return Pool(bases, filler, near, stats)


def joined(docs: list[Doc]) -> Doc:
    """One document of ``docs`` in order: the first one's title, the latest date, ids joined by ``+``."""
    return Doc(
        "+".join(d.rid for d in docs),
        max(d.date for d in docs),
        docs[0].title,
        tuple(p for d in docs for p in d.paragraphs),
    )


def _rid_key(rid: str) -> tuple[int, str]:
    first = rid.split("+", 1)[0]
    return (int(first), rid) if first.isdigit() else (1 << 62, rid)
