"""The listings are counted ahead of the first request (`Service.warm`): at start, the first `/stories` and
`/outlets` answers come from what was counted, not from a count over every story made for them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from copydesk.serve import ServeConfig, create_app
from copydesk.serve.api import PER_PAGE
from copydesk.serve.service import Service
from copydesk.store import story_search


def _no_count(*args: object, **kwargs: object) -> object:
    raise AssertionError("counted again: the warm-up's counts were not used")


def test_the_first_listings_are_served_from_the_counts_made_ahead(
    example_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ServeConfig(db=example_db)
    service = Service(config)
    try:
        with TestClient(create_app(config, service=service), raise_server_exceptions=False) as client:
            service.warm(PER_PAGE)  # as the start does in a thread of its own; joined here
            for name in ("facets", "rows", "outlets"):
                monkeypatch.setattr(story_search, name, _no_count)
            stories = client.get("/api/stories").json()
            assert stories["ok"] and stories["total"] >= 1 and stories["facets"]
            assert client.get("/api/outlets").json()["ok"]
            assert client.get("/stories").status_code == 200
    finally:
        service.close()


def test_warming_an_unreadable_index_only_logs(example_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    service = Service(ServeConfig(db=example_db))
    try:
        service.lister().close()  # the listing connection is gone: the count fails
        service.warm(PER_PAGE)
        assert "could not count the listings ahead" in caplog.text
    finally:
        service.close()


def test_a_worker_process_takes_its_settings_and_core_from_the_environment(
    example_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk import core
    from copydesk.serve.app import app_from_environment
    from copydesk.serve.config import ServeConfig
    from tests.conftest import SUITE_CORE

    monkeypatch.setenv("COPYDESK_SERVE_CONFIG", ServeConfig(db=example_db).to_json())
    monkeypatch.setenv("COPYDESK_CORE", "python")
    try:
        app = app_from_environment()
        assert core.name() == "python" and app.title
    finally:
        core.use(SUITE_CORE)
