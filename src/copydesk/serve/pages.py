"""The web pages, server-rendered (Jinja2, autoescaped): paste an article and see its matches, the stories
with filters and facets, one story, one article, the outlets. Each page is a few lines around engine calls;
the compare and story pages are the command line's own (`copydesk.io.html`, `copydesk.io.story_html`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from copydesk.engine.index import Hit, Index
from copydesk.engine.view import article_in_story, find_story, story_view
from copydesk.errors import ArticleNotFound, InputError
from copydesk.io.html import render_compare_html
from copydesk.io.story_html import render_story_html
from copydesk.io.web import extract, web_article
from copydesk.model import HIDDEN, Article, Story, StoryMember
from copydesk.serve.api import PER_PAGE, service
from copydesk.serve.errors import ApiError
from copydesk.serve.fetch import fetch_article
from copydesk.serve.marks import bars, marked, timeline
from copydesk.serve.service import Service
from copydesk.store import StoryQuery

router = APIRouter(include_in_schema=False)
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_HITS_SHOWN = 10
_CHILDREN_READ = 10


def _href(value: object) -> str:
    return quote(str(value), safe="/")


@functools.cache
def env() -> Environment:
    e = Environment(
        loader=PackageLoader("copydesk.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters["u"] = _href
    e.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    return e


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    svc: Service = request.app.state.service
    html = env().get_template(name).render(writes=svc.config.writes, fetch=svc.config.fetch_urls, **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


@router.get("/assets/{name}")
def asset(name: Literal["serve.css", "serve.js"]) -> Response:
    text = resources.files("copydesk.serve").joinpath("templates", name).read_text(encoding="utf-8")
    kind = "text/css" if name.endswith(".css") else "text/javascript"
    return PlainTextResponse(text, media_type=kind, headers={"Cache-Control": "max-age=3600"})


# -- paste an article ------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    svc = service(request)
    with svc.reader() as index:
        stats = index.stats()
    return render(request, "home.html", stats=stats, form={})


def _uploaded(data: bytes, name: str, max_bytes: int) -> Article:
    doc = extract(data, max_bytes=max_bytes)
    if doc is None:
        raise InputError(f"no main text found in the uploaded file {name!r}: paste its text instead")
    return web_article(doc, id=name, url=None, max_chars=max_bytes)


@router.post("/", response_class=HTMLResponse)
async def matches(
    request: Request,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    file: UploadFile | None = None,
) -> HTMLResponse:
    svc = service(request)
    cfg = svc.config
    form = {"text": text, "title": title, "date": date, "outlet": outlet, "url": url}
    when = None
    if date.strip():
        try:
            when = dt.date.fromisoformat(date.strip())
        except ValueError as exc:
            raise ApiError(400, f"the date must read YYYY-MM-DD, got {date!r}") from exc
    if file is not None and file.filename:
        query = _uploaded(await file.read(cfg.max_body + 1), file.filename, cfg.max_body)
    elif url.strip() and not text.strip():
        if not cfg.fetch_urls:
            raise ApiError(
                400, "this server does not fetch URLs (start it with --fetch-urls): paste the text"
            )
        query = fetch_article(url.strip(), allow_private=cfg.fetch_allow_private, max_bytes=cfg.max_body)
    elif text.strip():
        query = Article(text=text, title=title or None, date=when, outlet=outlet or None)
    else:
        raise ApiError(400, "paste an article's text (or upload an HTML file) to find where it was published")
    form["text"] = query.text
    with svc.reader() as index:
        hits = index.find(query, limit=_HITS_SHOWN)
        rows = [_hit_row(index, query, h) for h in hits]
    return render(request, "matches.html", query=query, rows=rows, form=form)


def _hit_row(index: Index, query: Article, hit: Hit) -> dict[str, Any]:
    other = index.get(hit.id)
    try:
        story, _ = find_story(index, hit.id)
        member = next((m for m in story.members if m.id == hit.id), None)
    except ArticleNotFound:
        story, member = None, None
    return {
        "hit": hit,
        "story": story,
        "member": member,
        "query_marked": marked(query.text, [(p.a_start, p.a_end) for p in hit.passages]),
        "hit_marked": marked(other.text, [(p.b_start, p.b_end) for p in hit.passages]),
        "words": sum(p.words for p in hit.passages),
    }


@router.post("/compare", response_class=HTMLResponse)
def compare_pasted(
    request: Request,
    hit: Annotated[str, Form(min_length=1)],
    text: Annotated[str, Form(min_length=1)],
    title: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
) -> HTMLResponse:
    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        when = None
    query = Article(text=text, id="pasted", title=title or None, outlet=outlet or None, date=when)
    with service(request).reader() as index:
        result = index.explain(query, hit)
    return HTMLResponse(render_compare_html(result, title=f"copydesk: the pasted article vs {hit}"))


@router.get("/compare", response_class=HTMLResponse)
def compare_stored(
    request: Request, a: Annotated[str, Query(min_length=1)], b: Annotated[str, Query(min_length=1)]
) -> HTMLResponse:
    with service(request).reader() as index:
        result = index.explain(a, b)
    return HTMLResponse(render_compare_html(result))


# -- stories ---------------------------------------------------------------------------------------------


@router.get("/stories", response_class=HTMLResponse)
def stories(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    outlet: str = "",
    since: str = "",
    until: str = "",
    uncredited: str = "",
    min_size: str = "2",
    q: Annotated[str, Query(max_length=200)] = "",
    order: Literal["size", "newest"] = "size",
) -> HTMLResponse:
    # a form sends empty fields: read them leniently, as the form means them
    smallest = int(min_size) if min_size.strip().isdigit() and int(min_size) >= 1 else 2
    flagged = uncredited.lower() in ("1", "true", "on", "yes")
    dates = {}
    for name, value in (("since", since), ("until", until)):
        try:
            dates[name] = dt.date.fromisoformat(value) if value else None
        except ValueError as exc:
            raise ApiError(400, f"{name} must read YYYY-MM-DD, got {value!r}") from exc
    query = StoryQuery(
        outlet=outlet or None,
        since=dates["since"],
        until=dates["until"],
        uncredited=flagged,
        min_size=smallest,
        q=q or None,
        order=order,
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    found, listing = service(request).lister().list_stories(query)
    filters = {
        "outlet": outlet,
        "since": since,
        "until": until,
        "uncredited": "1" if flagged else "",
        "min_size": str(smallest),
        "q": q,
        "order": order,
    }

    def link(**change: object) -> str:
        params = {**filters, "page": "1", **{k: str(v) for k, v in change.items()}}
        return "/stories?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    pages = max(1, math.ceil(listing.total / PER_PAGE))
    return render(
        request,
        "stories.html",
        stories=found,
        listing=listing,
        filters=filters,
        link=link,
        page=page,
        pages=pages,
    )


def _extras(story: Story) -> tuple[str, str]:
    """The parts the server adds to the story page: a navigation bar, and the members table and timeline."""
    nav = env().get_template("story_nav.html").render(story=story)
    extra = env().get_template("story_extra.html").render(story=story, timeline=timeline(story))
    return nav, extra


@router.get("/stories/{key:path}", response_class=HTMLResponse)
def story_page(request: Request, key: str) -> HTMLResponse:
    with service(request).reader() as index:
        view = story_view(index, key)
    story, shown = view.story, view.shown
    cut = f" (showing {shown.size:,} of its {story.size:,} articles)" if view.cut else ""
    nav, extra = _extras(story)
    html = render_story_html(
        shown,
        view.comparisons,
        title=f"copydesk: story {story.id}{cut}",
        before=nav,
        after=extra,
        reconstructed=view.reconstructed,
    )
    return HTMLResponse(html)


# -- articles and outlets --------------------------------------------------------------------------------


def _reused(
    index: Index, article: Article, story: Story | None, member: StoryMember | None
) -> dict[str, Any]:
    """What the article page marks: the spans taken from its parent, else the spans its copies took."""
    if story is None or member is None:
        return {"spans": [], "how": None}
    if member.parent is not None and member.parent != HIDDEN:
        c = index.explain(member.parent, article.id or "")
        return {"spans": c.reused_spans("b"), "how": "from_source"}
    near = [m.id for m in story.members if m.parent == article.id and m.role != "alias"]
    if member.parent == HIDDEN:
        near += [m.id for m in story.members if m.parent == HIDDEN and m.id != article.id]
    spans: list[tuple[int, int]] = []
    for other in near[:_CHILDREN_READ]:
        spans += index.explain(article.id or "", other).reused_spans("a")
    return {"spans": spans, "how": "taken" if member.parent is None else "shared"}


@router.get("/articles/{id:path}", response_class=HTMLResponse)
def article_page(request: Request, id: str) -> HTMLResponse:
    with service(request).reader() as index:
        article, story, member = article_in_story(index, id)
        reused = _reused(index, article, story, member)
    members = {} if story is None else {m.id: m for m in story.members}
    copies = [] if story is None else [m for m in story.members if m.parent == id]
    return render(
        request,
        "article.html",
        article=article,
        story=story,
        member=member,
        parent=None if member is None or member.parent is None else members.get(member.parent),
        copies=copies,
        text=marked(article.text, reused["spans"]),
        how=reused["how"],
        hidden=HIDDEN,
    )


@router.get("/outlets", response_class=HTMLResponse)
def outlets(request: Request) -> HTMLResponse:
    rows = service(request).lister().outlets()
    chart = bars([(r.outlet or "(no outlet)", r.copies - r.uncredited, r.uncredited) for r in rows[:30]])
    return render(request, "outlets.html", rows=rows, chart=chart)


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet_page(request: Request, name: str) -> HTMLResponse:
    index = service(request).lister()
    rows = index.outlets(name=name, top=20)
    if not rows:
        raise ApiError(404, f"no article of the outlet {name!r} in the index: see /outlets for the names")
    found, listing = index.list_stories(StoryQuery(outlet=name, limit=50))
    row = rows[0]
    chart = bars([(src, n, 0) for src, n in row.sources])
    return render(request, "outlet.html", row=row, stories=found, total=listing.total, chart=chart)
