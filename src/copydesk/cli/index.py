"""`copydesk add`, `copydesk find`, `copydesk stats`: the corpus index."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from copydesk.cli.app import cli
from copydesk.cli.compare import load_article
from copydesk.cli.render import print_comparison
from copydesk.cli.show import Elided, clean, data_table, make_console, plain
from copydesk.engine import shapes
from copydesk.engine.index import AddSummary, Hit, Index
from copydesk.engine.layouts import auto_workers
from copydesk.errors import InputError
from copydesk.io import FieldMap, read
from copydesk.model import Article

DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("copydesk.db"),
    show_default=True,
    help="The index file.",
)
# The reading options of every verb that reads articles as `add` does.
FIELD_OPTION = click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=COLUMN",
    help="Map an article field (id, text, title, date, url, outlet) to an input column, e.g. --field text=body.",
)
MAX_CHARS_OPTION = click.option(
    "--max-chars",
    type=click.IntRange(1),
    default=5_000_000,
    show_default=True,
    help="Longer articles are skipped.",
)


def tell_wait(message: str) -> None:
    """Say on stderr that a write waits for another process writing to the index (`Index`'s on_wait)."""
    click.echo(message, err=True)


def _plain_size(paths: tuple[str, ...]) -> int | None:
    """Total bytes of uncompressed inputs, for an ETA; None when any input is compressed."""
    total = 0
    for p in map(Path, paths):
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else []
        for f in files:
            if f.name.endswith(".gz"):
                return None
            total += f.stat().st_size
    return total or None


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@DB_OPTION
@FIELD_OPTION
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1_000_000),
    default=10_000,
    show_default=True,
    help="Articles per transaction.",
)
@MAX_CHARS_OPTION
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=None,
    help=(
        "Processes that fingerprint the articles and find their boilerplate while this one reads and"
        " writes (on the native core, any number above 0 means one preparing thread, which uses every core);"
        f" 0: all in this one.  [default: one per core, none on a single core; here {auto_workers()}]"
    ),
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def add_cmd(
    paths: tuple[str, ...],
    db: Path,
    fields: tuple[str, ...],
    batch_size: int,
    max_chars: int,
    workers: int | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Add articles to the index: folders of .txt (recursive), .jsonl(.gz), .csv, .parquet, .html, .warc(.gz).

    PATH - reads JSON Lines from standard input. Articles without an id field are named by their path
    relative to the deepest folder holding every PATH (one folder given: relative to it), rows of a table by
    that path and their line (<stdin>:LINE for standard input).

    Each batch is one transaction: a killed run leaves the index as after its last committed batch, and
    running the same command again adds only what is missing. Bad input is reported with its file and line
    and skipped; the rest goes on. Exits 1 when nothing at all could be read. A text already stored under
    another id is not stored again: the new id is kept as an alias of it (found by find and story, listed in
    its story and in export stories).
    """
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    field_map = FieldMap.parse(list(fields)) if fields else FieldMap()
    records = read(paths, fields=field_map, max_chars=max_chars)
    err = make_console(stderr=True)
    total = _plain_size(paths)
    show = not quiet and err.is_terminal
    with Index(db, on_wait=tell_wait) as index:
        if show:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.fields[articles]:,} articles"),
                BarColumn(),
                TextColumn("{task.fields[rate]:,.0f} articles/s  {task.fields[mbps]:.1f} MB/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("add", total=total, articles=0, rate=0.0, mbps=0.0)

                def progress(s: AddSummary) -> None:
                    rate = s.read / s.seconds if s.seconds else 0.0
                    bar.update(
                        task,
                        completed=s.chars,
                        articles=s.read,
                        rate=rate,
                        mbps=s.chars / 1e6 / max(s.seconds, 1e-9),
                    )

                summary = index.add(records, batch_size=batch_size, progress=progress, workers=workers)
        else:
            summary = index.add(records, batch_size=batch_size, workers=workers)
        stats = index.stats()
    if fmt == "json":
        click.echo(
            json.dumps({**shapes.summary(summary, index_articles=stats.articles), "db": str(db)}, indent=2)
        )
    else:
        for s in summary.skipped:
            err.print(
                Text.assemble(("skipped", "yellow"), " ", plain(s.message)), highlight=False, soft_wrap=True
            )
        for note in summary.notes:
            err.print(Text.assemble(("note", "cyan"), ": ", plain(note)), highlight=False, soft_wrap=True)
        rate = f", {summary.read / summary.seconds:,.0f} articles/s" if summary.seconds else ""
        click.echo(
            f"added {summary.added:,}; already present {summary.duplicate_id:,} (same id), "
            f"{summary.duplicate_text:,} (same text: kept as aliases); skipped {len(summary.skipped):,}; "
            f"{summary.seconds:.1f} s{rate}. The index {clean(db)} holds {stats.articles:,} articles."
        )
        if summary.added and stats.segments >= COMPACT_HINT:
            err.print(
                Text.assemble(
                    ("note", "cyan"),
                    f": the index keeps its postings in {stats.segments} segments, and find looks in each; "
                    "copydesk compact --db ",
                    plain(str(db)),
                    " merges them into one",
                ),
                highlight=False,
                soft_wrap=True,
            )
    if summary.read == 0:
        skipped = (
            f"{len(summary.skipped):,} skipped, listed above" if summary.skipped else "no article file found"
        )
        inputs = " ".join("standard input" if p == "-" else p for p in paths)
        raise InputError(
            f"no article could be read from {inputs} ({skipped}): give files or folders of articles in "
            "a format copydesk reads (see copydesk add --help)"
        )


def _query(index: Index, arg: str) -> Article | str:
    if arg == "-" or Path(arg).is_file() or _names_a_record(arg):
        return load_article(arg)
    return arg  # an id in the index


def _names_a_record(arg: str) -> bool:
    """Whether ``arg`` reads FILE#ID with an existing FILE."""
    parts = arg.split("#")
    return any(Path("#".join(parts[:i])).is_file() for i in range(1, len(parts)))


def _print_hits(query: str, hits: list[Hit]) -> None:
    con = make_console()
    if not hits:
        con.print(Text.assemble("No article in the index shares reused text with ", plain(query), "."))
        return
    table = data_table(
        Text.assemble("Articles sharing text with ", plain(query), " (best first; figures in 0..1)")
    )
    table.add_column("id")  # the one column that gives way: ids are cut in the middle, never a figure
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("direction", no_wrap=True, min_width=9)
    for col in ("jaccard", "query\nin hit", "hit in\nquery", "passages"):
        table.add_column(col, justify="right", no_wrap=True, min_width=5)
    for h in hits:
        table.add_row(
            Elided(h.id),
            plain(h.date or ""),
            plain(h.direction),
            f"{h.jaccard:.3f}",
            f"{h.containment_query:.3f}",
            f"{h.containment_hit:.3f}",
            str(len(h.passages)),
        )
    con.print(table)
    con.print(
        "direction: what the hit is to the query. Passages and offsets: --format json; one hit in full: --explain ID"
    )


@cli.command("find")
@click.argument("article", metavar="ARTICLE")
@DB_OPTION
@click.option(
    "--min-containment",
    type=click.FloatRange(0, 1),
    default=None,
    help="Keep hits whose larger containment reaches this (default: the engine's decision, 0.2).",
)
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option(
    "--explain", "explain", metavar="ID", help="Print the full compare report between ARTICLE and this hit."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def find_cmd(
    article: str, db: Path, min_containment: float | None, limit: int, explain: str | None, fmt: str
) -> None:
    """List the indexed articles that share reused text with ARTICLE: an id in the index, a file (read as
    `compare` reads it: text, HTML, or JSONL/CSV/Parquet/WARC holding one article; FILE#ID picks one of
    several), or - for a text on standard input.

    Each hit has its Jaccard, containment both ways, a direction guess (source: ARTICLE derives from it;
    copy: it derives from ARTICLE; sibling: both from a common parent; same: the same words) and the shared
    passages.
    """
    if not db.exists():
        raise click.UsageError(f"no index at {db}: build one with  copydesk add PATH... --db {db}")
    with Index(db, readonly=True) as index:
        query = _query(index, article)
        if explain is not None:
            result = index.explain(query, explain)
            if fmt == "json":
                click.echo(json.dumps(shapes.comparison(result), ensure_ascii=False, indent=2))
            else:
                print_comparison(result, min_passage_words=index.compare_config.min_passage_words)
            return
        hits = index.find(query, min_containment=min_containment, limit=limit)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"query": article, "hits": [shapes.hit(h) for h in hits]}, ensure_ascii=False, indent=2
            )
        )
    else:
        _print_hits(article, hits)


