"""The folder of a Spark run, read and written without Spark (pyarrow only):

- ``_stages/input/``: the articles as read (Parquet, `copydesk.backends.records.INPUT_COLUMNS`, texts
  and meta included), written by `write_input` on the driver with the readers and id rules of
  ``copydesk add``; ``_stages/run.json`` names the inputs it was read from, so a rerun on other inputs is
  refused instead of resumed;
- ``_stages/<stage>/``: each stage's output (`copydesk.backends.checkpoint`);
- ``articles/``, ``links/``, ``stories/``: the result (`copydesk.backends.spark.SparkStories`).

`import_folder` builds an index from a run's articles and checks that its stories are the run's.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xxhash

from copydesk.backends.checkpoint import MARKER, STAGES
from copydesk.backends.records import article_row, row_article
from copydesk.engine.export import story_pages, story_rows
from copydesk.engine.index import Index
from copydesk.engine.intake import checked
from copydesk.errors import ConfigError, CopydeskError, InputError, MissingDependency
from copydesk.io.record import Skipped
from copydesk.model import Article, Link

INPUT = "input"
RUN_FILE = "run.json"
TABLES = ("articles", "links", "stories")
# Articles per Parquet row group of the input.
_GROUP = 2_000


def _arrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingDependency("pyarrow", "spark", "The Spark backend") from exc
    return pa, pq


def input_path(folder: Path) -> Path:
    return folder / STAGES / INPUT


def input_done(folder: Path) -> bool:
    return (input_path(folder) / MARKER).exists()


def table_done(folder: Path, name: str) -> bool:
    return (folder / name / MARKER).exists()


@dataclass(slots=True)
class InputSummary:
    """What `write_input` read: articles written, ids met again (same text: not written again; another
    text: a note), the skipped records, and the notes (``path:line: what``)."""

    written: int = 0
    duplicate_id: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_run(folder: Path, run: Mapping[str, Any]) -> bool:
    """Whether ``folder`` holds a run of ``run`` (inputs and fields) to resume: False for a new folder;
    raises `ConfigError` for a folder of another run."""
    path = folder / STAGES / RUN_FILE
    if not path.exists():
        if folder.exists() and any(folder.iterdir()):
            raise ConfigError(
                f"{folder} is not empty and holds no copydesk Spark run: give a new --output folder"
            )
        return False
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if before != dict(run):
        raise ConfigError(
            f"{folder} holds a run of other inputs or settings ({json.dumps(before, ensure_ascii=False)}): "
            "give a new --output folder, or delete this one to start again"
        )
    return True


def write_input(
    records: Iterable[Article | Skipped | Mapping[str, Any]],
    folder: Path,
    *,
    run: Mapping[str, Any],
    progress: Callable[[InputSummary], None] | None = None,
) -> InputSummary:
    """Check ``records`` as ``copydesk add`` does (`copydesk.engine.intake.checked`) and write the articles
    to ``folder/_stages/input/`` as Parquet, a row group at a time (memory holds one group and the ids
    seen). The first article of an id is kept: the same id again with the same text is counted, with
    another text noted and left out. ``run`` is written to ``_stages/run.json``. What the folder held
    before (stages, tables) is deleted."""
    pa, pq = _arrow()
    target = input_path(folder)
    for old in (*(folder / t for t in TABLES), folder / STAGES):  # a new input: nothing before it holds
        if old.exists():
            shutil.rmtree(old)
    target.mkdir(parents=True, exist_ok=True)
    (folder / STAGES / RUN_FILE).write_text(json.dumps(dict(run), ensure_ascii=False), encoding="utf-8")
    summary = InputSummary()
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("text", pa.string()),
            ("title", pa.string()),
            ("date", pa.date32()),
            ("url", pa.string()),
            ("outlet", pa.string()),
            ("body_start", pa.int64()),
            ("meta", pa.string()),
        ]
    )
    seen: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    (target / MARKER).unlink(missing_ok=True)
    with pq.ParquetWriter(str(target / "part-00000.parquet"), schema) as writer:

        def flush() -> None:
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows.clear()
                if progress is not None:
                    progress(summary)

        for article in checked(records, summary.skipped, summary.notes):
            id_ = article.id or ""
            digest = xxhash.xxh3_128_hexdigest(article.text.encode("utf-8"))
            if id_ in seen:
                summary.duplicate_id += 1
                if seen[id_] != digest:
                    summary.notes.append(
                        f"{article.origin}: id {id_!r} came earlier in this input with another text; this one "
                        "was not stored (give it another id)"
                    )
                continue
            seen[id_] = digest
            rows.append(article_row(article))
            summary.written += 1
            if len(rows) >= _GROUP:
                flush()
        flush()
    (target / MARKER).touch()
    return summary


def read_input(folder: Path) -> Iterator[Article]:
    """The articles of a run's input (`write_input`), in order."""
    _, pq = _arrow()
    path = input_path(folder)
    if not input_done(folder):
        raise InputError(f"no complete Spark run input in {path} (run copydesk spark stories first)")
    for part in sorted(path.glob("*.parquet")):
        for batch in pq.ParquetFile(str(part)).iter_batches(batch_size=_GROUP):
            yield from (row_article(r) for r in batch.to_pylist())


