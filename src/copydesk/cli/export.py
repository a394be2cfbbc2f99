"""`copydesk export stories`, `copydesk export dedup`: the stories of an index as data files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TimeElapsedColumn

from copydesk.cli.app import cli
from copydesk.cli.index import DB_OPTION, tell_wait
from copydesk.cli.show import CountColumn, clean
from copydesk.cli.stories import update
from copydesk.engine.export import DEDUP_COLUMNS, STORY_COLUMNS, ExportSummary, export_dedup, export_stories
from copydesk.engine.index import Index
from copydesk.io.folder import IDS_FILE, TextFolderWriter
from copydesk.io.write import ROW_FORMATS, RowWriter, leftovers, open_rows, output_format


@cli.group("export")
def export_group() -> None:
    """Write the stories of the index as data files (JSONL, CSV, Parquet, text files)."""


@contextmanager
def _index(db: Path, quiet: bool) -> Iterator[Index]:
    """The index, writable, its stories brought up to date as `copydesk stories` does (a note on stderr
    when that placed new articles, even with ``quiet``, which hides the progress bar only)."""
    if not db.exists():
        raise click.UsageError(f"no index at {db}: build one with  copydesk add PATH... --db {db}")
    with Index(db, on_wait=tell_wait) as index:
        update(index, quiet=quiet, note=True)
        yield index


@contextmanager
def _progress(index: Index, quiet: bool) -> Iterator[Callable[[ExportSummary], None] | None]:
    err = Console(stderr=True)
    if quiet or not err.is_terminal:
        yield None
        return
    total = index.store.story_counts()["stories"]
    with Progress(
        CountColumn("stories"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("export", total=total)

        def show(s: ExportSummary) -> None:
            bar.update(task, completed=s.stories)

        yield show


QUIET = click.option("-q", "--quiet", is_flag=True, help="No progress bar.")


def _note_leftovers(output: Path) -> None:
    """Name the temporary files of ``output`` that an earlier, killed export left beside it."""
    found = leftovers(output)
    if found:
        names = ", ".join(p.name for p in found[:3]) + (
            f" and {len(found) - 3:,} more" if len(found) > 3 else ""
        )
        click.echo(
            f"note: {names} beside {output} {'was' if len(found) == 1 else 'were'} left by an export that was "
            "stopped (or is still running): delete them once no export to it runs",
            err=True,
        )


@export_group.command("stories")
@DB_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ROW_FORMATS),
    default=None,
    help="Default: from the file's extension (.jsonl, .csv, .parquet; .gz too for jsonl and csv); jsonl on "
    "standard output.",
)
@QUIET
def stories_cmd(db: Path, output: Path | None, fmt: str | None, quiet: bool) -> None:
    """One row per article: its story, role (source, copy, single), parent (an id, "hidden" or empty),
    confidence, containment, story size, root, outlet, date, title and credits.

    Streams: stories are read a page at a time, so an index of any size goes through.
    """
    fmt = output_format(output, fmt, allowed=ROW_FORMATS)
    if output is not None:
        _note_leftovers(output)
    with _index(db, quiet) as index, _progress(index, quiet) as progress:
        target = output if output is not None else sys.stdout
        with open_rows(target, STORY_COLUMNS, fmt=fmt) as writer:
            summary = export_stories(index, writer, progress=progress)
    if output is not None:
        click.echo(
            f"wrote {summary.rows:,} articles of {summary.stories:,} stories to {clean(output)}", err=True
        )


@export_group.command("dedup")
@DB_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The file, or for txt the new (or empty) folder, to write.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*ROW_FORMATS, "txt"]),
    default=None,
    help="Default: from the extension (.jsonl, .csv, .parquet; .gz too for jsonl and csv); a name without "
    "one is a folder of .txt files.",
)
@QUIET
def dedup_cmd(db: Path, output: Path, fmt: str | None, quiet: bool) -> None:
    """One article per story, for building corpora: the story's source, or for a story whose source is not
    in the index (hidden source) its most complete copy (the most words after the header line).

    Columns: id, title, date, url, outlet, text (the body), story, story_size: what copydesk add reads back.
    txt writes one file per article with the header line ` date YYYY-MM-DD <title>` (when it has a date);
    each file is named after the article's id, with .txt appended when the id does not end in it (a name too
    long for the file system is shortened with a hash); .ids.jsonl in the folder maps each id to its file.
    The folder is built under a hidden temporary name and appears only when complete.
    """
    fmt = output_format(output, fmt, allowed=(*ROW_FORMATS, "txt"))
    _note_leftovers(output)
    with _index(db, quiet) as index, _progress(index, quiet) as progress:
        writer: RowWriter = (
            TextFolderWriter(output) if fmt == "txt" else open_rows(output, DEDUP_COLUMNS, fmt=fmt)
        )
        with writer:
            summary = export_dedup(index, writer, progress=progress)
    renamed = writer.renamed if isinstance(writer, TextFolderWriter) else 0
    note = (
        f" ({renamed:,} files named other than their id: .txt appended, characters replaced or long names "
        f"shortened; {output / IDS_FILE} maps each id to its file)"
        if renamed
        else ""
    )
    click.echo(f"wrote {summary.rows:,} articles, one per story, to {clean(output)}{note}", err=True)
