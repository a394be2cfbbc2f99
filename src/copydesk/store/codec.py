"""How records become SQLite values and back.

- uint64 values (content hashes, band keys, passage fingerprints) are stored as SQLite's signed 64-bit
  INTEGER: the same 64 bits read as two's complement (``np.uint64`` viewed as ``np.int64``), so they
  round-trip exactly and sort as signed integers.
- uint64 arrays (band keys, passages of one article) are BLOBs of 8-byte little-endian values. The MinHash
  signature is checked but not kept (an empty BLOB since schema version 4): the index looks up band keys,
  which are made from it, and nothing reads the signature itself (1 KB of the 4.3 KB an article took).
- ``Article.text`` is a BLOB: a Zstandard frame (RFC 8878, level 1, content size in the header) of its UTF-8
  bytes, lone surrogates kept (``surrogatepass``). Indexes of schema version 3 and older hold zlib streams
  (RFC 1950) instead, and an upgraded index holds both: a blob is read by its first four bytes (the zstd
  magic number ``28 b5 2f fd`` is no valid zlib header, whose first two bytes are a multiple of 31).
  Zstandard level 1 compresses news text as well as zlib level 1 at about a fifth of the time. No text
  holds more than `MAX_TEXT_BYTES` bytes: longer ones are refused when stored, and a stored blob is never
  expanded past that cap, whatever its header says (the index file is input like any other).
- ``Article.date`` is ISO 8601 TEXT ``YYYY-MM-DD`` (it sorts by date); ``Article.meta`` is a JSON object
  TEXT, NULL when empty.
- A `BodyLayout`: ``skip`` is a BLOB of int32 little-endian ``lo, hi`` pairs (empty when every word is a body
  word, NULL when no layout was given); ``credits`` a JSON array of ``[kind, name, start, end]``, NULL when
  there is none.

A stored value that does not decode as described is a `StoreError` naming the table and the row
(`malformed`, `reading`), never a crash or an allocation the file asks for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import zstandard

from copydesk.config import IndexConfig
from copydesk.errors import StoreError
from copydesk.model import Article, BodyLayout, IndexedArticle

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_TWO_64 = 1 << 64
_TWO_63 = 1 << 63
ZSTD_LEVEL = 1
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# The longest text the index stores, in UTF-8 bytes: readers take texts of up to 5,000,000 characters by
# default (at most 20 MB in UTF-8), and this leaves room for a --max-chars of up to 16 million characters of
# any script. Also the most memory one stored text may take when it is expanded.
MAX_TEXT_BYTES = 64 * 1024 * 1024
# What decoding a damaged value raises (StoreError: a text past the cap), turned into one StoreError naming
# the row by `reading` and `as_malformed`.
DECODE_ERRORS = (
    StoreError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    AttributeError,
    zlib.error,
    zstandard.ZstdError,
)


def over_cap(text: str) -> int | None:
    """The size of ``text`` in UTF-8 when it is over `MAX_TEXT_BYTES`, else None.

    A character takes at most 4 bytes in UTF-8, so most texts are known to fit without encoding them."""
    if len(text) <= MAX_TEXT_BYTES // 4:
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > MAX_TEXT_BYTES else None


def to_signed(value: int) -> int:
    """The SQLite INTEGER that stores the uint64 ``value`` (same 64 bits)."""
    return value - _TWO_64 if value >= _TWO_63 else value


def to_unsigned(value: int) -> int:
    """The uint64 stored as the SQLite INTEGER ``value``."""
    return value + _TWO_64 if value < 0 else value


def signed_array(values: npt.ArrayLike) -> I64:
    """uint64 values as the int64 values that store them (a view when already uint64)."""
    return np.asarray(values, dtype=np.uint64).view(np.int64)


def array_blob(values: U64) -> bytes:
    return np.ascontiguousarray(values, dtype="<u8").tobytes()


def blob_array(blob: bytes) -> U64:
    """The uint64 values of a BLOB of 8-byte little-endian values (ValueError for another length)."""
    if not isinstance(blob, bytes) or len(blob) % 8:
        raise ValueError(f"an array BLOB must be bytes of a multiple of 8 long, got {_kind(blob)}")
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def _kind(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value):,} bytes"
    return f"a value of type {type(value).__name__}"


def malformed(table: str, row: str, problem: str) -> StoreError:
    """The error for a stored row that does not decode: names the table, the row and what is wrong."""
    return StoreError(
        f"the index row {table} {row} is malformed ({problem}): the file is damaged or was not written by "
        "copydesk; move it away and build the index again (copydesk add)"
    )


def as_malformed(table: str, row: str, exc: Exception) -> StoreError:
    """`malformed` for the error ``exc`` (one of `DECODE_ERRORS`) met decoding a row."""
    return malformed(table, row, str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}")


@contextmanager
def reading(table: str, row: str) -> Iterator[None]:
    """Decode one stored row of ``table`` (``row`` names it, for example ``id 'a1'``): any error decoding it
    becomes one StoreError naming both (see `malformed`). Loops over many rows catch `DECODE_ERRORS` and
    call `as_malformed` instead, which costs nothing until a row is bad."""
    try:
        yield
    except DECODE_ERRORS as exc:
        raise as_malformed(table, row, exc) from exc


class _Codecs(threading.local):
    """One zstd compressor and decompressor per thread (they may not be shared by threads at once; making
    one per call would double the cost of packing a news text)."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()


