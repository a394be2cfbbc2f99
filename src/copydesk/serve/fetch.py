"""Fetching a page server-side (only with ``--fetch-urls``): http(s) only, never a private, loopback,
link-local or reserved address unless allowed (a server must not be a way into its own network), redirects
checked the same way, the body capped; the main text extracted as `add` extracts it (`copydesk.io.web`)."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from copydesk.errors import InputError
from copydesk.io.web import extract, web_article
from copydesk.model import Article

TIMEOUT = 10.0


def check_url(url: str, *, allow_private: bool) -> None:
    """InputError unless ``url`` is http(s) and its host resolves to public addresses only (any address
    when ``allow_private``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"only http and https URLs can be fetched, got {url!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise InputError(f"the host of {url!r} cannot be resolved ({exc})") from exc
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise InputError(
                f"{url!r} points to a private or local address ({address}): the server fetches public "
                "addresses only (--fetch-allow-private lifts this, for tests)"
            )


class _Checked(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        check_url(newurl, allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_article(url: str, *, allow_private: bool = False, max_bytes: int = 10_000_000) -> Article:
    """The article at ``url``: its page fetched and its main text extracted. InputError when it cannot be
    fetched, is too big, or has no main text; MissingDependency without trafilatura (extra ``web``)."""
    check_url(url, allow_private=allow_private)
    opener = urllib.request.build_opener(_Checked(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": "copydesk (+https://github.com/copydesk)"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(max_bytes + 1)
            final = response.geturl()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise InputError(f"{url!r} could not be fetched ({exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{url!r} is over {max_bytes:,} bytes: save the page and paste its text")
    doc = extract(data, url=final, max_bytes=max_bytes)
    if doc is None:
        raise InputError(f"no main text found in {url!r}: paste the article's text instead")
    try:
        return web_article(doc, id=final, url=final, max_chars=max_bytes)
    except InputError as exc:
        raise InputError(f"{url!r}: {exc}") from exc
