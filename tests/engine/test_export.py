from __future__ import annotations

from copydesk.engine.export import body_words, representative
from copydesk.model import HIDDEN, Article, Story, StoryMember


def _story(root: str | None, ids: list[str]) -> Story:
    members = tuple(
        StoryMember(
            i, "copy" if root is None or i != root else "source", HIDDEN if root is None else None, 0.9, 0.8
        )
        for i in ids
    )
    return Story("s-1", root, root is None, members, ())


def test_representative_is_the_root_when_there_is_one() -> None:
    assert representative(_story("a", ["a", "b"]), {}) == "a"  # no text needed


def test_representative_of_a_hidden_source_is_the_longest_body() -> None:
    texts = {
        "a": Article(
            " date 2026-01-02 A long title that is not body\nfour words of body", id="a", body_start=47
        ),
        "b": Article("five words in this body", id="b"),
        "c": Article("five words in this one", id="c"),
    }
    assert body_words(texts["a"]) == 4
    assert representative(_story(None, ["a", "b", "c"]), texts) == "b"  # a tie goes to the earlier member
    assert representative(_story(None, ["c", "b", "a"]), texts) == "c"