_CODECS = _Codecs()


def pack_text(text: str) -> bytes:
    return _CODECS.compressor.compress(text.encode("utf-8", "surrogatepass"))


# Texts from which `pack_texts` compresses them in one call, over every core.
_MANY = 64


def pack_texts(texts: Sequence[str]) -> list[bytes]:
    """`pack_text` of each of ``texts`` (the same bytes): many at once in one call of the compressor, which
    spreads them over every core without the GIL."""
    if len(texts) < _MANY:
        return [pack_text(t) for t in texts]
    data: list[bytes | bytearray | memoryview] = [t.encode("utf-8", "surrogatepass") for t in texts]
    out = _CODECS.compressor.multi_compress_to_buffer(data, threads=-1)
    return [out[k].tobytes() for k in range(len(out))]


def unpack_text(blob: bytes) -> str:
    """The text of a blob made by `pack_text`, or by the zlib of schema version 3 and older.

    Never expands past `MAX_TEXT_BYTES`: StoreError for a blob whose Zstandard header claims more, that
    expands to more, or that is not a whole Zstandard frame or zlib stream of UTF-8.
    """
    if not isinstance(blob, bytes):
        raise StoreError(f"a stored text must be a BLOB, got {_kind(blob)}")
    try:
        if blob[:4] == _ZSTD_MAGIC:
            size = zstandard.frame_content_size(blob)  # -1 when the header does not say
            if size > MAX_TEXT_BYTES:
                raise StoreError(
                    f"a stored text claims {size:,} bytes, over the {MAX_TEXT_BYTES:,}-byte cap of a text"
                )
            # with the size in the header the output is made that size and no bigger; without, the cap
            raw = _CODECS.decompressor.decompress(blob, max_output_size=MAX_TEXT_BYTES)
        else:
            stream = zlib.decompressobj()
            raw = stream.decompress(blob, MAX_TEXT_BYTES + 1)
            if len(raw) > MAX_TEXT_BYTES or stream.unconsumed_tail:
                raise StoreError(f"a stored text expands past the {MAX_TEXT_BYTES:,}-byte cap of a text")
            if not stream.eof:
                raise StoreError("a stored text is a truncated zlib stream")
        return raw.decode("utf-8", "surrogatepass")
    except (zstandard.ZstdError, zlib.error, UnicodeDecodeError) as exc:
        raise StoreError(f"a stored text does not decode ({type(exc).__name__}: {exc})") from exc


