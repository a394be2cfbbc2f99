"""Two connections on one index file: a reader during a write, two writers, one store shared by threads."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from copydesk.errors import StoreError
from copydesk.store import SqliteStore, open_store
from tests.store.ingest_script import CONFIG, make_batch

BATCH = 500


def test_reader_sees_whole_batches_while_a_writer_adds(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    batches = [make_batch(k, BATCH) for k in range(10)]
    errors: list[BaseException] = []
    with open_store(path, config=CONFIG) as writer, open_store(path, readonly=True) as reader:

        def write() -> None:
            try:
                for batch in batches:
                    writer.add_batch(batch)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        thread = threading.Thread(target=write)
        thread.start()
        seen = []
        while thread.is_alive():
            count = reader.count()
            assert count % BATCH == 0
            ids = (
                reader.known(i.article.id for i in batches[count // BATCH - 1] if i.article.id)
                if count
                else set()
            )
            assert len(ids) == (BATCH if count else 0)
            seen.append(count)
        thread.join()
        assert not errors, errors
        assert seen == sorted(seen)
        assert reader.count() == 10 * BATCH


def test_two_writers_take_turns(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    open_store(path, config=CONFIG).close()
    errors: list[BaseException] = []

    def write(ks: range) -> None:
        try:
            with SqliteStore(path, timeout=30) as store:
                for k in ks:
                    store.add_batch(make_batch(k, BATCH))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(ks,)) for ks in (range(0, 6), range(6, 12))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with open_store(path, readonly=True) as store:
        assert store.count() == 12 * BATCH and store.stats().batches == 12


def test_one_store_shared_by_threads(tmp_path: Path) -> None:
    probe = make_batch(0, BATCH)[0]
    with open_store(tmp_path / "index.db", config=CONFIG) as store:
        store.add_batch(make_batch(0, BATCH))
        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                store.add_batch(make_batch(k, BATCH))
                assert (
                    store.band_candidates(probe.fingerprints.band_keys)[probe.article.id or ""]
                    == CONFIG.bands
                )
                assert sum(1 for _ in store.ids()) >= 2 * BATCH
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert store.count() == 5 * BATCH


def test_a_writer_waits_says_so_once_and_gives_up_after_its_timeout(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    open_store(path, config=CONFIG).close()
    notes: list[str] = []
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with SqliteStore(path, timeout=1.0, on_wait=notes.append) as store:
            with pytest.raises(StoreError, match=r"waited 1 s for another process writing") as caught:
                store.add_batch(make_batch(0, 10))
            assert "timeout" not in str(caught.value)  # no option of that name to advise
            assert notes == [
                f"waiting for another copydesk process writing to {path} (an add or a stories update) to finish ..."
            ]
            holder.execute("COMMIT")
            assert store.add_batch(make_batch(1, 10)).added == 10  # the lock is free: no wait, no note
            assert len(notes) == 1
    finally:
        holder.close()


def test_no_message_advises_a_timeout_option() -> None:
    source = Path(__file__).resolve().parents[2] / "src" / "copydesk"
    assert not [p for p in source.rglob("*.py") if "longer timeout" in p.read_text(encoding="utf-8")]


def _hold_readers(path: str, ready: Any, go: Any, seen: Any) -> None:
    """Another process: two read-only connections (the second opened after the first), idle until ``go``,
    then the count each sees."""
    first = open_store(path, readonly=True)
    second = open_store(path, readonly=True)
    ready.set()
    go.wait(60)
    seen.put((first.count(), second.count()))
    first.close()
    second.close()


def test_opening_a_second_connection_keeps_the_first_one_s_locks(tmp_path: Path) -> None:
    # Opening must not close a descriptor of the index (which drops every POSIX lock the process holds on
    # it): another process closing its connection would then take itself for the last one and remove the
    # log under the first connection, which would read a stale state from then on.
    path = tmp_path / "index.db"
    with open_store(path, config=CONFIG) as store:
        store.add_batch(make_batch(0, 10))
    context = multiprocessing.get_context("spawn")
    ready, go, seen = context.Event(), context.Event(), context.Queue()
    other = context.Process(target=_hold_readers, args=(str(path), ready, go, seen))
    other.start()
    try:
        assert ready.wait(60)
        wal = path.with_name(path.name + "-wal")
        log = wal.stat().st_ino
        open_store(path).close()  # opens and closes without writing: not the last connection
        assert wal.exists() and wal.stat().st_ino == log
        with open_store(path) as store:
            store.add_batch(make_batch(1, 10))
        go.set()
        assert seen.get(timeout=60) == (20, 20)
    finally:
        go.set()
        other.join(60)
