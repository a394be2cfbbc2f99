"""Fetching a page server-side (only with ``--fetch-urls``): http(s) only, never a private, loopback,
link-local or reserved address unless allowed (a server must not be a way into its own network), redirects
checked the same way, the body capped; the main text extracted as `add` extracts it (`copydesk.io.web`).

Each connection goes to the address that was checked: the host is resolved once per request (and per
redirect), and the connection is made to that address (TLS still verifies the certificate for the host
name), so a host that answers a public address to the check and a private one to the connection (DNS
rebinding) cannot lead the server into its own network. Proxy settings of the environment are ignored for
the same reason (a proxy would resolve the host itself)."""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import SplitResult, urlsplit

from copydesk.errors import InputError
from copydesk.io.web import extract, web_article
from copydesk.model import Article

TIMEOUT = 10.0


def _web_url(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"only http and https URLs can be fetched, got {url!r}")
    return parts


def check_url(url: str, *, allow_private: bool) -> str:
    """The address to connect to for ``url``: InputError unless ``url`` is http(s) and its host resolves to
    public addresses only (any address when ``allow_private``)."""
    parts = _web_url(url)
    try:
        infos = socket.getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as exc:
        raise InputError(f"the host of {url!r} cannot be resolved ({exc})") from exc
    if not infos:
        raise InputError(f"the host of {url!r} resolves to no address")
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not allow_private and (not address.is_global or address.is_multicast):
            raise InputError(
                f"{url!r} points to a private or local address ({address}): the server fetches public "
                "addresses only (--fetch-allow-private lifts this, for tests)"
            )
    return str(infos[0][4][0])


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to ``address`` (checked) for the host of the request."""

    def __init__(self, host: str, *, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """A TLS connection to ``address`` (checked), the certificate verified for the host of the request."""

    def __init__(self, host: str, *, address: str, context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(host, context=context, **kwargs)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


class _Pinned(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    def __init__(self, allow_private: bool) -> None:
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self)
        self.allow_private = allow_private
        self.tls = ssl.create_default_context()

    def http_open(self, req: Any) -> Any:
        address = check_url(req.full_url, allow_private=self.allow_private)
        return self.do_open(functools.partial(_PinnedHTTP, address=address), req)

    def https_open(self, req: Any) -> Any:
        address = check_url(req.full_url, allow_private=self.allow_private)
        return self.do_open(functools.partial(_PinnedHTTPS, address=address, context=self.tls), req)


class _Checked(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        _web_url(newurl)  # its address is checked when it is connected to (`_Pinned`)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_article(url: str, *, allow_private: bool = False, max_bytes: int = 10_000_000) -> Article:
    """The article at ``url``: its page fetched and its main text extracted. InputError when it cannot be
    fetched, is too big, or has no main text; MissingDependency without trafilatura (extra ``web``)."""
    _web_url(url)  # the address is checked when the connection is made (`_Pinned`), once per hop
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _Pinned(allow_private), _Checked(allow_private)
    )
    request = urllib.request.Request(url, headers={"User-Agent": "copydesk (+https://github.com/copydesk)"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(max_bytes + 1)
            final = response.geturl()
    except InputError:
        raise
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