def row_article(row: Sequence[Any]) -> Article:
    """An `Article` from ``id, title, date, url, outlet, body_start, meta, text`` columns; StoreError naming
    the row when one of them is malformed."""
    id_, title, date, url, outlet, body_start, meta, text = row
    try:
        # one test for the common case (this runs for every article read); the details when it fails
        if not (
            type(id_) is str
            and type(body_start) is int
            and (title is None or type(title) is str)
            and (date is None or type(date) is str)
            and (url is None or type(url) is str)
            and (outlet is None or type(outlet) is str)
        ):
            raise TypeError(_column_types(id_, title, date, url, outlet, body_start))
        fields = {} if meta is None else json.loads(meta)
        if not isinstance(fields, dict):
            raise TypeError(f"meta must be a JSON object, got {_kind(fields)}")
        return Article(
            text=unpack_text(text),
            id=id_,
            title=title,
            date=None if date is None else dt.date.fromisoformat(date),
            url=url,
            outlet=outlet,
            body_start=body_start,
            meta=fields,
        )
    except DECODE_ERRORS as exc:
        raise as_malformed("articles", f"id {id_!r}", exc) from exc


def _column_types(id_: Any, title: Any, date: Any, url: Any, outlet: Any, body_start: Any) -> str:
    if not isinstance(id_, str):
        return f"id must be TEXT, got {_kind(id_)}"
    if not isinstance(body_start, int):
        return f"body_start must be an INTEGER, got {_kind(body_start)}"
    name, value = next(
        (n, v)
        for n, v in (("title", title), ("date", date), ("url", url), ("outlet", outlet))
        if v is not None and not isinstance(v, str)
    )
    return f"{name} must be TEXT or NULL, got {_kind(value)}"


ARTICLE_COLUMNS = "id, title, date, url, outlet, body_start, meta, text"
LAYOUT_COLUMNS = "skip, credits"


def pack_layout(layout: BodyLayout | None) -> tuple[bytes | None, str | None]:
    if layout is None:
        return None, None
    flat = [bound for run in layout.skip for bound in run]
    skip = struct.pack(f"<{len(flat)}i", *flat)  # int32 pairs, little-endian
    credits = json.dumps([list(c) for c in layout.credits], ensure_ascii=False) if layout.credits else None
    return skip, credits


def unpack_layout(skip: bytes | None, credits: str | None, *, id: str = "?") -> BodyLayout | None:
    """The `BodyLayout` of the article ``id`` from its columns; StoreError naming it when they are malformed."""
    if skip is None:
        return None
    with reading("articles", f"id {id!r} (layout)"):
        if not isinstance(skip, bytes) or len(skip) % 8:
            raise ValueError(f"skip must be a BLOB of int32 pairs, got {_kind(skip)}")
        # most bodies skip nothing: no array for them (find unpacks a hundred layouts per query)
        pairs = np.frombuffer(skip, dtype="<i4").reshape(-1, 2).tolist() if skip else []
        last = 0
        for lo, hi in pairs:
            if not last <= lo < hi:
                raise ValueError(f"skip must hold sorted, disjoint, non-empty word ranges, got {pairs!r}")
            last = hi
        found = () if credits is None else tuple(_credit(c) for c in json.loads(credits))
        return BodyLayout(tuple((lo, hi) for lo, hi in pairs), found)


def _credit(value: Any) -> tuple[str, str | None, int, int]:
    kind, name, start, end = value
    if not (
        isinstance(kind, str)
        and (name is None or isinstance(name, str))
        and type(start) is int
        and type(end) is int
    ):
        raise TypeError(f"a credit must be [kind, name, start, end], got {value!r}")
    return kind, name, start, end


@dataclass(frozen=True, slots=True)
class EncodedItem:
    """One `IndexedArticle` as column values (uint64 already as int64), ready for the store."""

    id: str
    article: tuple[Any, ...]  # title, date, url, outlet, body_start, meta
    text: str
    rest: tuple[Any, ...]  # content_hash, words, skip, credits
    content_hash: int
    # the fingerprints row: signature (empty: not kept), band_keys, passages
    blobs: tuple[bytes, bytes, bytes]
    band_keys: I64
    passages: I64
    # the text packed (`pack_text`) ahead of the write, or None: packed when written (most duplicates never are)
    packed: bytes | None = None

    def packed_text(self) -> bytes:
        return self.packed if self.packed is not None else pack_text(self.text)


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """A batch encoded ahead of its write (`encode_batch`), for the settings ``config``."""

    items: list[EncodedItem]
    config: IndexConfig

    def __len__(self) -> int:
        return len(self.items)


