"""Fetching a URL server-side: each connection goes to the address that was checked (a host resolving
otherwise when the connection is made, DNS rebinding, is not asked again), redirects are checked again, and
private addresses are refused unless allowed."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from copydesk.errors import InputError
from copydesk.serve.fetch import check_url, fetch_article

pytest.importorskip("trafilatura", reason="fetching a page needs trafilatura (pip install -e '.[web]')")

PAGE = (
    "<html><head><title>Harbour vote</title></head><body><article><h1>Harbour vote</h1>"
    + "".join(
        f"<p>The harbour board voted on the {n}th plan for the old quay on Tuesday night.</p>"
        for n in range(12)
    )
    + "</article></body></html>"
).encode()


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``rebind.test`` resolves to 127.0.0.1 the first time it is asked, and to 127.0.0.2 afterwards, where
    nothing listens (as a rebinding server answers another address once it has been checked); other names
    as usual. The list holds each ask of ``rebind.test``."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            asked.append(host)
            return real("127.0.0.1" if len(asked) == 1 else "127.0.0.2", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return asked


def test_the_connection_goes_to_the_checked_address(server: int, rebinding: list[str]) -> None:
    # asked once, by the check; the connection goes to the address checked (one resolving the name again
    # would be refused here, or reach a private address in an attack)
    article = fetch_article(f"http://rebind.test:{server}/story", allow_private=True)
    assert "harbour board" in article.text and rebinding == ["rebind.test"]


def test_private_addresses_are_refused(server: int) -> None:
    with pytest.raises(InputError, match="private or local"):
        fetch_article(f"http://127.0.0.1:{server}/story")
    with pytest.raises(InputError, match="private or local"):
        fetch_article(f"http://localhost:{server}/story")
    with pytest.raises(InputError, match="only http and https"):
        check_url("file:///etc/passwd", allow_private=True)
    assert check_url(f"http://127.0.0.1:{server}/", allow_private=True) == "127.0.0.1"
