"""The embedded index store: articles, fingerprints and postings in one SQLite file."""

from __future__ import annotations

from copydesk.store.base import DEFAULT_PATH, AddOutcome, AddResult, AddStatus, Store, StoreStats, open_store
from copydesk.store.schema import SCHEMA_VERSION
from copydesk.store.sqlite import SqliteStore

__all__ = [
    "DEFAULT_PATH",
    "SCHEMA_VERSION",
    "AddOutcome",
    "AddResult",
    "AddStatus",
    "SqliteStore",
    "Store",
    "StoreStats",
    "open_store",
]
