"""`open_store`: the factory that knows the backends (only SQLite today); no backend knows it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from copydesk.config import IndexConfig
from copydesk.store.base import Store
from copydesk.store.sqlite import SqliteStore

DEFAULT_PATH = "copydesk.db"


def open_store(
    path: str | Path = DEFAULT_PATH,
    *,
    config: IndexConfig | None = None,
    readonly: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Store:
    """Open the index at ``path`` (an SQLite file), creating it unless ``readonly``.

    config: None uses the stored settings (or the defaults for a new index); otherwise it must agree with
    the stored ones (StoreError says what differs).
    on_wait: called once with a message when a write waits for another process writing to the index.
    """
    return SqliteStore(path, config=config, readonly=readonly, on_wait=on_wait)
