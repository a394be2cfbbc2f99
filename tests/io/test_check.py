"""`check_article`: what cannot be stored is refused, what can be kept is repaired or converted, and said."""

from __future__ import annotations

import datetime as dt
import enum

import numpy as np
import pytest

from copydesk.errors import InputError
from copydesk.io.check import MAX_DEPTH, check_article
from copydesk.model import Article, Origin


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize("id_", ["b\x00c", "x\x1by", "del\x7f", "c1\x9b", "s\udc80", "", None])
def test_ids_that_cannot_be_keys_are_refused(id_: str | None) -> None:
    with pytest.raises(InputError, match="id"):
        check_article(Article("text", id=id_))


def test_a_clean_article_is_returned_as_it_is() -> None:
    article = Article(
        "“Curly” text", id="[/]", title="t", meta={"a": [1, {"b": None}], "c": 1.5}, origin=Origin("f", 2)
    )
    assert check_article(article) == (article, ())
    assert check_article(article)[0] is article


def test_meta_values_take_a_json_form() -> None:
    meta = {
        "ts": dt.datetime(2024, 11, 8, 9, 30, tzinfo=dt.UTC),
        "t": dt.time(9, 30),
        "d": dt.timedelta(minutes=2),
        "b": bytearray(b"\x00\xff"),
        "np": np.float32(0.5),
        "e": Level.HIGH,
        "s": {3, 1},
        "t2": (1, "\udc80"),
        "ninf": float("-inf"),
        1: "int key",
    }
    article, notes = check_article(Article("x", id="a", meta=meta))
    assert article.meta == {
        "ts": "2024-11-08T09:30:00+00:00",
        "t": "09:30:00",
        "d": 120.0,
        "b": "AP8=",
        "np": 0.5,
        "e": 3,
        "s": [1, 3],
        "t2": [1, "\ufffd"],
        "ninf": "-Infinity",
        "1": "int key",
    }
    assert notes == ("meta 't2': 1 lone surrogate replaced with U+FFFD",)


def test_meta_nested_too_deeply_is_dropped_with_a_note() -> None:
    deep: object = "x"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    article, notes = check_article(Article("x", id="a", meta={"deep": deep, "ok": 1}))
    assert article.meta == {"ok": 1} and notes == (
        f"meta 'deep' dropped: nested more than {MAX_DEPTH} levels",
    )


def test_wrong_types_are_refused_with_the_field_named() -> None:
    with pytest.raises(InputError, match="title must be a string"):
        check_article(Article("x", id="a", title=5))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="date must be"):
        check_article(Article("x", id="a", date="2024-01-01"))  # type: ignore[arg-type]