def encode_items(items: Sequence[IndexedArticle], config: IndexConfig) -> list[EncodedItem]:
    """Check every item against the index's settings and encode it; StoreError names the first bad one."""
    return [_encode(i, item, config) for i, item in enumerate(items)]


def _columns(position: int, article: Article) -> tuple[Any, ...]:
    """The article's record columns: title, date (ISO), url, outlet, body_start, meta (JSON or None)."""
    try:
        meta = json.dumps(dict(article.meta), ensure_ascii=False) if article.meta else None
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"item {position} (id {article.id!r}): meta must hold JSON values (str, number, bool, None, "
            f"list, dict), got {article.meta!r}"
        ) from exc
    date = None if article.date is None else article.date.isoformat()
    return (article.title, date, article.url, article.outlet, article.body_start, meta)


def encode_arrays(
    articles: Sequence[Article],
    layouts: Sequence[BodyLayout | None],
    *,
    content_hashes: U64,
    words: npt.NDArray[np.int64],
    band_keys: U64,
    passages: U64,
    passage_offsets: npt.NDArray[np.int64],
    config: IndexConfig,
    pack: Sequence[bool],
    packed: Sequence[bytes | None] | None = None,
) -> EncodedBatch:
    """`encode_batch` of a batch whose fingerprints are given as the arrays of a whole batch (as
    `copydesk.sketch.batch.BatchFingerprints` holds them): the engine's own ingest, whose articles were
    checked where they came in (`copydesk.io.check`) and whose fingerprints and layouts the engine made, so
    the arrays are checked once here rather than item by item. ``band_keys``: uint64 ``(n, config.bands)``;
    ``passages``: uint64, article ``i``'s are ``passages[passage_offsets[i]:passage_offsets[i + 1]]``.
    ``packed``: texts already compressed (`pack_texts`), None where not; those flagged in ``pack`` and not
    given are compressed here."""
    n = len(articles)
    made: Sequence[bytes | None] = [None] * n if packed is None else packed
    if len(made) != n:
        raise StoreError(f"a batch of {n} articles needs as many packed texts or None, got {len(made)}")
    if not (len(layouts) == len(pack) == len(content_hashes) == len(words) == n == len(passage_offsets) - 1):
        raise StoreError(f"a batch of {n} articles needs as many layouts, flags, hashes and word counts")
    for name, values in (
        ("content_hashes", content_hashes),
        ("band_keys", band_keys),
        ("passages", passages),
    ):
        if not isinstance(values, np.ndarray) or values.dtype != np.uint64:
            raise StoreError(f"{name} must be a uint64 numpy array, got {values!r:.80}")
    if band_keys.shape != (n, config.bands):
        raise StoreError(f"band_keys must have shape ({n}, {config.bands}), got {band_keys.shape}")
    # little-endian, as `array_blob` writes them; a view on the machines copydesk runs on
    keys = np.ascontiguousarray(band_keys, dtype="<u8").view("<i8")
    flat = np.ascontiguousarray(passages, dtype="<u8").view("<i8")
    bounds = passage_offsets.tolist()
    hashes = content_hashes.view(np.int64).tolist()
    items: list[EncodedItem] = []
    for i, (article, layout, flag, h, w) in enumerate(
        zip(articles, layouts, pack, hashes, words.tolist(), strict=True)
    ):
        columns = _columns(i, article)
        if not article.id:
            raise StoreError(f"item {i} has no id: give every article a non-empty string id before adding it")
        row, found = keys[i], flat[bounds[i] : bounds[i + 1]]
        items.append(
            EncodedItem(
                id=article.id,
                article=columns,
                text=article.text,
                rest=(h, w, *pack_layout(layout)),
                content_hash=h,
                blobs=(b"", row.tobytes(), found.tobytes()),
                band_keys=row,
                passages=found,
                packed=made[i] if made[i] is not None else pack_text(article.text) if flag else None,
            )
        )
    return EncodedBatch(items, config)


