"""The request bodies of the API (pydantic), as the OpenAPI document at /openapi.json describes them."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from copydesk.model import Article


class Query(BaseModel):
    """An article given by its text (and optional record), or by the id of an indexed article."""

    # exactly one of id, text and url, each a string when given (no nulls: the schema can then say so)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["id"]}, {"required": ["text"]}, {"required": ["url"]}]},
    )

    id: str | SkipJsonSchema[None] = Field(None, description="an article in the index (instead of text)")
    text: str | SkipJsonSchema[None] = Field(None, description="the article's text")
    url: str | SkipJsonSchema[None] = Field(
        None, description="a page to fetch for its main text (only when the server runs with --fetch-urls)"
    )
    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_written(cls, value: object) -> object:
        """A date is an ISO 8601 string, as the schema says (pydantic would take 0.0 for 1970-01-01)."""
        if value is not None and not isinstance(value, str | dt.date):
            raise ValueError("date must be a string YYYY-MM-DD")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Query:
        given = [name for name in ("id", "text", "url") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of id, text or url, got {given or 'none'}")
        return self

    def article(self) -> Article:
        """The article of a query by text (not by id or url)."""
        assert self.text is not None
        return Article(text=self.text, title=self.title, date=self.date, outlet=self.outlet)


class FindIn(Query):
    limit: int = Field(20, ge=1, le=200, description="most hits returned")
    min_containment: float | None = Field(
        None, ge=0, le=1, description="keep hits whose larger containment reaches this (default 0.2)"
    )

    @field_validator("limit", "min_containment", mode="before")
    @classmethod
    def _number_not_bool(cls, value: object) -> object:
        """A number, not true or false (which pydantic would take for 1 and 0)."""
        if isinstance(value, bool):
            raise ValueError("must be a number, not true or false")
        return value


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: Query
    b: Query


class ArticleIn(BaseModel):
    """One article as `copydesk add` reads it from JSON Lines: ``text`` and optional fields; other keys
    are kept as metadata."""

    model_config = ConfigDict(extra="allow")

    text: str = Field(description="the original text")
    id: str | None = Field(None, description="its id (default: sha256: and the hash of its text)")
    title: str | None = None
    date: str | None = Field(None, description="publication date, ISO 8601")
    url: str | None = None
    outlet: str | None = None

    def record(self) -> dict[str, Any]:
        """The article as a mapping for `Index.add`; without an id, it is named by its text's hash."""
        out = {k: v for k, v in self.model_dump().items() if v is not None}
        if not self.id:
            out["id"] = (
                "sha256:" + hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
            )
        return out
