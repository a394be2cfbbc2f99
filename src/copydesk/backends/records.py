"""The stage data a distributed driver moves between workers, as plain columns: no pickle, only strings,
numbers, dates and bytes (Arrow and Parquet carry them as they are).

- an `Article` as an input row (`article_row`, `row_article`): ``meta`` as a JSON object;
- an `Item` (what linking and placing an article need, `copydesk.engine.stages.items`) as its shingles
  (``shingles``: the uint64 hashes, little-endian, in order) and the rest as one JSON object (``item``);
- a `Link` as its figures and its evidence as a JSON list (``evidence``);
- an alias (what `copydesk.engine.batch.alias_node` needs of it: its record and text) as a JSON object.

Each ``*_from`` rebuilds exactly what its writer took: the tests hold the round trip to equality.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from copydesk.engine.stages.items import Item
from copydesk.model import Article, Evidence, Link, StoryEdge
from copydesk.provenance.verdict import SideSignals
from copydesk.text.boilerplate import CreditSpan
from copydesk.text.wire import WireHeader

INPUT_COLUMNS = ("id", "text", "title", "date", "url", "outlet", "body_start", "meta")
"""Columns of an article row (`article_row`): strings, ``date`` a date, ``body_start`` an int, ``meta``
a JSON object (text)."""


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def article_row(article: Article) -> dict[str, Any]:
    """``article`` as a row of `INPUT_COLUMNS`."""
    return {
        "id": article.id,
        "text": article.text,
        "title": article.title,
        "date": article.date,
        "url": article.url,
        "outlet": article.outlet,
        "body_start": article.body_start,
        "meta": json.dumps(dict(article.meta), ensure_ascii=False, sort_keys=True),
    }


def row_article(row: Mapping[str, Any]) -> Article:
    """The `Article` of a row of `INPUT_COLUMNS` (``meta`` may be missing or null)."""
    meta = row.get("meta")
    return Article(
        text=row["text"],
        id=row["id"],
        title=row.get("title"),
        date=row.get("date"),
        url=row.get("url"),
        outlet=row.get("outlet"),
        body_start=int(row.get("body_start") or 0),
        meta=json.loads(meta) if meta else {},
    )


def shingle_bytes(shingles: np.ndarray) -> bytes:
    """uint64 hashes as little-endian bytes."""
    return np.ascontiguousarray(shingles, dtype="<u8").tobytes()


def shingles_from(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _signals(s: SideSignals) -> dict[str, Any]:
    return {
        "words": s.words,
        "containment": s.containment,
        "unique_words": s.unique_words,
        "inserted_words": s.inserted_words,
        "date": _iso(s.date),
        "agencies": sorted(s.agencies),
        "origins": sorted(s.origins),
        "own_names": sorted(s.own_names),
        "wire": s.wire,
        "sent": None if s.sent is None else s.sent.isoformat(),
    }


def _signals_from(d: Mapping[str, Any]) -> SideSignals:
    return SideSignals(
        words=d["words"],
        containment=d["containment"],
        unique_words=d["unique_words"],
        inserted_words=d["inserted_words"],
        date=_date(d["date"]),
        agencies=frozenset(d["agencies"]),
        origins=frozenset(d["origins"]),
        own_names=frozenset(d["own_names"]),
        wire=d["wire"],
        sent=None if d.get("sent") is None else dt.datetime.fromisoformat(d["sent"]),
    )


def _wire(w: WireHeader | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {
        "time": w.time,
        "date": w.date.isoformat(),
        "page": w.page,
        "desk": w.desk,
        "slug": w.slug,
        "start": w.start,
        "end": w.end,
    }


def _wire_from(d: Mapping[str, Any] | None) -> WireHeader | None:
    if d is None:
        return None
    return WireHeader(
        d["time"], dt.date.fromisoformat(d["date"]), d["page"], d["desk"], d["slug"], d["start"], d["end"]
    )


def record_json(article: Article) -> str:
    """What the stages keep of an article's record (no text, no meta): id, title, date, url, outlet and
    body_start, as JSON."""
    return json.dumps(
        {
            "id": article.id,
            "title": article.title,
            "date": _iso(article.date),
            "url": article.url,
            "outlet": article.outlet,
            "body_start": article.body_start,
        },
        ensure_ascii=False,
    )


def record_from(text: str) -> Article:
    d = json.loads(text)
    return Article(
        text="",
        id=d["id"],
        title=d["title"],
        date=_date(d["date"]),
        url=d["url"],
        outlet=d["outlet"],
        body_start=d["body_start"],
    )


def alias_from(text: str) -> Article:
    """The article of a JSON object of its fields (``text``, ``id``, ``title``, ``date`` as ISO, ``url``,
    ``outlet``, ``body_start``; a missing one is None, or 0 for ``body_start``), without its meta."""
    d = json.loads(text)
    return Article(
        text=d["text"],
        id=d["id"],
        title=d.get("title"),
        date=_date(d.get("date")),
        url=d.get("url"),
        outlet=d.get("outlet"),
        body_start=d.get("body_start") or 0,
    )


def item_json(item: Item) -> str:
    """``item`` but its shingles, as JSON (see `item_from`)."""
    return json.dumps(
        {
            "record": record_json(item.article),
            "words": item.words,
            "credits": [[c.kind, c.name, c.start, c.end] for c in item.credits],
            "signals": _signals(item.signals),
            "wire": _wire(item.wire),
            "shingle_size": item.shingle_size,
        },
        ensure_ascii=False,
    )


def item_from(text: str, shingles: bytes | None) -> Item:
    """The `Item` of `item_json`'s ``text`` and its shingles (`shingle_bytes`; None: none, for the stages
    that do not read them)."""
    d = json.loads(text)
    return Item(
        record_from(d["record"]),
        shingles_from(shingles) if shingles is not None else np.zeros(0, dtype=np.uint64),
        d["words"],
        tuple(CreditSpan(k, n, s, e) for k, n, s, e in d["credits"]),
        _signals_from(d["signals"]),
        _wire_from(d["wire"]),
        d.get("shingle_size"),
    )


LINK_COLUMNS = ("a", "b", "containment_a", "containment_b", "shared_words", "verdict", "confidence")
"""Columns of a link row (`link_row`), besides ``evidence``."""


def _evidence(found: tuple[Evidence, ...]) -> str:
    return json.dumps([[e.kind, e.favours, e.weight, e.detail] for e in found], ensure_ascii=False)


def _evidence_from(text: str | None) -> tuple[Evidence, ...]:
    return tuple(Evidence(k, f, w, d) for k, f, w, d in json.loads(text or "[]"))


def link_row(link: Link) -> dict[str, Any]:
    """``link`` as a row of `LINK_COLUMNS` and ``evidence`` (JSON)."""
    return {
        "a": link.a,
        "b": link.b,
        "containment_a": link.containment_a,
        "containment_b": link.containment_b,
        "shared_words": link.shared_words,
        "verdict": link.verdict,
        "confidence": link.confidence,
        "evidence": _evidence(link.evidence),
    }


def row_link(row: Mapping[str, Any]) -> Link:
    return Link(
        row["a"],
        row["b"],
        float(row["containment_a"]),
        float(row["containment_b"]),
        int(row["shared_words"]),
        row["verdict"],
        float(row["confidence"]),
        _evidence_from(row.get("evidence")),
    )


def edges_json(edges: tuple[StoryEdge, ...]) -> str:
    """A story's edges as JSON: ``[source, copy, confidence, containment, primary, evidence]`` each."""
    return json.dumps(
        [
            [e.source, e.copy, e.confidence, e.containment, e.primary, json.loads(_evidence(e.evidence))]
            for e in edges
        ],
        ensure_ascii=False,
    )


def edges_from(text: str) -> tuple[StoryEdge, ...]:
    return tuple(
        StoryEdge(s, c, conf, cont, tuple(Evidence(*ev) for ev in found), primary=primary)
        for s, c, conf, cont, primary, found in json.loads(text)
    )
