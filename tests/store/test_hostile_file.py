"""The index file is input too: files crafted with sqlite3 (a text that expands past the cap, a frame header
claiming 2**40 bytes, settings asking for a huge allocation, malformed dates, JSON, layouts, postings and
story rows) give one StoreError naming the table and the row, and the CLI one line and exit 1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zstandard
from click.testing import CliRunner

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)
from copydesk.engine.index import Index
from copydesk.errors import StoreError
from copydesk.store import open_store
from copydesk.store.codec import MAX_TEXT_BYTES, unpack_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DAMAGED = "is malformed"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples indexed, their stories up to date (copied for each test)."""
    db = tmp_path_factory.mktemp("built") / "x.db"
    for args in (["add", str(EXAMPLES), "-q"], ["stories"]):
        r = CliRunner().invoke(cli, [*args, "--db", str(db)])
        assert r.exit_code == 0, r.output
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    path = tmp_path / "x.db"
    path.write_bytes(built.read_bytes())
    return path


def _sql(db: Path, statement: str, *params: Any) -> None:
    con = sqlite3.connect(db)
    with con:
        if params:
            con.execute(statement, params)
        else:
            con.executescript(statement)
    con.close()


def _bomb(size: int, *, content_size: bool) -> bytes:
    """A Zstandard frame of ``size`` spaces, made a megabyte at a time (never ``size`` bytes in memory)."""
    compressor = zstandard.ZstdCompressor(level=1, write_content_size=content_size)
    chunk = b" " * (1 << 20)
    out = compressor.compressobj(size=size if content_size else -1)
    parts = [out.compress(chunk) for _ in range(size >> 20)]
    return b"".join([*parts, out.flush()])


def _claiming(size: int) -> bytes:
    """A Zstandard frame header claiming ``size`` bytes (8-byte content size field), then an empty block."""
    return b"\x28\xb5\x2f\xfd" + bytes([0xE0]) + size.to_bytes(8, "little") + b"\x01\x00\x00"


