"""The rule for a sentence only one side has under a common source (`copydesk.provenance.cut`)."""

from __future__ import annotations

from copydesk.provenance.cut import unshared


def test_a_tail_past_the_other_side_s_end_is_cut_by_the_other() -> None:
    # a: 0 1 2 (all shared); b: 0 1 2 then 3 4 of its own
    a, b = unshared([True] * 3, [True] * 5, {0, 1, 2}, {0, 1, 2})
    assert a == {}
    assert {k: u.label for k, u in b.items()} == {3: "cut_by_other", 4: "cut_by_other"}
    assert "cut from the end" in b[3].reason


def test_inside_the_shared_span_and_before_it_is_undecided() -> None:
    a, b = unshared([True] * 5, [True] * 4, {1, 3, 4}, {0, 1, 2})
    assert {k: u.label for k, u in a.items()} == {0: "added_or_cut", 2: "added_or_cut"}
    assert "before the first sentence" in a[0].reason and "within the text both share" in a[2].reason
    assert {k: u.label for k, u in b.items()} == {3: "cut_by_other"}


def test_two_tails_are_both_undecided() -> None:
    a, b = unshared([True] * 3, [True] * 3, {0}, {0})
    assert {u.label for u in (*a.values(), *b.values())} == {"added_or_cut"}
    assert all("both sides go on" in u.reason for u in (*a.values(), *b.values()))


def test_boilerplate_is_neither_and_does_not_count_as_a_tail() -> None:
    # a ends with a caption after its last shared sentence: still no tail of its own
    a, b = unshared([True, True, False], [True, True, True], {0, 1}, {0, 1})
    assert a == {} and b[2].label == "cut_by_other"


def test_nothing_shared_is_undecided() -> None:
    a, _ = unshared([True, True], [True], set(), set())
    assert {u.label for u in a.values()} == {"added_or_cut"}
