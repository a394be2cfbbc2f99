"""Write jobs kept in the jobs file beside the index: seen by every worker process, run by exactly one, left
queued or running by a stopped server and run when it starts again; and the answers the readers keep (story
facets, outlets, counts) follow each job as it commits."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from copydesk.engine.index import Index
from copydesk.serve import ServeConfig, create_app
from copydesk.serve.jobs import JobBook, jobs_path
from copydesk.serve.service import Service
from tests.serve.conftest import EXAMPLES, TOKEN, auth, client_for

ROOT = Path(__file__).resolve().parent.parent.parent


def copy_of_wire(n: int) -> dict[str, str]:
    text = (EXAMPLES / "wire.txt").read_text(encoding="utf-8")
    return {"id": f"copy-{n}", "text": f"{text}\nCopy {n} adds its own line.", "outlet": f"Copy Daily {n}"}


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def finished(client: TestClient, job: str) -> dict[str, Any]:
    for _ in range(1_000):
        body = ok(client.get(f"/api/jobs/{job}"))
        if body["state"] in ("done", "failed"):
            return body
        time.sleep(0.02)
    raise AssertionError(f"job {job} did not finish")


@pytest.fixture
def config(db: Path) -> ServeConfig:
    return ServeConfig(db=db, token=TOKEN, max_body=200_000)


def test_facets_follow_each_job(config: ServeConfig) -> None:
    for client in client_for(config):
        outlets = {o["outlet"] for o in ok(client.get("/api/stories"))["facets"]["outlets"]}
        before = ok(client.get("/api/health"))
        client.get("/stories")  # every reader has counted and kept the facets now
        for n in (1, 2):
            job = ok(client.post("/api/articles", json=copy_of_wire(n), headers=auth()), 202)["job"]
            assert finished(client, job)["state"] == "done"
            for _ in range(config.readers):  # each reader connection keeps its own answers
                listing = ok(client.get("/api/stories"))
                assert f"Copy Daily {n}" in {o["outlet"] for o in listing["facets"]["outlets"]} - outlets
                assert f"Copy Daily {n}" in client.get("/stories").text
                assert any(r["outlet"] == f"Copy Daily {n}" for r in ok(client.get("/api/outlets"))["rows"])
        assert ok(client.get("/api/health"))["articles"] == before["articles"] + 2


def test_jobs_are_shared_and_run_by_one_process(config: ServeConfig) -> None:
    # two services on one index stand for two worker processes (each takes the writer lock on its own file)
    first, second = Service(config), Service(config)
    try:
        a = TestClient(create_app(config, service=first))
        b = TestClient(create_app(config, service=second))
        jobs = [
            ok(c.post("/api/articles", json=copy_of_wire(n), headers=auth()), 202)["job"]
            for n, c in ((1, a), (2, b), (3, a))
        ]
        for job in jobs:
            assert finished(b, job)["state"] == "done" and finished(a, job)["state"] == "done"
        held = [s for s in (first, second) if s._lock._file is not None]
        assert len(held) == 1  # one writer
        ok(a.get("/api/articles/copy-2"))
        assert ok(b.get("/api/health"))["articles"] == ok(a.get("/api/health"))["articles"]
        held[0].close()  # the writer goes: the other takes over
        other = second if held[0] is first else first
        client = b if other is second else a
        job = ok(client.post("/api/articles", json=copy_of_wire(4), headers=auth()), 202)["job"]
        assert finished(client, job)["state"] == "done"
    finally:
        first.close()
        second.close()


def test_a_restart_runs_what_was_left(config: ServeConfig) -> None:
    book = JobBook(jobs_path(config.db))
    queued = book.submit([copy_of_wire(1)], max_queued=10)
    running = book.submit([copy_of_wire(2)], max_queued=10)
    assert queued is not None and running is not None
    claimed = book.claim()  # a server took the first job, and died before it finished
    assert claimed is not None and claimed[0].id == queued.id
    book.close()
    for client in client_for(config):
        for job in (queued.id, running.id):
            assert finished(client, job)["state"] == "done"
        assert ok(client.get("/api/health"))["articles"] == 6
    with Index(config.db, readonly=True) as index:
        assert {"copy-1", "copy-2"} <= set(index.store.ids())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def workers(db: Path, tmp_path: Path) -> Iterator[int]:
    """The port of ``copydesk serve --workers 2`` over a copy of the examples' index, with writes."""
    (tmp_path / "token").write_text(TOKEN)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "copydesk", "serve", "--db", str(db), "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*cmd, "--token-file", str(tmp_path / "token")], env=env, stderr=subprocess.PIPE
    )
    try:
        for _ in range(300):
            try:
                if _call(port, "GET", "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _call(port: int, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection: any worker answers
    try:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
        con.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        r = con.getresponse()
        return r.status, json.loads(r.read())
    finally:
        con.close()


def test_several_workers_see_every_job(workers: int) -> None:
    status, body = _call(workers, "POST", "/api/articles", [copy_of_wire(1), copy_of_wire(2)])
    assert status == 202, body
    processes: set[int] = set()
    for _ in range(1_000):
        status, state = _call(workers, "GET", f"/api/jobs/{body['job']}")
        assert status == 200, state  # whichever worker answers knows the job
        processes.add(_call(workers, "GET", "/api/health")[1]["process"])
        if state["state"] == "done" and len(processes) > 1:
            break
        time.sleep(0.02)
    assert state["state"] == "done" and state["summary"]["added"] == 2
    assert len(processes) == 2, processes  # both workers answered
    answers = [_call(workers, "GET", "/api/health")[1] for _ in range(20)]
    assert {a["articles"] for a in answers} == {6} and len({a["process"] for a in answers}) >= 1
