"""The JSON API: the envelope, the objects of `copydesk.engine.shapes`, paging, writes as jobs."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from copydesk.engine import shapes
from copydesk.engine.index import Index
from copydesk.engine.view import find_story
from tests.serve.conftest import EXAMPLES, auth


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["ok"] is True
    return body


def test_health(reader: TestClient) -> None:
    body = ok(reader.get("/api/health"))
    assert body["articles"] == 4 and body["stories"] == 1 and body["schema_version"] >= 6
    assert body["writes"] is False


def test_find_by_text_and_by_id_give_the_engine_s_hits(reader: TestClient, example_db: Path) -> None:
    text = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
    by_text = ok(reader.post("/api/find", json={"text": text, "limit": 5}))
    by_id = ok(reader.get("/api/find", params={"id": "wire.txt"}))
    with Index(example_db, readonly=True) as index:
        expected = [shapes.hit(h) for h in index.find("wire.txt")]
    assert by_id["rows"] == expected and by_id["total"] == len(expected) and by_id["page"] == 1
    assert by_text["rows"] and by_text["rows"][0]["passages"]
    assert {"ledger.txt", "wire.txt"} & {r["id"] for r in by_text["rows"]}


def test_compare_by_id_and_text(reader: TestClient) -> None:
    text = (EXAMPLES / "ledger.txt").read_text(encoding="utf-8")
    body = ok(reader.post("/api/compare", json={"a": {"id": "wire.txt"}, "b": {"text": text}}))
    assert body["comparison"]["verdict"] == "b_from_a" and body["comparison"]["schema_version"] >= 1


def test_article_story_and_listing(reader: TestClient, example_db: Path) -> None:
    art = ok(reader.get("/api/articles/wire.txt"))["article"]
    assert art["role"] == "source" and art["parent"] is None and art["story"]
    assert art["text"] == (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    story = ok(reader.get(f"/api/stories/{art['story']}"))["story"]
    with Index(example_db, readonly=True) as index:
        assert story == shapes.story_shown(find_story(index, "wire.txt")[0], None)
    assert ok(reader.get("/api/stories/wire.txt"))["story"] == story  # by an article of it
    listing = ok(reader.get("/api/stories", params={"per_page": 1}))
    assert listing["total"] == 1 and listing["pages"] == 1 and listing["rows"][0]["id"] == story["id"]
    assert {f["role"] for f in listing["facets"]["roles"]} >= {"source", "copy"}
    assert listing["facets"]["outlets"]
    outlet = listing["facets"]["outlets"][0]["outlet"]
    assert ok(reader.get("/api/stories", params={"outlet": outlet}))["total"] == 1
    assert ok(reader.get("/api/stories", params={"q": "no such words"}))["total"] == 0
    assert ok(reader.get("/api/stories", params={"since": "2100-01-01"}))["total"] == 0
    assert ok(reader.get("/api/stories", params={"until": "2000-01-01"}))["total"] == 0
    assert ok(reader.get("/api/stories", params={"page": 2}))["rows"] == []


def test_outlets(reader: TestClient) -> None:
    body = ok(reader.get("/api/outlets"))
    assert body["total"] == len(body["rows"]) >= 2
    assert sum(r["articles"] for r in body["rows"]) == 7  # 4 articles and 3 aliases


def test_reads_never_write(example_db: Path, reader: TestClient) -> None:
    def digest() -> str:
        return hashlib.sha256(example_db.read_bytes()).hexdigest()

    before = digest()
    for path in ("/api/health", "/api/stories", "/api/stories/wire.txt", "/api/find?id=wire.txt", "/stories"):
        assert reader.get(path).status_code == 200
    assert digest() == before
    assert not Path(str(example_db) + "-wal").exists() or Path(str(example_db) + "-wal").stat().st_size == 0


def wait(client: TestClient, job: str) -> dict[str, Any]:
    for _ in range(500):
        body = ok(client.get(f"/api/jobs/{job}"))
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.02)
    raise AssertionError(f"job {job} did not finish")


def test_write_job_adds_then_updates_stories(writer: TestClient) -> None:
    text = (EXAMPLES / "wire.txt").read_text(encoding="utf-8").replace("Port Aldren", "Port Aldrin")
    articles = [
        {"id": "new-1", "text": text, "outlet": "Copy Weekly"},
        {"id": "new-1", "text": "another text"},
    ]
    sent = writer.post("/api/articles", json=articles, headers=auth())
    body = ok(sent, 202)
    assert body["articles"] == 2 and sent.headers["location"] == f"/api/jobs/{body['job']}"
    done = wait(writer, body["job"])
    assert done["state"] == "done" and done["error"] is None
    summary = done["summary"]
    assert (
        summary["added"] == 1
        and summary["already_present_same_id"] == 1
        and summary["stories"]["articles"] == 1
    )
    assert ok(writer.get("/api/articles/new-1"))["article"]["story"] is not None
    assert ok(writer.get("/api/health"))["articles"] == 5
    one = ok(writer.post("/api/articles", json={"text": "a single article, " * 20}, headers=auth()), 202)
    done = wait(writer, one["job"])
    assert done["summary"]["added"] == 1, done["summary"]
