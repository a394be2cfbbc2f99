"""Every failure of a request as one JSON body, ``{"ok": false, "error": "one sentence", "status": N}``
(`copydesk.engine.shapes.error`), or the same sentence on an HTML page for a page request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from copydesk.engine import shapes
from copydesk.errors import (
    ArticleNotFound,
    ConfigError,
    CopydeskError,
    InputError,
    MissingDependency,
    StoreError,
)

log = logging.getLogger("copydesk.serve")


class ApiError(Exception):
    """A request refused with an HTTP status and one sentence saying why and what to do."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def status_of(exc: CopydeskError) -> int:
    if isinstance(exc, ArticleNotFound):
        return 404
    if isinstance(exc, InputError | ConfigError):
        return 400
    if isinstance(exc, MissingDependency):
        return 501
    if isinstance(exc, StoreError) and "waited" in str(exc):
        return 503
    return 500


def _field(loc: tuple[Any, ...]) -> str:
    # a union's branches appear by their type names (ArticleIn, list[ArticleIn]): not fields
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path") and not (isinstance(p, str) and (p[:1].isupper() or "[" in p))
    ]
    return ".".join(parts) or "the request body"


def validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    msg = str(first.get("msg", "invalid")).rstrip(".")
    if first.get("type") == "json_invalid":
        return f"the body is not valid JSON: {msg}{more}"
    return f"{_field(tuple(first.get('loc', ())))}: {msg}{more}"


def _allowed(request: Request) -> list[str]:
    """Every method some route serves at the request's path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods - {"HEAD"})


PageRenderer = Callable[[Request, int, str], HTMLResponse]


def install(app: FastAPI, page: PageRenderer) -> None:
    """Map every exception to the error shape (JSON under /api and for the API's own paths, else a page)."""

    def answer(
        request: Request, status: int, message: str, headers: dict[str, str] | None = None
    ) -> Response:
        path = request.url.path
        if path.startswith("/api") or path in ("/openapi.json", "/docs"):
            return JSONResponse(shapes.error(message, status), status_code=status, headers=headers)
        out = page(request, status, message)
        if headers:
            out.headers.update(headers)
        return out

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return answer(request, exc.status, exc.message, exc.headers)

    async def copydesk_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CopydeskError)
        status = status_of(exc)
        if status == 500:
            log.error("request %s failed: %s", request.url.path, exc)
        return answer(request, status, str(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return answer(request, 422, validation_message(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            message = f"nothing at {request.method} {request.url.path}: the API is described at /docs"
        elif exc.status_code == 405:
            allowed = _allowed(request)
            message = f"{request.method} is not allowed on {request.url.path}: use {', '.join(allowed)}"
            return answer(request, 405, message, {"Allow": ", ".join(allowed)})
        else:
            message = str(exc.detail)
        return answer(request, exc.status_code, message, dict(exc.headers or {}) or None)

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("request %s %s failed", request.method, request.url.path)
        return answer(request, 500, "internal error: the server logged it; the request had no effect")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(CopydeskError, copydesk_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, crash)
