"""The SQLite schema of the index file, and the checks made when one is opened.

Schema version 8 (``meta.schema_version``). Older files are upgraded in place when opened for writing
(`upgrade`): version 1 had no story tables, versions 1 and 2 kept one row per posting (tables ``bands`` and
``passages``), moved into blocks by the upgrade; versions 1 to 3 compressed the texts with zlib, which
version 4 still reads (new texts are written with Zstandard, and without their MinHash signature: see
`codec`), so the upgrade from 3 rewrites nothing; versions 1 to 4 had no ``aliases`` table (the ids of
texts already stored were dropped, and stay lost: the upgrade only adds the empty table); versions 1 to 6
judged credits by older rules and kept no hidden source's agency (their stories are built again); versions
1 to 7 had no ``passage_counts`` (the upgrade counts each article's fingerprints from ``fingerprints``).

``meta(key TEXT PRIMARY KEY, value TEXT)``
    ``schema_version``, ``config`` (the `IndexConfig` as a JSON object), ``created`` (ISO 8601 UTC).
``batches(batch INTEGER PRIMARY KEY, started, finished, items, added, duplicate_id, duplicate_text)``
    one row per committed `add_batch` call; started/finished are ISO 8601 UTC timestamps.
``articles(doc INTEGER PRIMARY KEY, id TEXT UNIQUE, title, date, url, outlet, body_start, meta, text,
content_hash, words, added_batch, skip, credits)``
    ``doc`` is the internal key (1, 2, ... in insertion order, never reused), also in the covering index
    ``articles_doc_id(doc, id)`` (version 3); formats in `codec`. ``skip`` and
    ``credits`` hold the article's `BodyLayout` (both NULL when none was given).
``fingerprints(doc INTEGER PRIMARY KEY, signature BLOB, band_keys BLOB, passages BLOB)``
    the article's uint64 arrays, 8-byte little-endian; ``signature`` is empty for articles added since
    version 4, which keeps no signature (see `codec`).
``passage_counts(first INTEGER PRIMARY KEY, counts BLOB)``
    (version 8) how many passage fingerprints each article has, for `find`'s candidates (see `lookup`):
    ``counts`` holds one uint32 (little-endian) per doc, of the docs ``first``, ``first + 1``, ... (at most
    `COUNTS_RUN` a row). Written with the articles; rows are only ever added.
``segments(seg INTEGER PRIMARY KEY, level, docs, band_rows, passage_rows, band_shift, passage_shift)``
``band_blocks(seg, block, postings)`` and ``passage_blocks(seg, block, postings)``, WITHOUT ROWID
    the postings (band key -> doc, passage fingerprint -> doc), in segments of blocks: see `postings`.
``aliases(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, doc, title, date, url, outlet, body_start, meta,
added_batch)``
    (version 5) the other ids of a stored text: an added article whose original text is already stored
    under another id (``doc``, the article holding it: the first id met) is kept here with its own record
    (formats as in ``articles``), not stored again. ``seq`` numbers them in the order they came (the stories
    place them in that order, see `stories`). An id is in ``articles`` or in ``aliases``, never both.
``links``, ``stories``, ``story_members``, ``story_edges``, ``story_merges``: see `stories` (version 2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from copydesk.config import IndexConfig
from copydesk.errors import StoreError
from copydesk.store import postings, stories

SCHEMA_VERSION = 8
# Versions this code opens: older ones are upgraded in place (`upgrade`) when opened for writing.
UPGRADABLE = frozenset({1, 2, 3, 4, 5, 6, 7})
UPGRADED = frozenset(str(v) for v in UPGRADABLE)  # as stored in meta
# 'CPDK' in the SQLite header (PRAGMA application_id), so `file` and other tools can tell what the file is.
APPLICATION_ID = 0x4350444B
# Settings that only steer queries; an index may be opened with other values of these. Every other field of
# IndexConfig shapes what is stored, so it must match (a field added later is strict by default).
QUERY_FIELDS = frozenset({"min_shared_fingerprints", "max_postings"})

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE batches (
    batch INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    items INTEGER NOT NULL,
    added INTEGER NOT NULL,
    duplicate_id INTEGER NOT NULL,
    duplicate_text INTEGER NOT NULL
);
CREATE TABLE articles (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    date TEXT,
    url TEXT,
    outlet TEXT,
    body_start INTEGER NOT NULL,
    meta TEXT,
    text BLOB NOT NULL,
    content_hash INTEGER NOT NULL,
    words INTEGER NOT NULL,
    added_batch INTEGER NOT NULL,
    skip BLOB,
    credits TEXT
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_date ON articles (date);
CREATE INDEX articles_doc_id ON articles (doc, id);
CREATE TABLE fingerprints (
    doc INTEGER PRIMARY KEY,
    signature BLOB NOT NULL,
    band_keys BLOB NOT NULL,
    passages BLOB NOT NULL
);
CREATE TABLE passage_counts (first INTEGER PRIMARY KEY, counts BLOB NOT NULL);
CREATE TABLE segments (
    seg INTEGER PRIMARY KEY,
    level INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    band_rows INTEGER NOT NULL,
    passage_rows INTEGER NOT NULL,
    band_shift INTEGER NOT NULL,
    passage_shift INTEGER NOT NULL
);
CREATE TABLE band_blocks (
    seg INTEGER NOT NULL,
    block INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY (seg, block)
) WITHOUT ROWID;
CREATE TABLE passage_blocks (
    seg INTEGER NOT NULL,
    block INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY (seg, block)
) WITHOUT ROWID;
"""


