"""Every failure is one JSON body ``{"ok": false, "error": "...", "status": N}`` with the right status:
one test per status, FastAPI's own validation errors included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copydesk.serve import ServeConfig
from tests.serve.conftest import auth, client_for


def error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"]
    return str(body["error"])


def test_400_bad_input(example_db: Path) -> None:
    for client in client_for(ServeConfig(db=example_db, fetch_urls=True)):
        assert "http and https" in error(client.post("/api/find", json={"url": "ftp://example.org/"}), 400)
        message = error(client.post("/api/find", json={"url": "http://127.0.0.1:9/"}), 400)
        assert "private or local" in message


def test_401_no_or_wrong_token(writer: TestClient) -> None:
    assert "Bearer" in error(writer.post("/api/articles", json={"text": "x"}), 401)
    assert "wrong token" in error(writer.post("/api/articles", json={"text": "x"}, headers=auth("nope")), 401)
    wrong = writer.post("/api/articles", json={"text": "x"}, headers=auth("nope"))
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_403_writes_disabled_says_how_to_enable(reader: TestClient) -> None:
    message = error(reader.post("/api/articles", json={"text": "x"}, headers=auth()), 403)
    assert "--token-file" in message and "COPYDESK_TOKEN" in message
    assert "--fetch-urls" in error(reader.post("/api/find", json={"url": "http://example.org/"}), 403)


def test_404(reader: TestClient) -> None:
    assert "no-such-id" in error(reader.get("/api/articles/no-such-id"), 404)
    error(reader.get("/api/stories/no-such-story"), 404)
    error(reader.get("/api/jobs/no-such-job"), 404)
    error(reader.get("/api/find", params={"id": "no-such-id"}), 404)
    assert "/docs" in error(reader.get("/api/no/such/endpoint"), 404)


def test_405(reader: TestClient) -> None:
    error(reader.delete("/api/health"), 405)


def test_413_body_over_the_limit(writer: TestClient) -> None:
    big = {"text": "word " * 60_000}  # over the 200 kB of the fixture
    assert "--max-body" in error(writer.post("/api/articles", json=big, headers=auth()), 413)
    assert "--max-body" in error(writer.post("/api/find", json=big), 413)  # before any token check or parse


def test_413_without_a_content_length(writer: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 10_000

    error(writer.post("/api/find", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_422_invalid_fields(reader: TestClient, writer: TestClient) -> None:
    assert "limit" in error(reader.post("/api/find", json={"text": "x", "limit": 0}), 422)
    assert "exactly one" in error(reader.post("/api/find", json={"text": "x", "id": "y"}), 422)
    # what pydantic would coerce (0.0 to 1970-01-01, false to 0): refused, as the schema says
    assert "date" in error(reader.post("/api/find", json={"text": "x", "date": 0.0}), 422)
    assert "min_containment" in error(
        reader.post("/api/find", json={"text": "x", "min_containment": False}), 422
    )
    assert "limit" in error(reader.post("/api/find", json={"text": "x", "limit": True}), 422)
    error(reader.post("/api/find", content=b"{not json", headers={"content-type": "application/json"}), 422)
    assert "since" in error(reader.get("/api/stories", params={"since": "yesterday"}), 422)
    assert "until" in error(reader.get("/api/stories", params={"until": "2024-13-45"}), 422)
    assert "ArticleIn" not in error(writer.post("/api/articles", json=[], headers=auth()), 422)
    assert "text" in error(writer.post("/api/articles", json={"title": "no text"}, headers=auth()), 422)


def test_503_busy(example_db: Path) -> None:
    config = ServeConfig(db=example_db, readers=1, wait=0.05)
    for client in client_for(config):
        service = client.app.state.service  # type: ignore[attr-defined]
        with service.reader():
            response = client.get("/api/health")
            assert "busy" in error(response, 503) and response.headers["retry-after"] == "1"


def test_500_is_the_same_shape(reader: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from copydesk.engine.index import Index

    def boom(self: Index) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Index, "stats", boom)
    message = error(reader.get("/api/health"), 500)
    assert "secret" not in message


def test_pages_say_the_same_sentence_in_html(reader: TestClient) -> None:
    page = reader.get("/articles/no-such-id")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no-such-id" in page.text
