"""`copydesk bench ...`: accuracy on labelled data and speed, printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from copydesk.bench import stories
from copydesk.bench.corpora import check_ecb, check_reuters
from copydesk.bench.meter import evaluate_meter
from copydesk.bench.semeval import evaluate_semeval
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


@bench.command("stories")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--details", type=click.Path(dir_okay=False, path_type=Path), help="Also write one JSON line per article."
)
def bench_stories(path: Path, details: Path | None) -> None:
    """Story clustering and provenance on a METER-format JSONL(.gz) file, at default settings.

    Every PA text and newspaper article goes into one temporary index; `stories` groups them. Gold: each
    story folder's PA texts and derived copies; each non-derived copy alone. Prints one JSON object: ari,
    bcubed_precision/recall/f1, direction_accuracy (a derived copy's parent, or its story's root, is a PA
    text of its story), counts and examples of each kind of failure.
    """
    click.echo(json.dumps(stories.evaluate_meter(path, details=details), indent=2, ensure_ascii=False))


@bench.command("ecb")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def bench_ecb(path: Path) -> None:
    """Links `stories` makes on ECB+ (documents.jsonl.gz): independent articles about the same events.

    Prints one JSON object: counts, then every link with its containment both ways, the engine's verdict,
    its gold relation and a sample of its longest shared passage, for a person to judge.
    """
    click.echo(json.dumps(check_ecb(path), indent=2, ensure_ascii=False))


@bench.command("reuters-groups")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--sample", type=click.IntRange(min=0), default=10, show_default=True, help="Other stories to print."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
def bench_reuters_groups(path: Path, sample: int, seed: int) -> None:
    """Reuters-21578 (documents.jsonl.gz): do the groups of identical bodies each come out as one story,
    and what else does `stories` group? Prints counts, the three largest stories and a random sample."""
    click.echo(json.dumps(check_reuters(path, sample=sample, seed=seed), indent=2, ensure_ascii=False))


@bench.command("semeval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-mt", is_flag=True, help="Leave out the pairs flagged mt_suspect (machine translated).")
def bench_semeval(path: Path, skip_mt: bool) -> None:
    """SemEval-2022 Task 8 pairs (pairs.jsonl.gz): how copydesk's containment relates to the annotated
    similarity, per language pair.

    Prints one JSON object: per language pair, the pairs, those with a text read in characters (Chinese,
    Japanese, Thai), and Spearman's correlation between the larger containment of each pair and its
    'overall' rating, the engine's way and with every text read in words. 1 is the most similar rating, so
    shared text shows as a negative correlation. The task rates same-story similarity, not text reuse.
    """
    click.echo(json.dumps(evaluate_semeval(path, skip_mt=skip_mt), indent=2))


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
