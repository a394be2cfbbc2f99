"""`copydesk bench ...`: accuracy on labelled data and speed, printed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from copydesk.bench import endtoend, stories
from copydesk.bench.baselines import ENGINES
from copydesk.bench.corpora import check_ecb, check_reuters
from copydesk.bench.generator.corpus import generate
from copydesk.bench.meter import evaluate_meter
from copydesk.bench.scoring import Labels, read_jsonl, score
from copydesk.bench.semeval import evaluate_semeval
from copydesk.bench.speed import compare_speed
from copydesk.bench.stages import table, time_stages
from copydesk.cli.app import cli

_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUT = click.Path(dir_okay=False, path_type=Path)


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


@bench.command("make-corpus")
@click.argument("source", type=_FILE)
@click.option("--size", type=click.IntRange(min=10), required=True, help="Articles to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of every random choice.")
@click.option(
    "--join",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Reuters bodies joined in each original: 1 for short articles, 5 for long ones (about 750 words).",
)
def bench_make_corpus(source: Path, size: int, out: Path, seed: int, join: int) -> None:
    """A labelled corpus of wire originals and their copies, from Reuters-21578 (documents.jsonl.gz).

    Writes OUT/articles.jsonl, OUT/labels.jsonl (kind and sources of each article) and OUT/manifest.json,
    for `copydesk bench corpus`. The same SOURCE, size, seed and join give byte-identical files. Prints the
    counts per kind and the pool's figures as JSON.
    """
    manifest = generate(source, out, size=size, seed=seed, join=join)
    click.echo(json.dumps({"out": str(out), "counts": manifest["counts"], "pool": manifest["pool"]}))


@bench.command("corpus")
@click.argument("corpora", nargs=-1, required=True, type=_DIR)
@click.option(
    "--baselines",
    default=",".join(ENGINES),
    show_default=True,
    help="Comma-separated baselines run on each corpus after copydesk (datasketch, rensa); '' for none.",
)
@click.option(
    "--queries", type=click.IntRange(min=1), default=5000, show_default=True, help="Queries at most."
)
@click.option("--out", type=_OUT, help="Also write the JSON results here.")
@click.option(
    "--db", type=_FILE, help="Time find on this index of the one corpus, opened read-only (no ingest)."
)
@click.option("--dump", type=_OUT, help="With --db: write each query's hits here, one JSON line per query.")
def bench_corpus(
    corpora: tuple[Path, ...],
    baselines: str,
    queries: int,
    out: Path | None,
    db: Path | None,
    dump: Path | None,
) -> None:
    """copydesk add and find end to end on corpora of `copydesk bench make-corpus`, with datasketch and
    rensa on the same corpus in the same run, each engine in its own process.

    Ingest is from the input file to a committed index; queries are the labelled derived articles and
    near-misses, then their sources, each timed, scored against labels.jsonl. Prints a JSON list (one object
    per corpus and engine) on stdout and a table on stderr.
    """
    if dump is not None and db is None:
        raise click.UsageError("--dump needs --db")
    if db is not None:
        if len(corpora) != 1:
            raise click.UsageError("--db takes exactly one corpus, the one the index was built from")
        endtoend.check_corpus(corpora[0])
        result = endtoend.run_find(corpora[0], db, queries=queries, dump=dump)
        click.echo(json.dumps(result, indent=2))
        if out is not None:
            out.write_text(json.dumps([result], indent=2), encoding="utf-8")
        return
    engines = [e.strip() for e in baselines.split(",") if e.strip()]
    results = endtoend.run_corpora(corpora, engines=engines, queries=queries)
    click.echo(json.dumps(results, indent=2))
    click.echo("\n" + endtoend.HEADER, err=True)
    for r in results:
        click.echo(endtoend.row(r), err=True)
    if out is not None:
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")


@bench.command("score")
@click.argument("labels", type=_FILE)
@click.argument("results", type=_FILE)
def bench_score(labels: Path, results: Path) -> None:
    """Score any engine's matches against a generated corpus's labels.jsonl.

    RESULTS is JSONL of {"query": id, "matches": [ids]}. Prints precision, recall per derived kind (both
    directions) and near-miss false matches as JSON, by the rules `copydesk bench corpus` scores with.
    """
    pairs = ((r["query"], r["matches"]) for r in read_jsonl(results))
    click.echo(json.dumps(score(pairs, Labels.load(labels)), indent=2))


@bench.command("stages")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--limit", type=click.IntRange(min=1), help="Read only the first N records.")
@click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True)
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Rounds; each figure is its least.",
)
def bench_stages(path: Path, limit: int | None, batch_size: int, repeat: int) -> None:
    """CPU microseconds per article of each stage of add (read, check, layout, fingerprint, store), for the
    Python core and the native core in the same run, in this process (no workers), each core in turn for
    --repeat rounds after an untimed pass on the first 500 records; each figure is its least over the rounds.

    Prints one JSON object on stdout and a table on stderr. The native core is left out, with a note, when
    it is not installed.
    """
    result = time_stages(path, limit=limit, batch_size=batch_size, repeat=repeat)
    click.echo(json.dumps(result, indent=2))
    for line in table(result):
        click.echo(line, err=True)
