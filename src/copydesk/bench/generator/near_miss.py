"""Near-miss articles: real sentences on the same subject as a target article, sharing no 6-word run with it.

The Reuters JSONL carries no TOPICS or PLACES fields (only id, date, title, text), so "the same topic" is
read from the words: the target's most distinctive content words (term frequency times inverse document
frequency over the pool) pick the held-out sentences that contain most of them. Held-out sentences come
from documents that never enter the corpus, each is used by at most one near-miss, and none shares a 6-word
run with any base original or with another held-out sentence kept for near-misses, so a near-miss is
unrelated to every article by construction (apart from stock phrases of five words or fewer, which is what
makes it a near miss). Six rather than eight: the sentences that best match a target's words are often
from another wire story on the same event, which shares many runs of six or seven words with it.
"""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np

from copydesk.bench.generator.edits import regroup
from copydesk.bench.generator.pool import Doc, ngram_hashes, words

RUN = 6
_STOP = frozenset(
    "about above after again against also been before being below between both could does doing down during "
    "each from further have having here into more most other over same should some such than that their "
    "them then there these they this those through under until very were what when where which while "
    "will with would said says year years last first company mln dlrs billion million reuter".split()
)


def content_words(tokens: list[str]) -> list[str]:
    """Alphabetic tokens of four letters or more that are not stop words."""
    return [t for t in tokens if len(t) >= 4 and t.isalpha() and t not in _STOP]


class NearMissMaker:
    """Builds near-misses from the held-out ``near`` documents; sentences are used at most once.

    ``base_grams``: sorted unique hashes of the ``RUN``-word runs of every base original (this process's
    ``hash``); a sentence containing one is never used.
    """

    def __init__(self, near: list[Doc], base_grams: np.ndarray, idf: dict[str, float]) -> None:
        self.idf = idf
        self.base_grams = base_grams
        self.sentences: list[str] = []
        self.index: dict[str, list[int]] = {}
        taken: set[int] = set()
        for doc in near:
            for s in doc.sentences:
                toks = words(s)
                grams = ngram_hashes(toks, RUN)
                if len(s.split()) < 6 or _shares(grams, base_grams) or taken.intersection(grams.tolist()):
                    continue
                taken.update(grams.tolist())
                sid = len(self.sentences)
                self.sentences.append(s)
                for w in set(content_words(toks)):
                    self.index.setdefault(w, []).append(sid)
        self.used = bytearray(len(self.sentences))
        self.words_left = sum(len(s.split()) for s in self.sentences)

    def capacity(self, mean_words: int = 200) -> int:
        """How many near-misses of about ``mean_words`` words the unused sentences can still make."""
        return self.words_left // mean_words

    def make(self, target: list[str], rng: random.Random, *, length: int) -> list[list[str]]:
        """Paragraphs of about ``length`` words on the subject of ``target`` (its tokens)."""
        tf = Counter(content_words(target))
        top = sorted(tf, key=lambda w: (-tf[w] * self.idf.get(w, 0.0), w))[:12]
        score: dict[int, float] = {}
        for w in top:
            for sid in self.index.get(w, ()):
                if not self.used[sid]:
                    score[sid] = score.get(sid, 0.0) + self.idf.get(w, 0.0)
        ranked = sorted(score, key=lambda sid: (-score[sid], rng.random()))
        target_grams = np.unique(ngram_hashes(target, RUN))
        chosen = self._take(ranked, target_grams, length)
        if sum(len(self.sentences[i].split()) for i in chosen) < length:
            taken = set(chosen)
            spare = [i for i in range(len(self.used)) if not self.used[i] and i not in taken]
            rng.shuffle(spare)
            chosen += self._take(
                spare, target_grams, length - sum(len(self.sentences[i].split()) for i in chosen)
            )
        rng.shuffle(chosen)
        while chosen and _shares(
            ngram_hashes(words(" ".join(self.sentences[i] for i in chosen)), RUN), target_grams
        ):
            chosen.pop()  # a run across two sentences matched: practically never, but the rule is absolute
        for i in chosen:
            self.used[i] = 1
            self.words_left -= len(self.sentences[i].split())
        return regroup([self.sentences[i] for i in chosen], rng)

    def _take(self, candidates: list[int], target_grams: np.ndarray, length: int) -> list[int]:
        out: list[int] = []
        total = 0
        for sid in candidates:
            if total >= length:
                break
            if _shares(ngram_hashes(words(self.sentences[sid]), RUN), target_grams):
                continue
            out.append(sid)
            total += len(self.sentences[sid].split())
        return out


def _shares(grams: np.ndarray, sorted_grams: np.ndarray) -> bool:
    if not len(grams) or not len(sorted_grams):
        return False
    pos = np.searchsorted(sorted_grams, grams).clip(0, len(sorted_grams) - 1)
    return bool((sorted_grams[pos] == grams).any())


def idf_table(docs: list[Doc]) -> dict[str, float]:
    """Inverse document frequency ``log(N / df)`` of content words over ``docs``."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(content_words(words(d.text))))
    n = max(len(docs), 1)
    return {w: math.log(n / c) for w, c in df.items()}
