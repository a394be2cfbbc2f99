"""The stages of `copydesk.engine.stages` against plain references, and the property the local driver
relies on: adding articles never makes a pair of the others a candidate that was not one."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.engine.stages import candidates
from copydesk.engine.stages.keys import UNDATED

RULES = candidates.Rules(max_postings=9, clique=4, window=2, anchors=1, min_shared_fingerprints=2)


def reference_pairs(
    band: dict[int, set[int]], passages: dict[int, set[int]], held: dict[int, int], rules: candidates.Rules
) -> set[tuple[int, int]]:
    """The candidate rules written out one key group at a time (owners are ranks)."""

    def group_pairs(owners: list[int]) -> list[tuple[int, int]]:
        g = sorted(owners)
        if len(g) <= rules.clique:
            return list(itertools.combinations(g, 2))
        out = {(g[p - d], g[p]) for p in range(len(g)) for d in range(1, rules.window + 1) if p - d >= 0}
        out |= {(g[a], g[p]) for a in range(rules.anchors) for p in range(a + 1, len(g))}
        return sorted(out)

    found = {p for owners in band.values() for p in group_pairs(sorted(owners))}
    counts: dict[tuple[int, int], int] = {}
    for owners in passages.values():
        if len(owners) > rules.max_postings:
            continue
        for p in group_pairs(sorted(owners)):
            counts[p] = counts.get(p, 0) + 1
    for (i, j), n in counts.items():
        if n >= max(rules.min_shared_fingerprints, rules.min_fp_share * min(held.get(i, 0), held.get(j, 0))):
            found.add((i, j))
    return found


def tables(band: dict[int, set[int]], passages: dict[int, set[int]]) -> tuple[np.ndarray, ...]:
    bk = [(k, o) for k, os in band.items() for o in os]
    pk = [(k, o) for k, os in passages.items() for o in os]
    return (
        np.asarray([k for k, _ in bk], dtype=np.uint64),
        np.asarray([o for _, o in bk], dtype=np.int64),
        np.asarray([k for k, _ in pk], dtype=np.uint64),
        np.asarray([o for _, o in pk], dtype=np.int64),
    )


groups = st.dictionaries(
    st.integers(1, 40), st.sets(st.integers(0, 29), min_size=1, max_size=14), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(band=groups, passages=groups)
def test_fingerprint_pairs_equal_the_rules_written_out(
    band: dict[int, set[int]], passages: dict[int, set[int]]
) -> None:
    b, bo, p, po = tables(band, passages)
    held = {o: int((po == o).sum()) for o in range(30)}
    i, j = candidates.fingerprint_pairs(b, bo, p, po, 30, rules=RULES)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == reference_pairs(band, passages, held, RULES)


@settings(max_examples=150, deadline=None)
@given(band=groups, passages=groups, extra=groups, parts=st.integers(1, 3))
def test_more_articles_never_make_a_pair_of_the_others_a_candidate(
    band: dict[int, set[int]], passages: dict[int, set[int]], extra: dict[int, set[int]], parts: int
) -> None:
    # the articles 0..29 hold `band` and `passages`; new articles 30..59 join the same keys (and ranks are
    # then interleaved: every old rank is doubled, new ones are odd, as new articles fall between old ones)
    old = (
        {k: {2 * o for o in os} for k, os in band.items()},
        {k: {2 * o for o in os} for k, os in passages.items()},
    )
    new_b = {k: old[0].get(k, set()) | {2 * o + 1 for o in os} for k, os in extra.items()}
    new_p = {k: old[1].get(k, set()) | {2 * o + 1 for o in os} for k, os in extra.items()}
    both_b, both_p = {**old[0], **new_b}, {**old[1], **new_p}
    before = candidates.fingerprint_pairs(*tables(*old), 60, rules=RULES)
    after = candidates.fingerprint_pairs(
        *tables(both_b, both_p),
        60,
        rules=RULES,
    )
    old_pairs = set(zip(*(x.tolist() for x in before), strict=True))
    kept = {(i, j) for i, j in zip(*(x.tolist() for x in after), strict=True) if i % 2 == 0 and j % 2 == 0}
    assert kept <= old_pairs


def test_key_pairs_cut_into_parts_count_as_one_pass() -> None:
    rnd = np.random.default_rng(5)
    keys = rnd.integers(0, 2**63, size=400, dtype=np.uint64) | np.uint64(1)
    keys = np.repeat(keys[:80], 5)
    owners = rnd.integers(0, 50, size=len(keys)).astype(np.int64)
    pairs = np.unique(np.stack([keys, owners.astype(np.uint64)]), axis=1)
    k, o = pairs[0], pairs[1].astype(np.int64)
    whole = candidates.key_pairs(k, o, rules=RULES, max_group=100)
    cut = candidates.key_pairs(k, o, rules=RULES, max_group=100, part=64)
    assert all(np.array_equal(x, y) for x, y in zip(whole, cut, strict=True))


def test_rare_pairs_are_counted_in_the_window_of_the_earlier_month() -> None:
    shared = np.arange(1, 9, dtype=np.uint64)  # eight shingles, rare
    own = [np.arange(100 * (k + 1), 100 * (k + 1) + 10, dtype=np.uint64) for k in range(5)]
    shingles = [np.concatenate((shared, own[k])) for k in range(5)]
    months = np.asarray([10, 11, 13, UNDATED, UNDATED], dtype=np.int64)
    rules = candidates.Rules(min_shared_shingles=5, max_shingle_df=20, related_containment=0.2)
    i, j, w = candidates.rare_pairs(shingles, months, rules=rules)
    found = sorted(zip(i.tolist(), j.tolist(), w.tolist(), strict=True))
    # months 10 and 11 share window 10; 13 is two months from 11; the undated pair has its own window
    assert found == [(0, 1, 10), (3, 4, UNDATED)]
    assert candidates.windows(months) == [UNDATED, 9, 10, 11, 12, 13]
