"""What runs on the workers of a distributed driver: each function takes the Arrow record batches of one
partition and yields Arrow record batches, calling the stage functions of `copydesk.engine.stages` on
them (never a copy of their rules). No Spark here: pyarrow and the stages only, so each is tested alone.

Two shapes:

- per batch (`prepare`, `verify`, `wire_links`): rows are independent; any batch of them will do;
- per group (`holders`, `key_pairs`, `rare_pairs`, `wire_pairs`, `stories`): the driver puts all the rows
  of one group (a text, a key, a window, a wire story, a component) in one partition; `key_pairs` and
  `holders` take the whole partition at once (their stage functions group by key themselves), the others
  read a partition sorted by the group and take one group at a time (`groups`), so memory holds one
  group.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from copydesk.backends.records import (
    LINK_COLUMNS,
    alias_from,
    edges_json,
    item_from,
    item_json,
    link_row,
    row_article,
    row_link,
    shingle_bytes,
)
from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.batch import alias_node
from copydesk.engine.export import STORY_COLUMNS, story_rows
from copydesk.engine.stages import candidates, link, prepare
from copydesk.engine.stages.items import Item, node_of
from copydesk.engine.stages.keys import month_of
from copydesk.engine.stages.story import story, strong
from copydesk.model import Evidence, Link
from copydesk.provenance.story import Node

Batches = Iterable[pa.RecordBatch]

# Candidate pairs verified in one call, as `copydesk.engine.batch` does (the links do not depend on it).
VERIFY_BATCH = 4_000

_KIND_TYPES = {
    "str": (pa.string(), "string"),
    "float": (pa.float64(), "double"),
    "int": (pa.int64(), "long"),
    "bool": (pa.bool_(), "boolean"),
    "date": (pa.date32(), "date"),
    "list": (pa.list_(pa.string()), "array<string>"),
    "bytes": (pa.binary(), "binary"),
}


class Schema:
    """A table's columns as an Arrow schema (what the workers yield) and as a Spark DDL string (what the
    driver declares): ``columns`` are (name, kind) with the kinds of `copydesk.io.write.Column`."""

    def __init__(self, columns: Sequence[tuple[str, str]]) -> None:
        self.names = tuple(n for n, _ in columns)
        self.arrow = pa.schema([(n, _KIND_TYPES[k][0]) for n, k in columns])
        self.ddl = ", ".join(f"`{n}` {_KIND_TYPES[k][1]}" for n, k in columns)

    def batch(self, columns: dict[str, Any]) -> pa.RecordBatch:
        return pa.RecordBatch.from_pydict({n: columns[n] for n in self.names}, schema=self.arrow)

    def rows(self, rows: Sequence[dict[str, Any]]) -> pa.RecordBatch:
        return pa.RecordBatch.from_pylist(list(rows), schema=self.arrow)


HOLDERS = Schema([("id", "str"), ("holder", "str")])
PREPARED = Schema(
    [
        ("rank", "int"),
        ("id", "str"),
        ("month", "int"),
        ("passages_held", "int"),
        ("shingles", "bytes"),
        ("item", "str"),
        ("wire", "str"),
    ]
)
PAIRS = Schema([("i", "int"), ("j", "int")])
COUNTED = Schema([("i", "int"), ("j", "int"), ("n", "int")])
ID_PAIRS = Schema([("a", "str"), ("b", "str")])
LINKS = Schema(
    [
        ("a", "str"),
        ("b", "str"),
        ("containment_a", "float"),
        ("containment_b", "float"),
        ("shared_words", "int"),
        ("verdict", "str"),
        ("confidence", "float"),
        ("evidence", "str"),
    ]
)
ENDS = Schema(
    [
        ("me", "str"),
        ("other", "str"),
        ("a", "str"),
        ("b", "str"),
        ("strong", "bool"),
        ("shared", "int"),
        ("closeness", "float"),
    ]
)
MEMBERS = Schema(
    [
        *((c.name, c.kind) for c in STORY_COLUMNS),
        ("founder", "str"),
        ("position", "int"),
        ("outlets", "list"),
        ("earliest", "date"),
        ("latest", "date"),
        ("uncredited_share", "float"),
        ("edges", "str"),
    ]
)
"""One row per story member: the columns of ``copydesk export stories``, the story's founder key and the
member's place in it, and the story's figures (``edges``, its provenance edges as JSON, on its first row
only)."""

assert tuple(LINKS.names[: len(LINK_COLUMNS)]) == LINK_COLUMNS


def _table(batches: Batches) -> pa.Table | None:
    got = list(batches)
    return pa.Table.from_batches(got) if got and any(b.num_rows for b in got) else None


def groups(batches: Batches, key: str) -> Iterator[pa.Table]:
    """The rows of a partition sorted by ``key``, one table per value of ``key``, in order."""
    held: list[pa.RecordBatch] = []
    last: object = None
    for batch in batches:
        if not batch.num_rows:
            continue
        keys = batch.column(key).to_numpy(zero_copy_only=False)
        if held and keys[0] != last:
            yield pa.Table.from_batches(held)
            held = []
        lo = 0
        for cut in (np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist():
            held.append(batch.slice(lo, cut - lo))
            yield pa.Table.from_batches(held)
            held, lo = [], cut
        held.append(batch.slice(lo))  # the last run may go on in the next batch
        last = keys[-1]
    if held:
        yield pa.Table.from_batches(held)


def _chunked(rows: Iterable[dict[str, Any]], schema: Schema, size: int = 2_000) -> Iterator[pa.RecordBatch]:
    """``rows`` as record batches of about ``size`` rows."""
    out: list[dict[str, Any]] = []
    for row in rows:
        out.append(row)
        if len(out) >= size:
            yield schema.rows(out)
            out = []
    if out:
        yield schema.rows(out)


# -- 1. prepare -------------------------------------------------------------------------------------------


def holders(batches: Batches) -> Iterator[pa.RecordBatch]:
    """(id, holder) of a partition of (id, date, text key) rows holding every row of each key."""
    table = _table(batches)
    if table is None:
        return
    ids, dates, keys = (table.column(n).to_pylist() for n in ("id", "date", "key"))
    held = prepare.holders(zip(ids, dates, keys, strict=True))
    yield HOLDERS.batch({"id": ids, "holder": [held[i] for i in ids]})


def prepared(
    batches: Batches, *, config: IndexConfig, compare_config: CompareConfig
) -> Iterator[pa.RecordBatch]:
    """Articles (rows of `copydesk.backends.records.INPUT_COLUMNS` and their ``rank``) to their fingerprints
    (``bands``, ``passages``: lists of int64, the uint64 keys' bits), their `Item` (``shingles``, ``item``),
    their month and their wire story key."""
    for batch in batches:
        rows = batch.to_pylist()
        if not rows:
            continue
        arts = [row_article(r) for r in rows]
        fps = prepare.fingerprints(arts, config=config)
        items = prepare.items(arts, shingle_size=compare_config.shingle_size)
        base = PREPARED.batch(
            {
                "rank": [r["rank"] for r in rows],
                "id": [a.id for a in arts],
                "month": [month_of(a.date) for a in arts],
                "passages_held": [len(f.passages) for f in fps],
                "shingles": [shingle_bytes(it.shingles) for it in items],
                "item": [item_json(it) for it in items],
                "wire": [it.wire.story_key if it.wire is not None else None for it in items],
            }
        )
        bands = _lists([f.band_keys for f in fps])
        passages = _lists([f.passages for f in fps])
        yield pa.RecordBatch.from_arrays(
            [*base.columns, bands, passages], names=[*PREPARED.names, "bands", "passages"]
        )


PREPARED_DDL = PREPARED.ddl + ", `bands` array<long>, `passages` array<long>"


def _lists(arrays: Sequence[np.ndarray]) -> pa.ListArray:
    sizes = np.fromiter((len(a) for a in arrays), dtype=np.int32, count=len(arrays))
    offsets = np.zeros(len(arrays) + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.concatenate(arrays).astype(np.uint64) if len(arrays) else np.zeros(0, np.uint64)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat.view(np.int64)))


# -- 2. candidates ----------------------------------------------------------------------------------------


def key_pairs(batches: Batches, *, rules: candidates.Rules, max_group: int) -> Iterator[pa.RecordBatch]:
    """(i, j, n) proposed by the key groups of a partition of (key, rank) rows holding every row of each
    key (`candidates.key_pairs`)."""
    table = _table(batches)
    if table is None:
        return
    keys = table.column("key").to_numpy().astype(np.int64).view(np.uint64)
    owners = table.column("rank").to_numpy().astype(np.int64)
    i, j, n = candidates.key_pairs(keys, owners, rules=rules, max_group=max_group)
    yield COUNTED.batch({"i": i, "j": j, "n": n})


def passage_kept(batches: Batches, *, rules: candidates.Rules) -> Iterator[pa.RecordBatch]:
    """The (i, j) of (i, j, n, held_i, held_j) rows that `candidates.passage_kept` keeps."""
    for batch in batches:
        cols = {n: batch.column(n).to_numpy() for n in ("i", "j", "n", "held_i", "held_j")}
        keep = candidates.passage_kept(cols["n"], cols["held_i"], cols["held_j"], rules=rules)
        yield PAIRS.batch({"i": cols["i"][keep], "j": cols["j"][keep]})


def rare_pairs(batches: Batches, *, rules: candidates.Rules) -> Iterator[pa.RecordBatch]:
    """(i, j) of the rare-shingle pairs of each window, from (window, rank, month, shingles) rows sorted by
    window: `candidates.rare_pairs` on one window's articles at a time."""
    for group in groups(batches, "window"):
        window = group.column("window")[0].as_py()
        ranks = group.column("rank").to_numpy()
        months = group.column("month").to_numpy().astype(np.int64)
        shingles = [
            np.frombuffer(s, dtype="<u8").astype(np.uint64) for s in group.column("shingles").to_pylist()
        ]
        i, j, _ = candidates.rare_pairs(shingles, months, rules=rules, only=[window])
        if len(i):
            a, b = ranks[i], ranks[j]
            yield PAIRS.batch({"i": np.minimum(a, b), "j": np.maximum(a, b)})


# -- 3. link ----------------------------------------------------------------------------------------------


def _side(batch: pa.RecordBatch, side: str) -> list[Item]:
    return [
        item_from(t, s)
        for t, s in zip(
            batch.column(f"item_{side}").to_pylist(),
            batch.column(f"shingles_{side}").to_pylist(),
            strict=True,
        )
    ]


def verify(batches: Batches, *, compare_config: CompareConfig) -> Iterator[pa.RecordBatch]:
    """The links of candidate pairs (``item_a``, ``shingles_a``, ``item_b``, ``shingles_b``; a the earlier
    by the global key) the engine calls related (`link.verify_many`)."""
    for batch in batches:
        for lo in range(0, batch.num_rows, VERIFY_BATCH):
            part = batch.slice(lo, VERIFY_BATCH)
            tasks = [(a, [b]) for a, b in zip(_side(part, "a"), _side(part, "b"), strict=True)]
            found = link.verify_many(tasks, config=compare_config)
            if found:
                yield LINKS.rows([link_row(ln) for ln in found])


def wire_pairs(batches: Batches) -> Iterator[pa.RecordBatch]:
    """(a, b) ids of the parts of one wire story, from (wire, item) rows sorted by wire story key
    (`link.wire_pairs`)."""
    for group in groups(batches, "wire"):
        items = [item_from(t, None) for t in group.column("item").to_pylist()]
        pairs = link.wire_pairs(items)
        if pairs:
            yield ID_PAIRS.batch(
                {"a": [x.article.id for x, _ in pairs], "b": [y.article.id for _, y in pairs]}
            )


def wire_links(batches: Batches, *, compare_config: CompareConfig) -> Iterator[pa.RecordBatch]:
    """The links of pairs of parts of one wire story (rows as `verify` reads them; `link.wire_links`)."""
    for batch in batches:
        if batch.num_rows:
            pairs = list(zip(_side(batch, "a"), _side(batch, "b"), strict=True))
            yield LINKS.rows([link_row(ln) for ln in link.wire_links(pairs, config=compare_config)])


def link_ends(batches: Batches, *, story_config: StoryConfig) -> Iterator[pa.RecordBatch]:
    """Each link (`LINKS` rows) seen from both its ends, as `copydesk.engine.stages.story.grouping` ranks
    them: ``strong`` (`story.strong`), and for a weak one how close it is (``shared`` words, then the
    higher containment, ``closeness``)."""
    for batch in batches:
        rows = []
        for r in batch.to_pylist():
            ln = row_link(r)
            firm = strong(ln, story_config)
            close = max(ln.containment_a, ln.containment_b)
            for me, other in ((ln.a, ln.b), (ln.b, ln.a)):
                rows.append(
                    {"me": me, "other": other, "a": ln.a, "b": ln.b, "strong": firm}
                    | {"shared": ln.shared_words, "closeness": close}
                )
        if rows:
            yield ENDS.rows(rows)


# -- 4. and 5. stories ------------------------------------------------------------------------------------


def stories(
    batches: Batches, *, compare_config: CompareConfig, story_config: StoryConfig
) -> Iterator[pa.RecordBatch]:
    """The story of each component (`copydesk.engine.stages.story.story`), from rows sorted by
    ``component``: a member (``item``), a link (its columns and ``evidence``) or an alias (``record``,
    ``holder``) each. One row per member, as `MEMBERS`."""
    for_each = (
        _story_rows(group, compare_config=compare_config, story_config=story_config)
        for group in groups(batches, "component")
    )
    yield from _chunked((row for rows in for_each for row in rows), MEMBERS)


def _story_rows(
    group: pa.Table, *, compare_config: CompareConfig, story_config: StoryConfig
) -> list[dict[str, Any]]:
    rows = group.to_pylist()
    items = {it.article.id or "": it for it in (item_from(r["item"], None) for r in rows if r["item"])}
    links = [row_link(r) for r in rows if r["a"] is not None]
    alias_nodes: dict[str, list[Node]] = {}
    for r in rows:
        if r["record"] is not None:
            holder = items[r["holder"]]
            alias_nodes.setdefault(r["holder"], []).append(alias_node(alias_from(r["record"]), holder)[0])
    nodes = {i: node_of(items[i])[0] for i in sorted(items)}

    def evidence_of(ln: Link) -> tuple[Evidence, ...]:
        return ln.evidence or link.evidence(items[ln.a], items[ln.b], ln, config=compare_config)

    found, founder = story(nodes, links, alias_nodes, config=story_config, evidence=evidence_of)
    earliest, latest = found.span
    out = story_rows(found)
    for k, row in enumerate(out):
        row.update(
            founder=founder,
            position=k,
            outlets=list(found.outlets),
            earliest=earliest,
            latest=latest,
            uncredited_share=found.uncredited_share,
            edges=edges_json(found.edges) if k == 0 else None,
        )
    return out
