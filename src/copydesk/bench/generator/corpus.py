"""Labelled benchmark corpora for ``copydesk add / find``, built from real newswire text (Reuters-21578).

Made by ``copydesk bench make-corpus`` (the source file is always an argument)::

    copydesk bench make-corpus ../shared/data/reuters21578/documents.jsonl.gz --size 20000 --out /tmp/c20k
    copydesk bench make-corpus ../shared/data/reuters21578/documents.jsonl.gz --size 2000 --join 6 --out /tmp/l2k

Output, all UTF-8, written as a stream (memory does not grow with ``--size``):

- ``DIR/articles.jsonl``: one article per line, ``{"id", "text", "title", "date", "outlet", "url"}``;
  ``date`` is ISO ``YYYY-MM-DDTHH:MM:SS``; ids are opaque (``cd0000042``) and the file order is shuffled.
- ``DIR/labels.jsonl``: one line per article, same order, ``{"id", "kind", "sources": [ids]}``. ``sources``
  are the articles it derives from (empty for ``original`` and ``near_miss``). Extra keys: ``reuters_id``
  (original, reissue), ``imitates`` (near_miss: the article whose subject it borrows; not a source).
- ``DIR/manifest.json``: size, seed, counts per kind, the mix, source file, pool figures, generator version.

Kinds and the mix (shares of ``--size``; originals take what rounding and the near-miss cap leave):

==========  =====  ==================================================================================
original     46 %  a Reuters story of 40 words or more (reflowed, ``Reuter`` signature dropped); past the
                   pool's size (8,166 stories of the Reuters file) the rest are ``reissue``: the same story
                   again with a fresh id and a later date, its first sentence paraphrased (stories of 80+
                   words) or unchanged (shorter ones), ``sources`` = [the original it reissues]
verbatim     10 %  the original unchanged under a new header line or dateline
light        12 %  curly/straight quote swap, one word changed in about one sentence in five, one
                   paragraph (or sentence) dropped, new header line or dateline
heavy        12 %  about half the words cut (whole sentences), the rest reordered and paraphrased by rules
                   (synonym table, "X said" <-> "said X", number formatting, clauses swapped at a comma)
excerpt       8 %  100-200 consecutive words of an original inside 600-1,200 words of unrelated real text
                   (shuffled sentences of held-out Reuters stories that are not in the corpus)
merge         6 %  the first half of one original followed by the second half of another (2 sources)
near_miss     6 %  held-out sentences chosen for the target article's distinctive words; no 6-word run
                   shared with any base original (see `copydesk.bench.generator.near_miss`). Capped by the held-out
                   sentences, each used once: about 1,300 in all, so at 100k and 1M the rest are originals.
==========  =====  ==================================================================================

Sources of derived kinds are originals (or reissues) of at least 80 words, 120 for excerpts, drawn
uniformly, so a story may have several copies. Two articles are related ("true") when they share a root
story: one derives from the other, or both derive (through sources, reissues, merges) from the same one.
The pool (`copydesk.bench.generator.pool`) removes Reuters stories that already share text, so no unlabelled pair
is related. What remains unlabelled on purpose: stock phrases and templates ("said it has filed with the
Securities and Exchange Commission for ...") and outlet headers, which a containment rule can still take
for reuse (``bench/audit_corpus.py`` counts them), and filler sentences reused by two excerpt articles
(drawn at random from about 8,000 sentences: none passes the rule at 20k and 100k; a small source
file, as in the tests, leaves a filler pool so small that excerpt articles share most of their filler).
Deterministic: the same source, size and seed give byte-identical files.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from copydesk.bench.generator import edits
from copydesk.bench.generator.near_miss import RUN, NearMissMaker, idf_table
from copydesk.bench.generator.pool import Doc, Pool, build_pool, join_paragraphs, ngram_hashes, words

GENERATOR_VERSION = "1"
MIX = {
    "original": 0.46,
    "verbatim": 0.10,
    "light": 0.12,
    "heavy": 0.12,
    "excerpt": 0.08,
    "merge": 0.06,
    "near_miss": 0.06,
}
MIN_SOURCE_WORDS = 80
MIN_EXCERPT_SOURCE_WORDS = 120
EXCERPT_WORDS = (100, 200)
FILLER_WORDS = (600, 1200)
NEAR_WORDS = 250  # the longest near-miss, in words
Pair = tuple[dict[str, Any], dict[str, Any]]


def plan_counts(size: int, near_capacity: int) -> dict[str, int]:
    """Articles per kind for ``size``: the mix rounded, near-misses capped, originals take the rest."""
    if size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    counts = {k: round(v * size) for k, v in MIX.items() if k != "original"}
    counts["near_miss"] = min(counts["near_miss"], near_capacity)
    counts["original"] = size - sum(counts.values())
    if counts["original"] < 2:
        raise ValueError(f"size {size} leaves fewer than 2 originals; use a size of 10 or more")
    return counts


def iso(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S")


class CorpusGenerator:
    """Yields ``(article, label)`` pairs for one corpus. See the module docstring for the kinds."""

    def __init__(self, pool: Pool, *, size: int, seed: int) -> None:
        if not pool.bases:
            raise ValueError("the source file left no usable originals after cleaning")
        self.pool, self.seed = pool, seed
        base_grams = np.unique(np.concatenate([ngram_hashes(words(d.text), RUN) for d in pool.bases]))
        self.near = NearMissMaker(pool.near, base_grams, idf_table(pool.bases + pool.near))
        # A near-miss asks for NEAR_WORDS words when its target is longer, as joined originals all are, and
        # takes whole sentences up to a sentence past that (a quarter more, with some left unused); single
        # bodies keep the estimate their corpora were made with.
        per_near = 200 if pool.stats.get("joined", 1) == 1 else NEAR_WORDS * 5 // 4
        self.counts = plan_counts(size, self.near.capacity(per_near))
        kinds = [k for k, n in self.counts.items() for _ in range(n)]
        random.Random(f"kinds:{seed}").shuffle(kinds)
        self.kinds = kinds
        self.orig_pos = [i for i, k in enumerate(kinds) if k == "original"]
        self.orig_index = {p: j for j, p in enumerate(self.orig_pos)}
        self.base_order = list(pool.bases)
        random.Random(f"bases:{seed}").shuffle(self.base_order)
        n_words = [len(self._base(j).text.split()) for j in range(min(len(self.orig_pos), len(pool.bases)))]
        self.eligible = [
            j for j in range(len(self.orig_pos)) if n_words[j % len(n_words)] >= MIN_SOURCE_WORDS
        ]
        self.eligible_excerpt = [
            j for j in range(len(self.orig_pos)) if n_words[j % len(n_words)] >= MIN_EXCERPT_SOURCE_WORDS
        ]
        if not self.eligible_excerpt:
            raise ValueError(f"no original of {MIN_EXCERPT_SOURCE_WORDS}+ words to derive copies from")

    def _base(self, j: int) -> Doc:
        return self.base_order[j % len(self.base_order)]

    def article_id(self, pos: int) -> str:
        return f"cd{pos:07d}"

    def original(self, j: int) -> tuple[list[list[str]], str, datetime]:
        """Paragraphs, title and date of original ``j`` (a reissue when ``j`` is past the pool's size)."""
        base = self._base(j)
        paras = [list(p) for p in base.paragraphs]
        reissue = j // len(self.base_order)
        if not reissue:
            return paras, base.title, base.date
        rng = random.Random(f"{self.seed}:reissue:{j}")
        date = base.date + timedelta(days=7 * reissue + rng.randint(0, 6), minutes=rng.randint(0, 1439))
        if len(base.text.split()) >= MIN_SOURCE_WORDS:
            # Only the story's own words change: a fixed lead phrase would be text shared by unrelated reissues.
            first = edits.paraphrase(paras[0][0], rng)
            if first == paras[0][0] and len(paras[0]) > 1:
                paras[0][:2] = paras[0][1::-1]
            else:
                paras[0][0] = first
        return paras, base.title, date

    def __iter__(self) -> Iterator[Pair]:
        for pos, kind in enumerate(self.kinds):
            rng = random.Random(f"{self.seed}:{pos}")
            yield getattr(self, f"_make_{kind}")(pos, rng)

    def _record(
        self,
        pos: int,
        kind: str,
        paras: list[list[str]],
        title: str,
        date: datetime,
        outlet: str,
        domain: str,
        sources: list[str],
        **extra: Any,
    ) -> Pair:
        aid = self.article_id(pos)
        slug = "-".join(words(title)[:6]) or "story"
        article = {
            "id": aid,
            "text": join_paragraphs(paras),
            "title": title,
            "date": iso(date),
            "outlet": outlet,
            "url": f"https://{domain}/{date:%Y/%m/%d}/{slug}-{aid}",
        }
        return article, {"id": aid, "kind": kind, "sources": sources, **extra}

    def _copy(
        self,
        pos: int,
        kind: str,
        rng: random.Random,
        paras: list[list[str]],
        title: str,
        after: datetime,
        sources: list[int],
        *,
        header: bool = True,
        **extra: Any,
    ) -> Pair:
        outlet, domain = rng.choice(edits.OUTLETS)
        date = after + timedelta(minutes=rng.randint(10, 4320))
        if header and paras:
            line = edits.header(outlet, date, rng)
            if line.endswith(" -"):
                paras = [[f"{line} {paras[0][0]}", *paras[0][1:]], *paras[1:]]
            else:
                paras = [[line], *paras]
        ids = [self.article_id(self.orig_pos[j]) for j in sources]
        return self._record(pos, kind, paras, title, date, outlet, domain, ids, **extra)

    def _make_original(self, pos: int, rng: random.Random) -> Pair:
        j = self.orig_index[pos]
        paras, title, date = self.original(j)
        reissue = j // len(self.base_order)
        sources = [self.article_id(self.orig_pos[j % len(self.base_order)])] if reissue else []
        kind = "reissue" if reissue else "original"
        return self._record(
            pos, kind, paras, title, date, "Reuters", "reuters.example", sources, reuters_id=self._base(j).rid
        )

    def _make_verbatim(self, pos: int, rng: random.Random) -> Pair:
        j = rng.choice(self.eligible)
        paras, title, date = self.original(j)
        return self._copy(pos, "verbatim", rng, paras, title, date, [j])

    def _make_light(self, pos: int, rng: random.Random) -> Pair:
        j = rng.choice(self.eligible)
        paras, title, date = self.original(j)
        return self._copy(pos, "light", rng, edits.light(paras, rng), title.title(), date, [j])

    def _make_heavy(self, pos: int, rng: random.Random) -> Pair:
        j = rng.choice(self.eligible)
        paras, title, date = self.original(j)
        new_title = edits.paraphrase(title.capitalize(), rng)
        return self._copy(
            pos, "heavy", rng, edits.heavy(paras, rng), new_title, date, [j], header=rng.random() < 0.5
        )

    def _make_excerpt(self, pos: int, rng: random.Random) -> Pair:
        j = rng.choice(self.eligible_excerpt)
        paras, _, date = self.original(j)
        ws = join_paragraphs(paras).split()
        n = rng.randint(EXCERPT_WORDS[0], min(EXCERPT_WORDS[1], len(ws)))
        start = rng.randint(0, len(ws) - n)
        filler = self._filler(rng, rng.randint(*FILLER_WORDS))
        body = edits.regroup(filler, rng)
        body.insert(rng.randint(1, len(body)), [" ".join(ws[start : start + n])])
        title = " ".join(filler[0].split()[:7]).rstrip(".,").title()
        return self._copy(
            pos,
            "excerpt",
            rng,
            body,
            title,
            date + timedelta(days=rng.randint(0, 20)),
            [j],
            header=rng.random() < 0.5,
        )

    def _filler(self, rng: random.Random, length: int) -> list[str]:
        pool = self.pool.filler
        chosen: list[str] = []
        seen: set[int] = set()
        total = 0
        while total < length:
            i = rng.randrange(len(pool))
            if i in seen and len(seen) < len(pool):
                continue
            seen.add(i)
            chosen.append(pool[i])
            total += len(pool[i].split())
        return chosen

    def _make_merge(self, pos: int, rng: random.Random) -> Pair:
        a = rng.choice(self.eligible)
        b = rng.choice(self.eligible)
        while (b - a) % len(self.base_order) == 0:
            b = rng.choice(self.eligible)
        pa, title, da = self.original(a)
        pb, _, db = self.original(b)
        first = _half([s for p in pa for s in p], first=True)
        second = _half([s for p in pb for s in p], first=False)
        return self._copy(pos, "merge", rng, edits.regroup(first + second, rng), title, max(da, db), [a, b])

    def _make_near_miss(self, pos: int, rng: random.Random) -> Pair:
        j = rng.choice(self.eligible)
        paras, title, date = self.original(j)
        target = words(join_paragraphs(paras))
        body = self.near.make(target, rng, length=min(max(len(target), 80), NEAR_WORDS))
        if not body:
            raise RuntimeError(
                f"the held-out sentences ran out at near-miss {pos}: the corpus asks for more near-misses than "
                "the pool can make (a smaller --size)"
            )
        outlet, domain = rng.choice(edits.OUTLETS)
        nm_title = " ".join((body[0][0] if body else title).split()[:7]).rstrip(".,").title()
        nm_date = date + timedelta(hours=rng.randint(-72, 72))
        return self._record(
            pos,
            "near_miss",
            body,
            nm_title,
            nm_date,
            outlet,
            domain,
            [],
            imitates=[self.article_id(self.orig_pos[j])],
        )


def _half(sentences: list[str], *, first: bool) -> list[str]:
    """The first (or second) half of ``sentences`` by words, cut at a sentence boundary."""
    total = sum(len(s.split()) for s in sentences)
    acc = 0
    for i, s in enumerate(sentences):
        acc += len(s.split())
        if acc >= total / 2:
            return sentences[: i + 1] if first else sentences[i + 1 :] or sentences[-1:]
    return sentences


def generate(source: Path, out: Path, *, size: int, seed: int = 1, join: int = 1) -> dict[str, Any]:
    """Write ``articles.jsonl``, ``labels.jsonl`` and ``manifest.json`` under ``out``; returns the manifest.

    join: Reuters bodies per original (1: the short-article corpus; about 6 gives the long-article one, of
    800 words an original on average; see `copydesk.bench.generator.pool`)."""
    pool = build_pool(source, seed=seed, join=join)
    gen = CorpusGenerator(pool, size=size, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    with (
        (out / "articles.jsonl").open("w", encoding="utf-8") as fa,
        (out / "labels.jsonl").open("w", encoding="utf-8") as fl,
    ):
        for article, label in gen:
            fa.write(json.dumps(article, ensure_ascii=False) + "\n")
            fl.write(json.dumps(label, ensure_ascii=False) + "\n")
            counts[label["kind"]] += 1
    manifest = {
        "size": size,
        "seed": seed,
        **({"join": join} if join > 1 else {}),
        "counts": dict(sorted(counts.items())),
        "mix": MIX,
        "source": str(source),
        "pool": pool.stats,
        "generator_version": GENERATOR_VERSION,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
