"""`create_app`: the FastAPI application of `copydesk serve`, its API (`api`), pages (`pages`), error
shape (`errors`) and body limit (`limits`) over one `Service`. CORS stays off: no cross-origin headers are
sent, so a browser lets no other site read the answers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from copydesk import __version__, core
from copydesk.errors import ConfigError
from copydesk.serve import api, errors, pages
from copydesk.serve.config import ServeConfig
from copydesk.serve.limits import BodyLimit
from copydesk.serve.service import Service

# The settings of `copydesk serve --workers N` for its worker processes (JSON of `ServeConfig`).
CONFIG_ENV = "COPYDESK_SERVE_CONFIG"
DESCRIPTION = """Find where a news article was republished, group the copies into stories with provenance.

Every answer is one JSON object: `{"ok": true, ...}`, lists in `rows` with `page`, `per_page`, `total`
and `pages`; an error is `{"ok": false, "error": "one sentence", "status": N}`. Writes
(`POST /api/articles`) need `Authorization: Bearer TOKEN`, the token the server was started with.
"""


def create_app(config: ServeConfig, *, service: Service | None = None) -> FastAPI:
    """The application serving ``config.db``; ``service`` for tests (default: opened from ``config``, and
    closed when the application shuts down)."""
    svc = service or Service(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc.warm_later(api.PER_PAGE)
        yield
        if service is None:
            svc.close()

    app = FastAPI(
        title="copydesk",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = svc
    errors.install(app, pages.error_page)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, max_body=config.max_body)
    return app


def app_from_environment() -> FastAPI:
    """The application of one worker process of ``copydesk serve --workers N`` (uvicorn starts each with
    this factory): the settings are the JSON in the ``COPYDESK_SERVE_CONFIG`` environment variable, the core
    the one ``COPYDESK_CORE`` names (as for the command that started it)."""
    core.use(os.environ.get("COPYDESK_CORE") or None)
    text = os.environ.get(CONFIG_ENV)
    if not text:
        raise ConfigError(f"{CONFIG_ENV} is not set: start the workers with copydesk serve --workers N")
    return create_app(ServeConfig.from_json(text))
