"""Stage 2, candidate pairs: which pairs of articles the link stage verifies, from their fingerprints.

Every rule here gives a pair's answer from the pair and the keys it shares, with the global key (date,
then id) wherever an order is needed, so the candidates are a function of the set of articles (issue 18):

- **keys** (LSH band keys, passage fingerprints): the articles holding one key form a group, in the global
  order. A group of up to `Rules.clique` articles proposes all its pairs; a bigger one each article with the
  `Rules.window` before it and with its first `Rules.anchors` (the work grows linearly with the group); a
  passage group of more than ``max_postings`` proposes nothing (a stock phrase). A band pair is a candidate;
  a passage pair when it was proposed through at least ``min_shared_fingerprints`` fingerprints and
  `Rules.min_fp_share` of the smaller article's.
- **rare shingles**: within a window of two calendar months (the articles of month m and m + 1; the undated
  ones have a window of their own), the pairs sharing at least ``min_shared_shingles`` 3-word shingles held
  by at most ``max_shingle_df`` articles of the window, each pair counted in the window of its earlier
  month only; and only pairs whose shared shingles could reach the engine's decision (three words each).

Adding articles never makes a pair of the others a candidate that was not one before (groups grow, windows
move apart, shingles stop being rare): the local driver relies on that to verify only the pairs with a new
article, and to retract the stored links that stopped being candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.stages.keys import UNDATED
from copydesk.sketch.pairs import grouped_pairs, shared_shingle_pairs

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

# Share of the smaller article's passage fingerprints a passage pair must share (`find` asks the same).
MIN_FP_SHARE = 0.04
# Keys taken at once by `key_pairs`: more are cut into parts by the keys' top bits (a key, so all its
# holders, falls in one part), so that a sort never copies more than this many.
PART = 1 << 24


@dataclass(frozen=True, slots=True)
class Rules:
    """The settings of the candidate rules (see the module's text)."""

    max_postings: int = 1000
    min_shared_fingerprints: int = 2
    min_fp_share: float = MIN_FP_SHARE
    min_shared_shingles: int = 5
    max_shingle_df: int = 20
    related_containment: float = 0.2
    clique: int = 24
    window: int = 4
    anchors: int = 2

    @classmethod
    def of(cls, index: IndexConfig, compare: CompareConfig, stories: StoryConfig) -> Rules:
        return cls(
            max_postings=index.max_postings,
            min_shared_fingerprints=index.min_shared_fingerprints,
            min_shared_shingles=stories.min_shared_shingles,
            max_shingle_df=stories.max_shingle_df,
            related_containment=compare.related_containment,
        )


def _parts(keys: U64, owners: I64, part: int) -> list[tuple[U64, I64]]:
    if len(keys) <= part:
        return [(keys, owners)]
    bits = int(np.ceil(np.log2(len(keys) / part)))
    top = keys >> np.uint64(64 - bits)
    return [(keys[top == p], owners[top == p]) for p in range(1 << bits)]


def key_pairs(
    keys: U64, owners: I64, *, rules: Rules, max_group: int, part: int = PART
) -> tuple[I64, I64, I64]:
    """(i, j, n): the pairs ``i < j`` the key groups propose (see the module's text) and through how many
    keys. ``owners`` are the articles' ranks in the global order; each (key, owner) once."""
    found: list[tuple[I64, I64, I64]] = []
    for k, o in _parts(keys, owners, part):
        found.append(
            grouped_pairs(
                k, o, clique=rules.clique, window=rules.window, anchors=rules.anchors, max_group=max_group
            )
        )
    empty = np.zeros(0, dtype=np.int64)
    if not found:
        return empty, empty, empty
    if len(found) == 1:
        return found[0]
    i = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    n = np.concatenate([f[2] for f in found])
    if not len(i):
        return empty, empty, empty
    span = int(max(i.max(), j.max())) + 1
    pair, where = np.unique(i * span + j, return_inverse=True)
    count = np.bincount(where, weights=n).astype(np.int64)
    return pair // span, pair % span, count


def passage_kept(shared: I64, held_i: I64, held_j: I64, *, rules: Rules) -> npt.NDArray[np.bool_]:
    """Which passage pairs are candidates: proposed through ``shared`` fingerprints, at least
    ``min_shared_fingerprints`` and `Rules.min_fp_share` of the smaller article's (``held_*``: each side's
    number of passage fingerprints)."""
    floor = np.maximum(rules.min_shared_fingerprints, rules.min_fp_share * np.minimum(held_i, held_j))
    return np.asarray(shared >= floor, dtype=bool)


def fingerprint_pairs(
    band_keys: U64, band_owners: I64, passages: U64, passage_owners: I64, count: int, *, rules: Rules
) -> tuple[I64, I64]:
    """The candidate pairs (i, j), ``i < j``, sorted, of ``count`` articles numbered by their rank in the
    global order, from their band keys and passage fingerprints (``*_owners[k]`` holds ``*[k]``)."""
    bi, bj, _ = key_pairs(band_keys, band_owners, rules=rules, max_group=max(count, 2))
    qi, qj, qn = key_pairs(passages, passage_owners, rules=rules, max_group=rules.max_postings)
    held = np.bincount(passage_owners, minlength=count) if len(passage_owners) else np.zeros(count, np.int64)
    keep = passage_kept(qn, held[qi], held[qj], rules=rules)
    span = max(count, 1)
    pair = np.unique(np.concatenate((bi * span + bj, qi[keep] * span + qj[keep])))
    i, j = pair // span, pair % span
    return i[i < j], j[i < j]  # a key met twice in one article proposes nothing


def windows(months: I64) -> list[int]:
    """The windows holding ``months`` (each article is in the window of its month and of the month
    before), in order; `UNDATED` for the undated ones."""
    ms = np.unique(months)
    out = set(ms.tolist())
    out |= {m - 1 for m in ms.tolist() if m != UNDATED}
    return sorted(out)


def in_window(months: I64, window: int) -> npt.NDArray[np.bool_]:
    """Which articles (by month) belong to ``window``."""
    if window == UNDATED:
        return np.asarray(months == UNDATED, dtype=bool)
    return np.asarray((months == window) | (months == window + 1), dtype=bool)


def rare_pairs(
    shingles: Sequence[U64], months: I64, *, rules: Rules, only: Sequence[int] | None = None
) -> tuple[I64, I64, I64]:
    """(i, j, window): the rare-shingle candidate pairs ``i < j`` of the articles (their shingles and months,
    numbered as given) in the windows ``only`` (default all), and the window each was found in."""
    empty = np.zeros(0, dtype=np.int64)
    out_i: list[I64] = []
    out_j: list[I64] = []
    out_w: list[I64] = []
    for w in windows(months) if only is None else only:
        members = np.flatnonzero(in_window(months, w))
        if len(members) < 2:
            continue
        ii, jj, nn, sizes = shared_shingle_pairs(
            [shingles[m] for m in members.tolist()],
            min_shared=rules.min_shared_shingles,
            max_df=rules.max_shingle_df,
        )
        # each shared rare shingle covers at most three words, and those must make up the containment the
        # engine's decision needs of the smaller side (a prefilter; the figures come from the link stage)
        keep = 3 * nn >= rules.related_containment * np.minimum(sizes[ii], sizes[jj])
        gi, gj = members[ii[keep]], members[jj[keep]]
        if w != UNDATED:
            first = np.minimum(months[gi], months[gj]) == w  # a pair of month w + 1 is the next window's
            gi, gj = gi[first], gj[first]
        out_i.append(np.minimum(gi, gj))
        out_j.append(np.maximum(gi, gj))
        out_w.append(np.full(len(gi), w, dtype=np.int64))
    if not out_i:
        return empty, empty, empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_w)
