"""`copydesk spark stories`: the stories of a corpus on Apache Spark; `copydesk import`: an index from a
Spark run's folder, checked against it."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click
from rich.text import Text

from copydesk.cli.app import cli
from copydesk.cli.index import DB_OPTION, FIELD_OPTION, MAX_CHARS_OPTION, tell_wait
from copydesk.cli.show import clean, make_console, plain
from copydesk.engine.index import Index
from copydesk.errors import InputError
from copydesk.io import FieldMap, read


@cli.group("spark")
def spark_group() -> None:
    """Run the engine on Apache Spark (pip install 'copydesk[spark]')."""


@spark_group.command("stories")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write: articles/, links/ and stories/ (Parquet), and each stage's output in _stages/.",
)
@click.option(
    "--master",
    default="local[2]",
    show_default=True,
    help="The Spark master (local[N], spark://, yarn, k8s://).",
)
@FIELD_OPTION
@click.option(
    "--partitions", type=click.IntRange(1), default=8, show_default=True, help="Partitions of each shuffle."
)
@MAX_CHARS_OPTION
def stories_cmd(
    paths: tuple[str, ...],
    output: Path,
    master: str,
    fields: tuple[str, ...],
    partitions: int,
    max_chars: int,
) -> None:
    """The stories of the articles in PATHS (as copydesk add reads them: JSONL, CSV, Parquet, text files,
    HTML, WARC; files or folders), computed on Spark.

    The articles are read here, with the id rules of copydesk add, and written to OUTPUT/_stages/input/;
    Spark then runs each stage, writing its output to OUTPUT/_stages/<stage>/. A rerun with the same inputs
    resumes after the last completed stage. Writes OUTPUT/articles/ (the columns of copydesk export
    stories), OUTPUT/links/ and OUTPUT/stories/ as Parquet. copydesk import OUTPUT makes an index of them.
    """
    from copydesk.backends import folder as run_folder
    from copydesk.backends import spark as backend

    backend.require_pyspark()
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    err = make_console(stderr=True)
    field_map = FieldMap.parse(list(fields)) if fields else FieldMap()
    run = {"inputs": [str(Path(p).resolve()) for p in paths], "fields": list(fields), "max_chars": max_chars}
    resumed = run_folder.check_run(output, run) and run_folder.input_done(output)
    if resumed:
        click.echo(f"resuming the run in {clean(output)}", err=True)
    else:
        summary = run_folder.write_input(read(paths, fields=field_map, max_chars=max_chars), output, run=run)
        for s in summary.skipped:
            err.print(
                Text.assemble(("skipped", "yellow"), " ", plain(s.message)), highlight=False, soft_wrap=True
            )
        for note in summary.notes:
            err.print(Text.assemble(("note", "cyan"), ": ", plain(note)), highlight=False, soft_wrap=True)
        click.echo(
            f"read {summary.written:,} articles; already present {summary.duplicate_id:,} (same id); "
            f"skipped {len(summary.skipped):,}",
            err=True,
        )
        if not summary.written:
            raise InputError(
                f"no article could be read from {' '.join(paths)}: give files or folders of articles in a "
                "format copydesk reads (see copydesk add --help)"
            )
    start = time.perf_counter()

    def told(name: str, resumed: bool) -> None:
        what = "already done" if resumed else f"done at {time.perf_counter() - start:.1f} s"
        click.echo(f"stage {name}: {what}", err=True)

    with backend.session_of(master, partitions=partitions) as spark:
        spark.sparkContext.setLogLevel("ERROR")
        found = backend.run(
            spark,
            spark.read.parquet(str(run_folder.input_path(output))),
            folder=str(output),
            partitions=partitions,
            on_stage=told,
        )
        for name, table in zip(run_folder.TABLES, found.tables, strict=True):
            if not run_folder.table_done(output, name):
                table.write.mode("overwrite").parquet(str(output / name))
        counts = [table.count() for table in found.tables]
    click.echo(
        f"wrote {counts[0]:,} articles in {counts[2]:,} stories and {counts[1]:,} links to {clean(output)} "
        f"(articles/, links/, stories/; {time.perf_counter() - start:.1f} s)",
        err=True,
    )


@cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@DB_OPTION
def import_cmd(folder: Path, db: Path) -> None:
    """Make a new index of the articles of a Spark run (the OUTPUT of copydesk spark stories), build its
    stories, and check that they are the run's (every article's story, role, parent and figures, every
    link): stories, story, find and export then answer from it. Exits 1 on any difference."""
    from copydesk.backends import folder as run_folder

    if db.exists():
        raise click.UsageError(f"{db} exists: copydesk import makes a new index; give another --db")
    start = time.perf_counter()
    with Index(db, on_wait=tell_wait) as index:
        summary = run_folder.import_folder(folder, index)
    click.echo(
        f"imported {summary.added + summary.aliases:,} articles ({summary.aliases:,} kept as aliases) into "
        f"{clean(db)}: {summary.stories:,} stories and {summary.links:,} links, the same as the run's "
        f"({time.perf_counter() - start:.1f} s)"
    )