def read_table(folder: Path, name: str) -> list[dict[str, Any]]:
    """The rows of a run's table (``articles``, ``links``, ``stories``), in order."""
    _, pq = _arrow()
    path = folder / name
    if not table_done(folder, name):
        raise InputError(f"no complete table {name!r} in {folder} (run copydesk spark stories first)")
    return [r for part in sorted(path.glob("part-*.parquet")) for r in pq.read_table(str(part)).to_pylist()]


class ImportMismatch(CopydeskError, ValueError):
    """The stories the index built differ from those of the Spark run it was imported from."""


@dataclass(slots=True)
class ImportSummary:
    """What `import_folder` did: articles added (and kept as aliases), stories and links checked."""

    added: int = 0
    aliases: int = 0
    stories: int = 0
    links: int = 0


def _link_key(link: Link) -> tuple[Any, ...]:
    """A link's figures, to 9 places, and verdict."""
    return (
        round(link.containment_a, 9),
        round(link.containment_b, 9),
        link.shared_words,
        link.verdict,
        round(link.confidence, 9),
    )


def _differences(name: str, got: Mapping[Any, Any], want: Mapping[Any, Any]) -> list[str]:
    """The first difference between two tables keyed alike, in words (none when equal)."""
    if got == want:
        return []
    only_got, only_want = sorted(set(got) - set(want)), sorted(set(want) - set(got))
    if only_got or only_want:
        first = (
            f"{only_got[0]!r} is in the index only" if only_got else f"{only_want[0]!r} is in the run only"
        )
        return [f"{name}: {len(only_got):,} in the index only, {len(only_want):,} in the run only ({first})"]
    key = next(k for k in sorted(got) if got[k] != want[k])
    return [f"{name}: the index has {got[key]!r} where the run has {want[key]!r}"]


def import_folder(folder: Path, index: Index) -> ImportSummary:
    """Add the articles of the Spark run in ``folder`` to ``index`` (a new one), build its stories, and
    check that they are the run's: every article's row of ``copydesk export stories`` (story, role,
    parent, figures, flags) and every link. Raises `ImportMismatch` naming the first difference."""
    added = index.add(read_input(folder))
    index.update_stories()
    summary = ImportSummary(added.added, added.duplicate_text)
    rows = {row["id"]: row for page in story_pages(index) for s in page for row in story_rows(s)}
    want_rows = {row["id"]: row for row in read_table(folder, "articles")}
    summary.stories = len(read_table(folder, "stories"))
    links = {(ln.a, ln.b): _link_key(ln) for ln in index.store.links_of(sorted(rows))}
    want_links = {(r["a"], r["b"]): _link_key(Link(**r)) for r in read_table(folder, "links")}
    summary.links = len(want_links)
    found = _differences("articles", rows, want_rows) + _differences("links", links, want_links)
    if found:
        raise ImportMismatch(
            f"the index built from {folder} does not give the stories of the Spark run: {'; '.join(found)} "
            f"(the index holds the articles; compare with copydesk export stories)"
        )
    return summary
