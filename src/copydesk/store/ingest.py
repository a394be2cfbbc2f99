"""One `add_batch` inside its write transaction: which items are new, and writing them.

An item is a ``duplicate_id`` when its id is stored or came earlier in the batch (the first one wins, even
if the texts differ: its outcome then says where the other text is), a ``duplicate_text`` when an article with the same content hash and the identical
original text (``Article.text``, compared in full, so a hash collision cannot drop an article) is stored or
came earlier in the batch under another id; otherwise it is added. An id kept as an alias counts as stored.

A ``duplicate_text`` item is kept as an alias of the article holding its text (table ``aliases``, see
`schema`): its id and record, not its text or fingerprints. The id holding a text is the first of its ids by
the global key (date, undated last, then id), whatever came first (issue 18): when an id with an earlier key
comes, the two swap records (the article row keeps its doc, text, layout and fingerprints; the id that held
the text becomes an alias), and the doc is queued in ``stories_redo`` so that the next stories update
places the text under its new id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from typing import Any

from copydesk.store import postings, schema
from copydesk.store.codec import EncodedItem, unpack_text
from copydesk.store.records import AddOutcome, AddResult, Conflict


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _key(id_: str, record: tuple[Any, ...]) -> tuple[bool, str, str]:
    """The global key of a record (title, date, url, outlet, body_start, meta): date (undated last), id."""
    date = record[1]
    return (date is None, date or "", id_)


# Ids per look-up statement (SQLite allows 32,766 bound parameters; each id is bound twice).
_IDS_PER_QUERY = 500


def stored_hashes(con: sqlite3.Connection, ids: list[str]) -> dict[str, int]:
    """id -> content hash of its text, for those of ``ids`` stored (an alias: the hash of its article's).

    The ids are bound parameters, compared byte for byte as the UNIQUE indexes on ``articles.id`` and
    ``aliases.id`` compare them. Never pass them through SQLite's JSON functions: ``json_each`` ends a
    string at an escaped NUL (``"b\\u0000c"`` reads as ``b``), so such an id was never found stored, was
    inserted a second time, and the UNIQUE constraint failed the whole batch.
    """
    found: dict[str, int] = {}
    for i in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[i : i + _IDS_PER_QUERY]
        marks = ",".join("?" * len(chunk))
        found.update(
            con.execute(
                f"SELECT id, content_hash FROM articles WHERE id IN ({marks}) "
                "UNION ALL SELECT al.id, a.content_hash FROM aliases AS al JOIN articles AS a "
                f"ON a.doc = al.doc WHERE al.id IN ({marks})",
                chunk + chunk,
            )
        )
    return found


def add(con: sqlite3.Connection, items: list[EncodedItem], started: str) -> AddResult:
    """Decide each item's fate against the stored articles and the earlier items, then write the new ones."""
    stored = stored_hashes(con, [item.id for item in items])
    fresh_hashes = sorted({item.content_hash for item in items if item.id not in stored})
    stored_texts: dict[int, list[tuple[str, int, bytes]]] = {}
    rows = con.execute(
        "SELECT a.content_hash, a.id, a.doc, a.text FROM json_each(?) AS j "
        "CROSS JOIN articles AS a ON a.content_hash = j.value",
        (json.dumps(fresh_hashes),),
    )
    for content_hash, id_, doc, text in rows:
        stored_texts.setdefault(content_hash, []).append((id_, doc, text))
    (batch,) = con.execute("SELECT coalesce(max(batch), 0) + 1 FROM batches").fetchone()
    (first,) = con.execute("SELECT coalesce(max(doc), 0) + 1 FROM articles").fetchone()

    seen: dict[str, int] = {}  # id -> content hash, of the items met
    batch_texts: dict[int, list[tuple[str, int, str]]] = {}
    outcomes: list[AddOutcome] = []
    new: list[EncodedItem] = []
    aliases: list[tuple[EncodedItem, int]] = []  # (item, doc of the article holding its text)
    for item in items:
        if item.id in stored or item.id in seen:
            where: Conflict = "stored" if item.id in stored else "batch"
            held = stored[item.id] if where == "stored" else seen[item.id]
            conflict = where if held != item.content_hash else None
            outcomes.append(AddOutcome(item.id, "duplicate_id", conflict=conflict))
            continue
        seen[item.id] = item.content_hash
        # Most items have no earlier text with their hash: look only where there is one.
        same = None
        earlier = batch_texts.get(item.content_hash)
        if earlier:
            same = next(((i, d) for i, d, t in earlier if t == item.text), None)
        kept = stored_texts.get(item.content_hash) if same is None else None
        if kept:
            same = next(((i, d) for i, d, t in kept if unpack_text(t) == item.text), None)
        if same is not None:
            outcomes.append(AddOutcome(item.id, "duplicate_text", same[0]))
            aliases.append((item, same[1]))
            continue
        batch_texts.setdefault(item.content_hash, []).append((item.id, first + len(new), item.text))
        outcomes.append(AddOutcome(item.id, "added"))
        new.append(item)

    # the id holding each text: the first by the global key, whatever came first
    holder_of: dict[int, tuple[str, tuple[Any, ...]]] = {}  # stored doc -> its holder now (id, record)
    stored_holders = sorted({d for _, d in aliases if d < first})
    for doc, id_, title, date, url, outlet, body_start, meta in con.execute(
        "SELECT doc, id, title, date, url, outlet, body_start, meta FROM articles "
        "WHERE doc IN (SELECT value FROM json_each(?))",
        (json.dumps(stored_holders),),
    ):
        holder_of[doc] = (id_, (title, date, url, outlet, body_start, meta))
    was = dict(holder_of)
    for k, (item, doc) in enumerate(aliases):
        if doc >= first:
            h = new[doc - first]
            if _key(item.id, item.article) < _key(h.id, h.article):
                new[doc - first] = dataclasses.replace(h, id=item.id, article=item.article)
                aliases[k] = (dataclasses.replace(item, id=h.id, article=h.article), doc)
        else:
            hid, record = holder_of[doc]
            if _key(item.id, item.article) < _key(hid, record):
                holder_of[doc] = (item.id, item.article)
                aliases[k] = (dataclasses.replace(item, id=hid, article=record), doc)
    swapped = [(doc, *holder_of[doc]) for doc in stored_holders if holder_of[doc] != was[doc]]
    con.executemany(
        "UPDATE articles SET id = ?, title = ?, date = ?, url = ?, outlet = ?, body_start = ?, meta = ? "
        "WHERE doc = ?",
        ((id_, *record, doc) for doc, id_, record in swapped),
    )
    con.executemany("INSERT OR IGNORE INTO stories_redo VALUES (?)", ((doc,) for doc, _, _ in swapped))

    docs = list(range(first, first + len(new)))
    con.executemany(
        "INSERT INTO articles (doc, id, title, date, url, outlet, body_start, meta, text, content_hash, words, "
        "skip, credits, added_batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (doc, item.id, *item.article, item.packed_text(), *item.rest, batch)
            for doc, item in zip(docs, new, strict=True)
        ),
    )
    con.executemany(
        "INSERT INTO fingerprints (doc, signature, band_keys, passages) VALUES (?, ?, ?, ?)",
        ((doc, *item.blobs) for doc, item in zip(docs, new, strict=True)),
    )
    if new:
        con.executemany(
            "INSERT INTO passage_counts (first, counts) VALUES (?, ?)",
            schema.passage_count_rows(first, [len(item.blobs[2]) // 8 for item in new]),
        )
    con.executemany(
        "INSERT INTO aliases (id, doc, title, date, url, outlet, body_start, meta, added_batch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((item.id, doc, *item.article, batch) for item, doc in aliases),
    )
    if new:
        postings.write_segment(con, docs, [i.band_keys for i in new], [i.passages for i in new])
    result = AddResult(batch=int(batch), outcomes=tuple(outcomes))
    con.execute(
        "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?)",
        (batch, started, now(), len(items), result.added, result.duplicate_id, result.duplicate_text),
    )
    return result
