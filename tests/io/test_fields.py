from __future__ import annotations

import datetime as dt

import pytest

from copydesk.errors import ConfigError, InputError
from copydesk.io import FieldMap, Skipped, parse_date
from copydesk.io.fields import row_article


def test_field_map_defaults_name_each_field_after_itself() -> None:
    fields = FieldMap()
    assert (fields.id, fields.text, fields.title, fields.date, fields.url, fields.outlet) == (
        "id",
        "text",
        "title",
        "date",
        "url",
        "outlet",
    )
    assert fields.columns == {"id", "text", "title", "date", "url", "outlet"}


def test_field_map_is_frozen() -> None:
    with pytest.raises(AttributeError):
        FieldMap().text = "body"  # type: ignore[misc]


def test_field_map_parse_maps_and_unmaps() -> None:
    fields = FieldMap.parse(["text=body", " id = doc_id ", "outlet="])
    assert fields == FieldMap(text="body", id="doc_id", outlet=None)
    assert "outlet" not in fields.columns


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["body"], "field=column"),
        (["author=byline"], "unknown article field 'author'"),
        (["text="], "the text field must name a column"),
    ],
)
def test_field_map_parse_rejects_bad_specs(specs: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FieldMap.parse(specs)


def test_field_map_rejects_empty_column_names() -> None:
    with pytest.raises(ConfigError, match="field title must name a column or be None"):
        FieldMap(title="")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("2024-11-08", dt.date(2024, 11, 8)),
        ("2024-11-08T23:30:00-05:00", dt.date(2024, 11, 8)),
        ("2024-11-08T09:30:00Z", dt.date(2024, 11, 8)),
        ("20241108", dt.date(2024, 11, 8)),
        ("Fri, 08 Nov 2024 09:30:00 GMT", dt.date(2024, 11, 8)),
        (dt.date(2024, 11, 8), dt.date(2024, 11, 8)),
        (dt.datetime(2024, 11, 8, 23, 59), dt.date(2024, 11, 8)),
    ],
)
def test_parse_date_accepts_iso_and_rfc_2822(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["08/11/2024", "yesterday", 20241108, 1.5])
def test_parse_date_rejects_anything_else_with_the_value(value: object) -> None:
    with pytest.raises(InputError, match="invalid date") as info:
        parse_date(value)
    assert repr(value) in str(info.value)


def test_row_article_maps_fields_and_keeps_the_rest_as_meta() -> None:
    row = {"doc": "7", "body": "Some text.", "headline": "T", "when": "2024-11-08", "lang": "en", "n": 3}
    fields = FieldMap(id="doc", text="body", title="headline", date="when")
    article = row_article(row, fields, default_id="f.jsonl:1", max_chars=100)
    assert article.id == "7"
    assert article.text == "Some text."
    assert article.title == "T"
    assert article.date == dt.date(2024, 11, 8)
    assert article.meta == {"lang": "en", "n": 3}


def test_row_article_unmapped_field_goes_to_meta() -> None:
    row = {"text": "Some text.", "date": "not a date"}
    article = row_article(row, FieldMap(date=None), default_id="x", max_chars=100)
    assert article.date is None
    assert article.meta == {"date": "not a date"}


def test_row_article_numbers_become_string_ids() -> None:
    article = row_article({"id": 12, "text": "x"}, FieldMap(), default_id="d", max_chars=10)
    assert article.id == "12"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"body": "x"}, "missing text field 'text' (keys: body)"),
        ({"text": None}, "empty text in field 'text'"),
        ({"text": "  \n"}, "empty text in field 'text'"),
        ({"text": 5}, "text field 'text' must be a string, got int"),
        ({"text": "x" * 11}, "text longer than max_chars (11 characters > 10)"),
        ({"text": "x", "date": "soon"}, "field 'date': invalid date 'soon'"),
        ({"text": "x", "title": ["a"]}, "field 'title' must be a string, got list"),
    ],
)
def test_row_article_says_what_is_wrong(row: dict[str, object], reason: str) -> None:
    with pytest.raises(InputError) as info:
        row_article(row, FieldMap(), default_id="d", max_chars=10)
    assert info.value.reason.startswith(reason)


def test_skipped_message_names_file_and_line() -> None:
    assert Skipped("a/b.jsonl", 3, "invalid JSON: x").message == "a/b.jsonl:3: invalid JSON: x"
    assert Skipped("a/b.bin", None, "binary file").message == "a/b.bin: binary file"
