"""The JSON API under /api: every answer in one envelope (``{"ok": true, ...}``; errors in
`copydesk.serve.errors`), every list paged. Each endpoint is a few lines around one engine call; the objects
inside the envelope are those of `copydesk.engine.shapes`, as the command line's ``--format json`` gives them.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import os
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from copydesk.engine import shapes
from copydesk.engine.compare import compare
from copydesk.engine.index import Index
from copydesk.engine.view import article_in_story, story_view
from copydesk.model import Article
from copydesk.serve.errors import ApiError
from copydesk.serve.fetch import fetch_article
from copydesk.serve.models import ArticleIn, CompareIn, FindIn
from copydesk.serve.models import Query as ArticleQuery
from copydesk.serve.service import Service
from copydesk.store import StoryQuery

_ERROR = {
    "description": "an error: one sentence and the status",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["ok", "error", "status"],
                "properties": {
                    "ok": {"type": "boolean", "enum": [False]},
                    "error": {"type": "string"},
                    "status": {"type": "integer"},
                },
            }
        }
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {s: _ERROR for s in (400, 403, 404, 413, 422, 503)}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, 401: _ERROR, 403: _ERROR}
PER_PAGE = 20

router = APIRouter(prefix="/api", responses=ERRORS)
_bearer = HTTPBearer(auto_error=False, description="the token given to copydesk serve (--token-file)")


def service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


Svc = Annotated[Service, Depends(service)]
Page = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=200, description="rows per page")]


def writer(
    svc: Svc, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Service:
    """The service, when the request carries the write token (compared in constant time)."""
    token = svc.config.token
    if token is None:
        raise ApiError(
            403,
            "writes are disabled on this server: start it with --token-file FILE (or the COPYDESK_TOKEN "
            "environment variable) and send Authorization: Bearer TOKEN",
        )
    given = "" if credentials is None else credentials.credentials
    if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(
            401,
            "writes need the server's token: send Authorization: Bearer TOKEN"
            if credentials is None
            else "wrong token: send the token the server was started with",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return svc


def DateQuery(description: str) -> Any:
    """A date query parameter, YYYY-MM-DD (a lax parser would take numbers as timestamps)."""
    return Query(
        pattern=r"^\d{4}-\d{2}-\d{2}$", description=description, json_schema_extra={"format": "date"}
    )


def _date(name: str, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(422, f"{name}: not a date (YYYY-MM-DD), got {value!r}") from exc


def paged(rows: list[Any], *, page: int, per_page: int, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "ok": True,
        "rows": rows,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, math.ceil(total / per_page)),
        **extra,
    }


def query_article(svc: Service, index: Index, q: ArticleQuery) -> Article | str:
    """The article a query names: its text, a stored id, or a fetched page."""
    if q.id is not None:
        return q.id
    if q.url is not None:
        if not svc.config.fetch_urls:
            raise ApiError(
                403, "fetching URLs is disabled on this server (start it with --fetch-urls): send the text"
            )
        return fetch_article(
            q.url, allow_private=svc.config.fetch_allow_private, max_bytes=svc.config.max_body
        )
    return q.article()


@router.get("/health", summary="What the index holds")
def health(svc: Svc) -> dict[str, Any]:
    with svc.reader() as index:
        stats = index.stats()
        counts = index.store.story_counts()
    return {
        "ok": True,
        "articles": stats.articles,
        "aliases": stats.aliases,
        "stories": counts["stories_of_two_or_more"],
        "schema_version": stats.schema_version,
        "writes": svc.config.writes,
        "process": os.getpid(),
    }


def _find(svc: Service, q: FindIn | None, id: str | None, limit: int, floor: float | None) -> dict[str, Any]:
    with svc.reader() as index:
        query: Article | str = query_article(svc, index, q) if q is not None else id or ""
        hits = index.find(query, min_containment=floor, limit=limit)
    rows = [shapes.hit(h) for h in hits]
    return paged(rows, page=1, per_page=limit, total=len(rows), query=id if q is None else q.id)


@router.post("/find", summary="Articles sharing reused text with a text (or an indexed article)")
def find_post(body: FindIn, svc: Svc) -> dict[str, Any]:
    return _find(svc, body, None, body.limit, body.min_containment)


@router.get("/find", summary="Articles sharing reused text with an indexed article")
def find_get(
    svc: Svc,
    id: Annotated[str, Query(min_length=1, description="an article in the index")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    min_containment: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> dict[str, Any]:
    return _find(svc, None, id, limit, min_containment)


@router.post("/compare", summary="The full report on two articles (the compare JSON)")
def compare_post(body: CompareIn, svc: Svc) -> dict[str, Any]:
    with svc.reader() as index:
        a, b = (query_article(svc, index, q) for q in (body.a, body.b))
        result = compare(index.resolve(a), index.resolve(b), config=index.compare_config)
    return {"ok": True, "comparison": shapes.comparison(result)}


@router.get("/articles/{id:path}", summary="One article, its story and role")
def article_get(id: str, svc: Svc) -> dict[str, Any]:
    with svc.reader() as index:
        article, story, member = article_in_story(index, id)
    return {"ok": True, "article": shapes.article(article, member, None if story is None else story.id)}


@router.get("/stories", summary="The stories, filtered, with facet counts")
def stories_get(
    svc: Svc,
    page: Page = 1,
    per_page: PerPage = PER_PAGE,
    outlet: Annotated[str | None, Query(description="stories with a member of this outlet")] = None,
    since: Annotated[str | None, DateQuery("stories with a member on or after this date")] = None,
    until: Annotated[str | None, DateQuery("stories with a member on or before this date")] = None,
    uncredited: Annotated[bool, Query(description="only stories with an uncredited copy")] = False,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 2,
    q: Annotated[str | None, Query(max_length=200, description="text in a member's title or id")] = None,
    order: Literal["size", "newest"] = "size",
) -> dict[str, Any]:
    query = StoryQuery(
        outlet=outlet or None,
        since=_date("since", since),
        until=_date("until", until),
        uncredited=uncredited,
        min_size=min_size,
        q=q or None,
        order=order,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    found, listing = svc.lister().list_stories(query)
    facets = {
        "outlets": [{"outlet": o, "stories": n} for o, n in listing.outlets],
        "roles": [{"role": r, "members": n} for r, n in listing.roles],
    }
    rows = [shapes.story_row(s) for s in found]
    return paged(rows, page=page, per_page=per_page, total=listing.total, facets=facets)


@router.get(
    "/stories/{id:path}", summary="One story (a story id, or an article in it), as story --format json"
)
def story_get(id: str, svc: Svc) -> dict[str, Any]:
    with svc.reader() as index:
        view = story_view(index, id, max_members=None, scripts=False)
    return {"ok": True, "story": shapes.story_shown(view.story, view.reconstructed)}


@router.get("/outlets", summary="Per outlet: articles, stories run, copies, uncredited copies, top sources")
def outlets_get(svc: Svc, page: Page = 1, per_page: PerPage = 50) -> dict[str, Any]:
    rows = svc.lister().outlets()
    start = (page - 1) * per_page
    return paged(
        [shapes.outlet(r) for r in rows[start : start + per_page]],
        page=page,
        per_page=per_page,
        total=len(rows),
    )


@router.post(
    "/articles",
    status_code=202,
    responses=WRITE_ERRORS,
    summary="Add one article or a list (needs the token); answers with a job",
)
def articles_post(
    body: ArticleIn | Annotated[list[ArticleIn], Field(min_length=1)],
    svc: Annotated[Service, Depends(writer)],
) -> JSONResponse:
    items = body if isinstance(body, list) else [body]
    job = svc.submit([a.record() for a in items])
    return JSONResponse(
        {"ok": True, "job": job.id, "state": job.state, "articles": job.count},
        status_code=202,
        headers={"Location": f"/api/jobs/{job.id}"},
    )


@router.get("/jobs/{id}", summary="How far a write job is")
def job_get(id: str, svc: Svc) -> dict[str, Any]:
    return {"ok": True, **svc.job(id).to_dict()}
