"""The embedded index store: articles, fingerprints and postings in one SQLite file."""

from __future__ import annotations

from copydesk.store.base import Store
from copydesk.store.factory import DEFAULT_PATH, open_store
from copydesk.store.records import (
    AddOutcome,
    AddResult,
    AddStatus,
    OutletRow,
    StoreStats,
    StoryPage,
    StoryQuery,
    StoryRow,
)
from copydesk.store.schema import SCHEMA_VERSION
from copydesk.store.sqlite import SqliteStore

__all__ = [
    "DEFAULT_PATH",
    "SCHEMA_VERSION",
    "AddOutcome",
    "AddResult",
    "AddStatus",
    "OutletRow",
    "SqliteStore",
    "Store",
    "StoreStats",
    "StoryPage",
    "StoryQuery",
    "StoryRow",
    "open_store",
]
