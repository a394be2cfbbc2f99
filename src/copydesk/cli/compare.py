"""`copydesk compare A B`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from copydesk.cli.app import cli
from copydesk.cli.render import print_comparison
from copydesk.cli.show import PIPED_WIDTH, clean
from copydesk.config import CompareConfig
from copydesk.engine import shapes
from copydesk.engine.compare import compare
from copydesk.io.one import read_one
from copydesk.io.write import write_text_file
from copydesk.model import Article


def load_article(arg: str) -> Article:
    """The article ``arg`` names: ``-`` (standard input), ``FILE`` or ``FILE#ID`` (see `copydesk.io.one`)."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    return read_one(arg, stdin=sys.stdin.buffer)


@cli.command("compare")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text: a readable report; json: the documented schema; html: one self-contained page.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@click.option(
    "--shingle-size",
    type=int,
    default=CompareConfig().shingle_size,
    show_default=True,
    help="Words per shingle for Jaccard and containment (2n-1 characters for Chinese, Japanese, Thai).",
)
def compare_cmd(a: str, b: str, fmt: str, output: Path | None, shingle_size: int) -> None:
    """Explain how two articles relate: figures, verdict with evidence, and a sentence-by-sentence edit script.

    A and B are files read as `add` reads them: a text file (an optional first line
    ' date YYYY-MM-DD <title>' is read as metadata), an HTML page (its main text), or a JSONL, CSV, Parquet
    or WARC file holding one article (FILE#ID picks one of several by its id); '-' reads one of them as text
    from standard input.
    """
    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be '-' (standard input)")
    config = CompareConfig(shingle_size=shingle_size)
    result = compare(load_article(a), load_article(b), config=config)
    if fmt == "text" and output is None:
        print_comparison(result, min_passage_words=config.min_passage_words)
        return
    if fmt == "json":
        body = json.dumps(shapes.comparison(result), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from copydesk.io.html import render_compare_html

        body = render_compare_html(result)
    else:
        from io import StringIO

        from rich.console import Console

        buf = StringIO()
        print_comparison(
            result,
            console=Console(file=buf, width=PIPED_WIDTH, force_terminal=False),
            min_passage_words=config.min_passage_words,
        )
        body = buf.getvalue()
    if output is None:
        click.echo(body, nl=False)
    else:
        write_text_file(output, body)
        click.echo(f"wrote {clean(output)}", err=True)