def encode_batch(
    items: Sequence[IndexedArticle], config: IndexConfig, *, pack: Sequence[bool] | None = None
) -> EncodedBatch:
    """`encode_items` ahead of the write, on any thread (no connection is touched): what a writer then
    stores with `Store.add_batch` is only SQL. ``pack``: per item, whether to compress its text now (those
    likely to be stored); the others are compressed when written, if they are. Default: all."""
    encoded = encode_items(items, config)
    if pack is None:
        pack = [True] * len(encoded)
    if len(pack) != len(encoded):
        raise ValueError(f"pack must have one flag per item ({len(encoded)}), got {len(pack)}")
    return EncodedBatch(
        [
            dataclasses.replace(item, packed=pack_text(item.text)) if flag else item
            for item, flag in zip(encoded, pack, strict=True)
        ],
        config,
    )


def _encode(position: int, item: IndexedArticle, config: IndexConfig) -> EncodedItem:
    if not isinstance(item, IndexedArticle):
        raise StoreError(f"item {position} must be an IndexedArticle, got {type(item).__name__}")
    article, fp = item.article, item.fingerprints
    where = f"item {position} (id {article.id!r})"
    if not isinstance(article.id, str) or not article.id:
        raise StoreError(f"{where} has no id: give every article a non-empty string id before adding it")
    if not isinstance(fp.content_hash, int | np.integer) or not 0 <= int(fp.content_hash) < _TWO_64:
        raise StoreError(f"{where}: content_hash must be an integer in [0, 2**64), got {fp.content_hash!r}")
    if not isinstance(fp.words, int | np.integer) or int(fp.words) < 0:
        raise StoreError(f"{where}: words must be a non-negative integer, got {fp.words!r}")
    size = over_cap(article.text)
    if size is not None:
        raise StoreError(
            f"{where}: its text takes {size:,} bytes in UTF-8, over the index's cap of {MAX_TEXT_BYTES:,}: "
            "split it, or leave it out (copydesk add --max-chars)"
        )
    _u64(where, "signature", fp.signature, config.num_perm)  # checked, not kept
    band_keys = _u64(where, "band_keys", fp.band_keys, config.bands)
    passages = _u64(where, "passages", fp.passages, None)
    columns = _columns(position, article)
    content_hash = to_signed(int(fp.content_hash))
    return EncodedItem(
        id=article.id,
        article=columns,
        text=article.text,
        rest=(content_hash, int(fp.words), *pack_layout(_layout(where, item.layout, int(fp.words)))),
        content_hash=content_hash,
        blobs=(b"", array_blob(band_keys), array_blob(passages)),
        band_keys=signed_array(band_keys),
        passages=signed_array(passages),
    )


def _layout(where: str, layout: Any, words: int) -> BodyLayout | None:
    if layout is None:
        return None
    if not isinstance(layout, BodyLayout):
        raise StoreError(f"{where}: layout must be a BodyLayout or None, got {type(layout).__name__}")
    last = 0
    for lo, hi in layout.skip:
        if not (isinstance(lo, int) and isinstance(hi, int) and last <= lo < hi <= words):
            raise StoreError(
                f"{where}: layout.skip must hold sorted, disjoint, non-empty word ranges within the "
                f"{words} words, got {layout.skip!r}"
            )
        last = hi
    return layout


def _u64(where: str, name: str, values: Any, size: int | None) -> U64:
    if not isinstance(values, np.ndarray) or values.dtype != np.uint64 or values.ndim != 1:
        got = (
            f"{values.dtype} array of shape {values.shape}"
            if isinstance(values, np.ndarray)
            else repr(values)
        )
        raise StoreError(f"{where}: {name} must be a 1-D uint64 numpy array, got {got}")
    if size is not None and len(values) != size:
        raise StoreError(
            f"{where}: {name} has {len(values)} values, the index's IndexConfig needs {size}: "
            "fingerprint with the settings the index was built with (store.config)"
        )
    return values