def _cli_fails_cleanly(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code == 1, (r.output, r.exception)
    assert r.stderr.startswith("copydesk: error: ") and r.stderr.count("\n") == 1, r.stderr
    assert not isinstance(r.exception, AssertionError) and "Traceback" not in r.output
    return r.stderr


# -- texts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blob",
    [
        pytest.param(_claiming(2**40), id="header-claims-2**40"),
        pytest.param(_bomb(MAX_TEXT_BYTES + (4 << 20), content_size=True), id="expands-past-cap"),
        pytest.param(_bomb(MAX_TEXT_BYTES + (4 << 20), content_size=False), id="expands-past-cap-no-size"),
        pytest.param(b"\x28\xb5\x2f\xfd\x00\x00garbage", id="broken-frame"),
        pytest.param(b"x\x9c\xff\xff", id="broken-zlib"),
        pytest.param("a TEXT value", id="not-a-blob"),
    ],
)
def test_a_hostile_text_is_one_store_error_naming_the_row(db: Path, blob: Any) -> None:
    _sql(db, "UPDATE articles SET text = ? WHERE id = 'wire.txt'", blob)
    tracemalloc.start()
    try:
        with open_store(db, readonly=True) as store, pytest.raises(StoreError) as caught:
            store.get("wire.txt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "articles id 'wire.txt'" in str(caught.value) and DAMAGED in str(caught.value)
    assert peak <= MAX_TEXT_BYTES + (8 << 20)
    out = tmp_out = db.with_name("dedup.jsonl")
    assert "articles id 'wire.txt'" in _cli_fails_cleanly("export", "dedup", "--db", str(db), "-o", str(out))
    assert not tmp_out.exists()


def test_unpack_text_is_bounded_by_the_cap() -> None:
    assert unpack_text(_bomb(MAX_TEXT_BYTES, content_size=False)) == " " * MAX_TEXT_BYTES
    with pytest.raises(StoreError, match=r"claims 1,099,511,627,776 bytes, over the 67,108,864-byte cap"):
        unpack_text(_claiming(2**40))


PROBE = """
import copydesk.cli.main
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmPeak:")))
"""
LIMIT = """
import resource, sys
from copydesk.cli.main import main
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
sys.argv = ["copydesk", *sys.argv[2:]]
main()
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux (/proc and RLIMIT_AS)")
def test_a_text_bomb_never_takes_more_memory_than_the_cap(db: Path, tmp_path: Path) -> None:
    # 1 GiB of spaces in a small blob, read by find under an address-space limit that a copy of it breaks
    _sql(db, "UPDATE articles SET text = ? WHERE id = 'wire.txt'", _bomb(1 << 30, content_size=False))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    # the address space copydesk takes before it reads anything (VmPeak: fork and exec reset it, unlike
    # ru_maxrss, which a child inherits from this big test process)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(probe.stdout) < 500 * 1024  # KiB: the limit below leaves room for the cap, not for a copy
    limit = 900 * 2**20
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            LIMIT,
            str(limit),
            "export",
            "dedup",
            "--db",
            str(db),
            "-o",
            str(tmp_path / "d.jsonl"),
            "-q",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert r.returncode == 1, r.stderr
    assert "MemoryError" not in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.startswith("copydesk: error: the index row articles id 'wire.txt' is malformed"), r.stderr


# -- settings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"num_perm": 3_200_000_000, "bands": 32},
            r"num_perm must be an integer in \[1, 8,192\], got 3200000000",
        ),
        ({"bands": 0}, r"bands must be an integer in \[1, 8,192\], got 0"),
        ({"shingle_size": True}, "shingle_size must be an integer"),
        ({"winnow_window": 1.5}, "winnow_window must be an integer"),
        ({"seed": 2**70}, r"seed must be an integer in \[0, 2\*\*64\)"),
        ({"surprise": 1}, "unexpected keyword argument 'surprise'"),
    ],
)
def test_stored_settings_are_validated_on_open(db: Path, change: dict[str, Any], message: str) -> None:
    con = sqlite3.connect(db)
    (stored,) = con.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    with con:
        con.execute(
            "UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(json.loads(stored) | change),)
        )
    con.close()
    for readonly in (True, False):
        with pytest.raises(StoreError, match=message) as caught:
            open_store(db, readonly=readonly)
        assert "meta row key 'config'" in str(caught.value)
    _cli_fails_cleanly("stats", "--db", str(db))


@pytest.mark.parametrize("value", ["{", "[1, 2]", "null", '"text"'])
def test_unreadable_stored_settings(db: Path, value: str) -> None:
    _sql(db, "UPDATE meta SET value = ? WHERE key = 'config'", value)
    with pytest.raises(StoreError, match="stored index settings"):
        open_store(db, readonly=True)


# -- rows -----------------------------------------------------------------------------------------------


def _find(index: Index) -> object:
    return index.find(index.get("wire.txt"))


def _stories(index: Index) -> object:
    return index.stories(update=False)


ROWS: list[tuple[str, str, tuple[Any, ...], Callable[[Index], object], tuple[str, ...], str]] = [
    # (what, SQL, params, API call, CLI args, the row named)
    (
        "date",
        "UPDATE articles SET date = '2026-13-45' WHERE id = 'weekly.txt'",
        (),
        lambda ix: ix.stats(),
        ("stats",),
        "articles id 'weekly.txt'",
    ),
    (
        "date type",
        "UPDATE articles SET date = x'00' WHERE id = 'weekly.txt'",
        (),
        lambda ix: ix.get("weekly.txt"),
        ("find", "weekly.txt"),
        "articles id 'weekly.txt'",
    ),
    (
        "meta",
        "UPDATE articles SET meta = '{' WHERE id = 'wire.txt'",
        (),
        lambda ix: ix.get("wire.txt"),
        ("find", "wire.txt"),
        "articles id 'wire.txt'",
    ),
    (
        "meta list",
        "UPDATE articles SET meta = '[1]' WHERE id = 'wire.txt'",
        (),
        lambda ix: ix.get("wire.txt"),
        ("find", "wire.txt"),
        "articles id 'wire.txt'",
    ),
    (
        "body_start",
        "UPDATE articles SET body_start = 10000000 WHERE id = 'wire.txt'",
        (),
        lambda ix: ix.get("wire.txt"),
        ("find", "wire.txt"),
        "articles id 'wire.txt'",
    ),
    (
        "layout skip",
        "UPDATE articles SET skip = x'010203' WHERE id = 'weekly.txt'",
        (),
        _find,
        ("find", "wire.txt"),
        "articles id 'weekly.txt' (layout)",
    ),
    (
        "layout credits",
        "UPDATE articles SET skip = x'', credits = '[1' WHERE id = 'weekly.txt'",
        (),
        _find,
        ("find", "wire.txt"),
        "articles id 'weekly.txt' (layout)",
    ),
    (
        "fingerprints",
        # every article pending again, so that `stories` reads their fingerprints
        "UPDATE fingerprints SET passages = x'0102' WHERE doc = (SELECT doc FROM articles WHERE id = 'wire.txt');"
        "UPDATE meta SET value = '0' WHERE key = 'stories_mark'",
        (),
        lambda ix: ix.store.fingerprints("wire.txt"),
        ("stories",),
        "fingerprints of id 'wire.txt'",
    ),
    (
        "postings",
        "UPDATE passage_blocks SET postings = x'0102030405'",
        (),
        _find,
        ("find", "wire.txt"),
        "passage_blocks (seg ",
    ),
    ("shift", "UPDATE segments SET passage_shift = 99", (), _find, ("find", "wire.txt"), "segments seg "),
    (
        "member credits",
        "UPDATE story_members SET credits = '{' WHERE id = 'weekly.txt'",
        (),
        _stories,
        ("stories",),
        "story_members id 'weekly.txt'",
    ),
    (
        "member confidence",
        "UPDATE story_members SET confidence = 'high' WHERE id = 'weekly.txt'",
        (),
        _stories,
        ("stories",),
        "story_members id 'weekly.txt'",
    ),
    (
        "edge evidence",
        "UPDATE story_edges SET evidence = '[[1]]'",
        (),
        _stories,
        ("stories",),
        "story_edges (",
    ),
    ("merged", "UPDATE stories SET merged = 'not json'", (), _stories, ("stories",), "stories story "),
]


@pytest.mark.parametrize(
    ("sql", "params", "call", "args", "row"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_a_malformed_row_is_one_store_error_naming_it(
    db: Path,
    sql: str,
    params: tuple[Any, ...],
    call: Callable[[Index], object],
    args: tuple[str, ...],
    row: str,
) -> None:
    _sql(db, sql, *params)
    with Index(db, readonly=True) as index, pytest.raises(StoreError) as caught:
        call(index)
    assert f"the index row {row}" in str(caught.value) and DAMAGED in str(caught.value)
    assert row in _cli_fails_cleanly(*args, "--db", str(db))


def test_postings_of_a_doc_that_is_not_stored(db: Path) -> None:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT seg, block, postings FROM passage_blocks").fetchall()
    with con:
        for seg, block, blob in rows:  # every posting now names doc 999
            records = bytearray(blob)
            for at in range(8, len(records), 12):
                records[at : at + 4] = (999).to_bytes(4, "little")
            con.execute(
                "UPDATE passage_blocks SET postings = ? WHERE seg = ? AND block = ?",
                (bytes(records), seg, block),
            )
    con.close()
    with (
        Index(db, readonly=True) as index,
        pytest.raises(StoreError, match=r"doc 999.*no article has that doc"),
    ):
        _find(index)


def test_a_malformed_stories_mark(db: Path) -> None:
    _sql(db, "UPDATE meta SET value = 'abc' WHERE key = 'stories_mark'")
    assert "meta key 'stories_mark'" in _cli_fails_cleanly("stories", "--db", str(db))


def test_a_text_over_the_cap_is_refused_when_stored(tmp_path: Path) -> None:
    from tests.store.test_sqlite import SMALL, item

    with open_store(tmp_path / "x.db", config=SMALL) as store:
        with pytest.raises(StoreError, match=r"item 1 \(id 'big'\): its text takes 67,108,865 bytes"):
            store.add_batch([item("small"), item("big", "x" * (MAX_TEXT_BYTES + 1))])
        assert store.count() == 0
        store.add_batch([item("small"), item("fits", "é" * (MAX_TEXT_BYTES // 2))])
        assert len(store.get("fits").text) == MAX_TEXT_BYTES // 2