ALIASES_DDL = """
CREATE TABLE IF NOT EXISTS aliases (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc INTEGER NOT NULL,
    title TEXT,
    date TEXT,
    url TEXT,
    outlet TEXT,
    body_start INTEGER NOT NULL,
    meta TEXT,
    added_batch INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_doc ON aliases (doc);
"""

# doc -> id without reading the articles' rows (postings name docs; `postings.doc_ids` reads this).
DOC_ID_INDEX = "CREATE INDEX IF NOT EXISTS articles_doc_id ON articles (doc, id)"


def config_dict(config: IndexConfig) -> dict[str, Any]:
    return dataclasses.asdict(config)


def create(con: sqlite3.Connection, config: IndexConfig) -> None:
    """Create the schema in an empty database (inside the caller's transaction)."""
    for statement in (DDL + ALIASES_DDL + stories.DDL).split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("schema_version", str(SCHEMA_VERSION)),
            ("config", json.dumps(config_dict(config), sort_keys=True)),
            ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ],
    )


def version(con: sqlite3.Connection) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else str(row[0])


def _restart_stories(con: sqlite3.Connection) -> None:
    """Drop the story tables and make them again, empty, with the marks: the next `stories` builds them
    from all the articles (version 6 stores other story tables, and stories that are a function of the set
    of articles: those of an older version cannot be carried over; version 7 names the hidden source's agency
    and flags uncredited copies by other rules, `copydesk.provenance.credit`)."""
    for table in stories.TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in stories.DDL.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute("DELETE FROM meta WHERE key IN ('stories_mark', 'aliases_mark')")


def upgrade(con: sqlite3.Connection) -> None:
    """Bring a version 1 to 7 index to version 8 (inside the caller's transaction). The stories of
    versions 1 to 6 are dropped: the next `copydesk stories` builds them again (`_restart_stories`).

    From 1: add the story tables, and the articles' layout columns when the file predates them (its articles
    then have no stored layout, and `find` analyses them when it verifies them). From 1 and 2: move the
    postings from one row each into blocks (`postings.upgrade_rows`); the candidates stay the same. From 3:
    nothing more (its zlib texts stay as they are and read as before). From 1 to 6: add the empty
    ``aliases`` table. From every one: count the articles' passage fingerprints (`fill_passage_counts`).
    """
    found = version(con)
    if found not in UPGRADED:
        return
    if found != "7":
        _upgrade_to_7(con, found)
    con.execute("CREATE TABLE IF NOT EXISTS passage_counts (first INTEGER PRIMARY KEY, counts BLOB NOT NULL)")
    fill_passage_counts(con)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _upgrade_to_7(con: sqlite3.Connection, found: str) -> None:
    for statement in ALIASES_DDL.split(";"):
        if statement.strip():
            con.execute(statement)
    _restart_stories(con)
    if found in ("3", "4", "5", "6"):
        return
    if found == "1":
        columns = {row[1] for row in con.execute("PRAGMA table_info(articles)")}
        for column, kind in (("skip", "BLOB"), ("credits", "TEXT")):
            if column not in columns:
                con.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    for name in ("band_blocks", "passage_blocks"):
        if name not in tables:
            con.execute(
                f"CREATE TABLE {name} (seg INTEGER NOT NULL, block INTEGER NOT NULL, postings BLOB NOT NULL, "
                "PRIMARY KEY (seg, block)) WITHOUT ROWID"
            )
    postings.upgrade_rows(con)
    con.execute(DOC_ID_INDEX)