# Segments from which `add` suggests `copydesk compact` (a large index keeps about ten; see compact's help).
COMPACT_HINT = 8


@cli.command("compact")
@DB_OPTION
def compact_cmd(db: Path) -> None:
    """Merge the index's postings into one segment, so that find looks in one instead of several.

    add writes each batch of articles as a segment and merges them by level as it goes, so that a batch
    costs the same at any size of the index; a large index is left with up to about ten, and each one a
    query looks in costs time (on a million articles: find p50 17 ms with ten, 13 ms with one). Run it
    after a large add; what find and stories give does not change. One transaction: a killed compact
    leaves the index as it was; readers go on meanwhile, writers wait.
    """
    if not db.exists():
        raise click.UsageError(f"no index at {db}: build one with  copydesk add PATH... --db {db}")
    started = time.perf_counter()
    with Index(db) as index:
        before, after = index.compact()
    took = time.perf_counter() - started
    if before == after:
        click.echo(
            f"postings already in {after} segment{'s' if after != 1 else ''}; nothing to do ({took:.1f} s)"
        )
    else:
        click.echo(f"postings: {before} segments -> {after} ({took:.1f} s)")


@cli.command("stats")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats_cmd(db: Path, fmt: str) -> None:
    """What the index holds: articles, outlets, date range, size on disk."""
    if not db.exists():
        raise click.UsageError(f"no index at {db}: build one with  copydesk add PATH... --db {db}")
    with Index(db, readonly=True) as index:
        stats = index.stats()
    data = stats.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        click.echo(
            f"{key.replace('_', ' ')}: {value:,}"
            if isinstance(value, int)
            else f"{key.replace('_', ' ')}: {clean(value)}"
        )
