"""`copydesk serve`: the HTTP API and the web pages over one index (uvicorn; extra ``serve``)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import click

from copydesk.cli.app import cli
from copydesk.cli.index import DB_OPTION
from copydesk.errors import MissingDependency

_NEEDED = {"fastapi": "fastapi", "uvicorn": "uvicorn", "jinja2": "jinja2", "multipart": "python-multipart"}


def _require() -> None:
    """MissingDependency (extra ``serve``) naming the first library of the service that is missing."""
    for module, package in _NEEDED.items():
        if importlib.util.find_spec(module) is None:
            raise MissingDependency(package, "serve", "copydesk serve")


@cli.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A file whose first line is the token writes need (else COPYDESK_TOKEN; neither: no writes).",
)
@click.option(
    "--max-body", default="10MB", show_default=True, metavar="SIZE", help="Largest request body (413 beyond)."
)
@click.option(
    "--fetch-urls", is_flag=True, help="Fetch a URL given in place of a text (public addresses only)."
)
@click.option(
    "--fetch-allow-private",
    is_flag=True,
    help="Let --fetch-urls reach private and loopback addresses (tests).",
)
@click.option(
    "--readers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Read connections per worker (threads of one worker share its interpreter: more workers, not more "
    "readers, use more cores).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes answering requests (one per core serves reads on every core).",
)
def serve_cmd(
    db: Path,
    host: str,
    port: int,
    token_file: Path | None,
    max_body: str,
    fetch_urls: bool,
    fetch_allow_private: bool,
    readers: int,
    workers: int,
) -> None:
    """Serve the index over HTTP: the JSON API (/api, described at /docs and /openapi.json) and the web
    pages (/ to paste an article, /stories, /outlets).

    Reads need nothing; writes (POST /api/articles) need Authorization: Bearer TOKEN, with the token from
    --token-file or the COPYDESK_TOKEN environment variable. Without a token the server only reads, and the
    index must exist. CORS is off; bind another --host only behind a proxy that adds TLS. Write jobs are
    kept in INDEX.jobs beside the index: every worker sees them, and a restart runs what was left queued.
    """
    _require()
    import uvicorn

    from copydesk.serve import ServeConfig, create_app
    from copydesk.serve.app import CONFIG_ENV
    from copydesk.serve.config import load_token, parse_size

    token = load_token(token_file)
    if token is None and not db.exists():
        raise click.UsageError(
            f"no index at {db}: build one with  copydesk add PATH... --db {db}  (or give a token to add by the API)"
        )
    config = ServeConfig(
        db=db,
        token=token,
        max_body=parse_size(max_body),
        fetch_urls=fetch_urls,
        fetch_allow_private=fetch_allow_private,
        readers=readers,
        workers=workers,
    )
    writes = "writes need the token" if token else "read-only (no token: writes answer 403)"
    procs = "" if workers == 1 else f", {workers} workers"
    click.echo(
        f"copydesk serve: {db} on http://{host}:{port}/ ({writes}{procs}); API docs at /docs", err=True
    )
    if workers == 1:
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning", server_header=False)
        return
    # uvicorn starts each worker afresh and builds its application from the settings in the environment
    os.environ[CONFIG_ENV] = config.to_json()
    uvicorn.run(
        "copydesk.serve.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
    )