# Docs per row of ``passage_counts`` (4 bytes each): a row stays within a page or two.
COUNTS_RUN = 2048


def passage_count_rows(first: int, counts: Sequence[int]) -> list[tuple[int, bytes]]:
    """The ``passage_counts`` rows of the docs ``first``, ``first + 1``, ... with those ``counts``."""
    return [
        (first + lo, np.asarray(counts[lo : lo + COUNTS_RUN], dtype="<u4").tobytes())
        for lo in range(0, len(counts), COUNTS_RUN)
    ]


def fill_passage_counts(con: sqlite3.Connection) -> None:
    """Write ``passage_counts`` from the fingerprints stored (a file made before version 8): each run of
    consecutive docs as rows of `passage_count_rows`."""
    con.execute("DELETE FROM passage_counts")
    rows = con.execute("SELECT doc, length(passages) / 8 FROM fingerprints ORDER BY doc")
    run_first, run = -1, list[int]()
    while True:
        page = rows.fetchmany(65536)
        for doc, count in page:
            if run and doc != run_first + len(run):
                con.executemany(
                    "INSERT INTO passage_counts VALUES (?, ?)", passage_count_rows(run_first, run)
                )
                run = []
            if not run:
                run_first = doc
            run.append(count)
        if not page:
            break
    if run:
        con.executemany("INSERT INTO passage_counts VALUES (?, ?)", passage_count_rows(run_first, run))


def check(con: sqlite3.Connection, path: str, config: IndexConfig | None) -> IndexConfig:
    """The settings to use with this index, or StoreError saying what differs and what to do.

    ``config`` None takes the stored settings. Otherwise the fields that shape what is stored must equal the
    stored ones; the query fields (`QUERY_FIELDS`) are taken from ``config``.
    """
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if "meta" not in tables:
        raise StoreError(
            f"{path} is an SQLite database but not a copydesk index (no meta table, tables: "
            f"{sorted(tables)}): pass another index path"
        )
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    found = meta.get("schema_version")
    if found in {str(v) for v in UPGRADABLE}:
        raise StoreError(
            f"{path} has index schema version {found}; this copydesk upgrades it to {SCHEMA_VERSION} in place "
            "when it opens it for writing: open it once without read-only (for example copydesk add with no "
            "new input, or copydesk stories)"
        )
    if found != str(SCHEMA_VERSION):
        raise StoreError(
            f"{path} has index schema version {found}, this copydesk reads version {SCHEMA_VERSION}: "
            "use the copydesk version that made it, or build a new index (copydesk add into a new --db path)"
        )
    # The stored settings go through IndexConfig's own checks, ranges included: the file is input too.
    try:
        settings = json.loads(meta["config"])
        if not isinstance(settings, dict):
            raise TypeError(f"a JSON object is needed, got {type(settings).__name__}")
        stored = IndexConfig(**settings)
    except (KeyError, TypeError, ValueError) as exc:
        shown = repr(meta.get("config"))
        raise StoreError(
            f"{path}: the stored index settings (meta row key 'config') are not valid: {exc} (stored: "
            f"{shown[:200]}{'...' if len(shown) > 200 else ''}); the file is damaged or was not written by "
            "copydesk: build a new index"
        ) from exc
    if config is None:
        return stored
    ours, theirs = config_dict(stored), config_dict(config)
    differ = [
        f"{k}={ours[k]!r} (asked {theirs[k]!r})"
        for k in ours
        if k not in QUERY_FIELDS and ours[k] != theirs[k]
    ]
    if differ:
        raise StoreError(
            f"{path} was built with other index settings: {', '.join(differ)}; open it without a config to "
            "use its own settings, or build a new index file for the new ones"
        )
    return dataclasses.replace(stored, **{k: theirs[k] for k in QUERY_FIELDS})
