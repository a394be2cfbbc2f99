"""`copydesk bench ...`: accuracy on labelled data and speed, printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from copydesk.bench.meter import evaluate_meter
from copydesk.bench.speed import compare_speed
from copydesk.cli.app import cli


@cli.group("bench")
def bench() -> None:
    """Score the engine on labelled data, or time it. Data paths are arguments, never built in."""


@bench.command("meter")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--details", type=click.Path(dir_okay=False, path_type=Path), help="Also write one JSON line per copy."
)
def bench_meter(path: Path, details: Path | None) -> None:
    """Derivation detection and word-level reuse on a METER-format JSONL(.gz) file.

    Each newspaper article (role 'copy') is compared with the PA texts (role 'source') of its story.
    Prints one JSON object: auc, binary_f1 (at the engine's own decision), best_f1 (threshold tuned on
    this very file, shown for reference only), macro_f1 (3-way) and token_f1.
    """
    result = evaluate_meter(path, details=details)
    click.echo(json.dumps(result, indent=2))


@bench.command("compare")
@click.argument("a", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.argument("b", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option(
    "--words", type=int, default=1000, show_default=True, help="Article length when A and B are not given."
)
@click.option("--repeat", type=int, default=50, show_default=True, help="Timed runs.")
def bench_compare(a: Path | None, b: Path | None, words: int, repeat: int) -> None:
    """Time `compare` on two articles (by default two generated related articles of --words words)."""
    click.echo(json.dumps(compare_speed(a, b, words=words, repeat=repeat), indent=2))
