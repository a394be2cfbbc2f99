"""An index of the project's examples, and clients of the service over it (FastAPI's TestClient)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service needs fastapi (pip install -e '.[serve]')")
pytest.importorskip("httpx", reason="the service tests need httpx (pip install -e '.[dev]')")

from fastapi.testclient import TestClient

from copydesk.engine.index import Index
from copydesk.io import read
from copydesk.serve import ServeConfig, create_app
from copydesk.serve.service import Service

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
TOKEN = "test-token-0123456789"


def build(path: Path) -> Path:
    """The examples added as `copydesk add examples` adds them, stories up to date."""
    with Index(path) as index:
        index.add(read([str(EXAMPLES)]), workers=0)
        index.update_stories()
    return path


@pytest.fixture(scope="session")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("serve") / "examples.db")


@pytest.fixture
def db(example_db: Path, tmp_path: Path) -> Path:
    """A copy of the example index this test may write to."""
    path = tmp_path / "examples.db"
    shutil.copy(example_db, path)
    return path


def client_for(config: ServeConfig) -> Iterator[TestClient]:
    service = Service(config)
    try:
        with TestClient(create_app(config, service=service), raise_server_exceptions=False) as client:
            yield client
    finally:
        service.close()


@pytest.fixture
def reader(example_db: Path) -> Iterator[TestClient]:
    """A client of a read-only server (no token) over the shared example index."""
    yield from client_for(ServeConfig(db=example_db))


@pytest.fixture
def writer(db: Path) -> Iterator[TestClient]:
    """A client of a server that allows writes (token `TOKEN`) over a copy of the example index."""
    yield from client_for(ServeConfig(db=db, token=TOKEN, max_body=200_000))


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
