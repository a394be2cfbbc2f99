from __future__ import annotations

from copydesk.align.sentence import Unit, _in_order, align
from copydesk.text.tokens import tokenize


def units(*sentences: str) -> list[Unit]:
    return [Unit(tokenize(s).words) for s in sentences]


def test_labels() -> None:
    a = units(
        "The storm hit the town of Port Aldren overnight.",
        "Winds of up to 140 kilometres an hour struck the coast shortly after midnight.",
        "The mayor will ask the government for emergency funds to rebuild the harbour.",
        "Completely unrelated words about football scores.",
    )
    b = units(
        "The storm hit the town of Port Aldren overnight.",
        "Winds of up to 140 kilometres an hour hit the coast just after midnight on Friday.",
        "Emergency funds to rebuild the harbour will be sought from government, the mayor said.",
    )
    pairs = {(p.a, p.b): p.label for p in align(a, b)}
    assert pairs == {(0, 0): "verbatim", (1, 1): "edited", (2, 2): "rewritten"}


def test_moved_pairs_break_the_reading_order() -> None:
    s = [
        "Alpha sentence about the harbour storm and the boats.",
        "Bravo sentence about the ferry pier and the engineers.",
        "Charlie sentence about the mayor and the emergency funds.",
        "Delta sentence about the scientists and the sea levels.",
    ]
    a = units(*s)
    b = units(s[0], s[2], s[3], s[1])
    labels = {p.a: p.label for p in align(a, b)}
    assert labels == {0: "verbatim", 1: "moved", 2: "verbatim", 3: "verbatim"}


def test_one_to_one() -> None:
    a = units("The ferry will run from Monday.", "The ferry will run from Monday.")
    b = units("The ferry will run from Monday.")
    pairs = align(a, b)
    assert len(pairs) == 1


def test_in_order() -> None:
    assert _in_order([(0, 0, 1), (1, 3, 1), (2, 1, 1), (3, 2, 1)]) == {0, 2, 3}
    assert _in_order([]) == set()
    # two crossing pairs of equal weight: neither is in order on every heaviest chain
    assert _in_order([(0, 1, 5), (1, 0, 5)]) == set()
    # the heavier one wins
    assert _in_order([(0, 1, 9), (1, 0, 5)]) == {0}
