"""`copydesk serve`: the HTTP API and the web pages over one index (FastAPI; extra ``serve``)."""

from copydesk.serve.app import create_app
from copydesk.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app"]
