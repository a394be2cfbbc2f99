"""The stories of a DataFrame of articles, on Apache Spark: the stages of `copydesk.engine.stages`
scheduled over DataFrames. It gives exactly the stories, members, edges and links of
`copydesk.engine.batch.stories` on the same articles (the tests hold it to that).

This module is a driver only: it moves data (joins, explodes, repartitions, sorts) and runs the stage
functions on the workers through ``mapInArrow`` (`copydesk.backends.partitions`). Stages, in order, each
kept by a `StageStore` (``FOLDER/_stages/<name>/`` with a folder, so a rerun resumes):

1. ``holders``: the id holding each text (`prepare.holders` on the ids of one text, grouped by SHA-256);
2. ``ranks``: each holder's place in the global order (date, undated last, then id): a global sort, then
   each sorted partition's offset;
3. ``prepare``: fingerprints, `Item` (shingles and the rest) and month of each holder, per batch;
4. ``candidates``: band keys and passage fingerprints exploded with the ranks, repartitioned by key, the
   key-group rule (`candidates.key_pairs`) run on each partition (its groups are whole), counts summed per
   pair and the passage threshold applied (`candidates.passage_kept`); and the rare-shingle pairs of each
   window of two months (`candidates.rare_pairs` on one window's articles at a time);
5. ``verify``: each pair joined with both sides' items and verified in batches (`link.verify_many`);
6. ``wire``: the parts of each wire story (`link.wire_pairs`) not linked yet, linked (`link.wire_links`);
7. ``components``: connected components of the links that group articles (`story.grouping`: the strong
   links, and each article without one its closest weak link, by a window over its links), by
   large-star / small-star (`copydesk.backends.graph`);
8. ``stories``: each component's members, links and aliases in one task (`story.story`).

pyspark is imported here only, and only when a function runs (``pip install 'copydesk[spark]'``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from copydesk.backends import partitions as part
from copydesk.backends.checkpoint import StageStore
from copydesk.backends.graph import components
from copydesk.backends.records import INPUT_COLUMNS, LINK_COLUMNS
from copydesk.config import CompareConfig, IndexConfig, StoryConfig
from copydesk.engine.export import STORY_COLUMNS
from copydesk.engine.stages.candidates import Rules
from copydesk.engine.stages.keys import FAR, UNDATED
from copydesk.errors import ConfigError, MissingDependency

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

STORIES_COLUMNS = (
    "id",
    "size",
    "root",
    "hidden_source",
    "hidden_agency",
    "outlets",
    "earliest",
    "latest",
    "uncredited_share",
)
"""Columns of the ``stories`` table: one row per story, biggest first, then by founder."""

STAGE_NAMES = ("holders", "ranks", "prepare", "candidates", "verify", "wire", "components", "stories")


def require_pyspark() -> None:
    """Raise `MissingDependency` (extra ``spark``) when pyspark cannot be imported."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise MissingDependency("pyspark", "spark", "The Spark backend") from exc


def session(master: str = "local[2]", *, partitions: int = 8, app: str = "copydesk") -> SparkSession:
    """A Spark session for ``master`` with ``partitions`` shuffle partitions (the active session when there
    is one: Spark has one per process). For a local master, the workers run this Python
    (``PYSPARK_PYTHON`` when set is kept) and import this copydesk."""
    require_pyspark()
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        local_workers()
    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


@contextmanager
def session_of(master: str = "local[2]", *, partitions: int = 8) -> Iterator[SparkSession]:
    """`session` as a context: the session is stopped on exit when it was started here (not when the
    process already had one, as a test or a notebook does)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    started = SparkSession.getActiveSession() is None
    spark = session(master, partitions=partitions)
    try:
        yield spark
    finally:
        if started:
            spark.stop()


def local_workers() -> None:
    """Make the Python workers of a local master run this interpreter and import this copydesk (a source
    checkout that is not installed too): ``PYSPARK_PYTHON`` (unless set) and ``PYTHONPATH``."""
    import copydesk

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    here = str(Path(copydesk.__file__).resolve().parents[1])
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if here not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([here, *paths])


class SparkStories(NamedTuple):
    """The three tables of a run: ``articles`` (the columns of ``copydesk export stories``, in its order),
    ``links`` (`copydesk.backends.records.LINK_COLUMNS`, by a then b) and ``stories`` (`STORIES_COLUMNS`)."""

    articles: DataFrame
    links: DataFrame
    stories: DataFrame


@dataclass(frozen=True)
class SparkRun:
    """A run's tables, and what is kept beside them: ``members`` (the ``stories`` stage: the articles'
    rows with each story's founder, figures and provenance edges as JSON), ``all_links`` (the links with
    their evidence as JSON) and the stages run and resumed (``store``)."""

    tables: SparkStories
    members: DataFrame
    all_links: DataFrame
    store: StageStore


def _partitions(spark: SparkSession, given: int | None) -> int:
    n = given if given is not None else int(spark.conf.get("spark.sql.shuffle.partitions") or 200)
    if n < 1:
        raise ConfigError(f"partitions must be a positive integer, got {n!r}")
    return n


def _input(articles: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    missing = [c for c in ("id", "text") if c not in articles.columns]
    if missing:
        raise ConfigError(
            f"the articles DataFrame has no column {missing[0]!r}: it needs {', '.join(INPUT_COLUMNS)}"
        )
    defaults: dict[str, Column] = {
        "title": F.lit(None).cast("string"),
        "date": F.lit(None).cast("date"),
        "url": F.lit(None).cast("string"),
        "outlet": F.lit(None).cast("string"),
        "body_start": F.lit(0).cast("long"),
        "meta": F.lit(None).cast("string"),
    }
    return articles.select(
        *(F.col(c) if c in articles.columns else defaults[c].alias(c) for c in INPUT_COLUMNS)
    ).withColumn("date", F.col("date").cast("date"))


def _ranks(spark: SparkSession, held: DataFrame) -> DataFrame:
    """(id, rank): each article's place in the global order, 0 first. The sort is global (range partitions
    in order); each row's number inside its partition plus the rows of the partitions before it."""
    from pyspark.sql import functions as F

    ordered = (
        held.select("id", F.coalesce("date", F.lit(FAR)).alias("key_date"))
        .orderBy("key_date", "id")
        .select("id", F.spark_partition_id().alias("p"), F.monotonically_increasing_id().alias("m"))
        .localCheckpoint()
    )
    counts = sorted((int(r["p"]), int(r["count"])) for r in ordered.groupBy("p").count().collect())
    offsets, total = [], 0
    for p, n in counts:
        offsets.append((p, total))
        total += n
    table = spark.createDataFrame(offsets or [(0, 0)], "p int, offset long")
    return ordered.join(F.broadcast(table), "p").select(
        "id", (F.col("m") - F.shiftleft(F.col("p").cast("long"), 33) + F.col("offset")).alias("rank")
    )


def run(
    spark: SparkSession,
    articles: DataFrame,
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
    folder: str | None = None,
    partitions: int | None = None,
    on_stage: Callable[[str, bool], None] | None = None,
) -> SparkRun:
    """The stories of ``articles`` (columns `copydesk.backends.records.INPUT_COLUMNS`; only ``id`` and
    ``text`` are required; ids distinct), as `copydesk.engine.batch.stories` gives them.

    folder: keep each stage's output under ``folder/_stages/`` and resume the stages found complete there
    (any Hadoop path); without it, stages are checkpointed in the executors. partitions: of each shuffle
    (default ``spark.sql.shuffle.partitions``). on_stage(name, resumed): told as each stage is done.
    """
    require_pyspark()
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    cfg, ccfg, scfg = (
        config or IndexConfig(),
        compare_config or CompareConfig(),
        story_config or StoryConfig(),
    )
    rules = Rules.of(cfg, ccfg, scfg)
    n = _partitions(spark, partitions)
    store = StageStore(spark, folder, on_stage=on_stage)
    arts = _input(articles)

    holders = store.run(
        "holders",
        lambda: (
            arts.select("id", "date", F.sha2("text", 256).alias("key"))
            .repartition(n, "key")
            .mapInArrow(part.holders, part.HOLDERS.ddl)
        ),
    )
    held = holders.where(F.col("id") == F.col("holder")).select("id").join(arts, "id")
    ranks = store.run("ranks", lambda: _ranks(spark, held))
    prepared = store.run(
        "prepare",
        lambda: (
            held.join(ranks, "id")
            .drop("meta")
            .repartition(n)
            .mapInArrow(partial(part.prepared, config=cfg, compare_config=ccfg), part.PREPARED_DDL)
        ),
    )

    def key_pairs(column: str, max_group: int) -> DataFrame:
        return (
            prepared.select(F.explode(column).alias("key"), "rank")
            .repartition(n, "key")
            .mapInArrow(partial(part.key_pairs, rules=rules, max_group=max_group), part.COUNTED.ddl)
        )

    def candidates() -> DataFrame:
        count = ranks.count()
        bands = key_pairs("bands", max(count, 2)).select("i", "j")
        held_i = prepared.select(F.col("rank").alias("i"), F.col("passages_held").alias("held_i"))
        held_j = prepared.select(F.col("rank").alias("j"), F.col("passages_held").alias("held_j"))
        kept = (
            key_pairs("passages", rules.max_postings)
            .groupBy("i", "j")
            .agg(F.sum("n").alias("n"))
            .join(held_i, "i")
            .join(held_j, "j")
            .mapInArrow(partial(part.passage_kept, rules=rules), part.PAIRS.ddl)
        )
        window = F.when(F.col("month") == UNDATED, F.array(F.lit(UNDATED))).otherwise(
            F.array(F.col("month") - 1, F.col("month"))
        )
        rare = (
            prepared.select(F.explode(window).alias("window"), "rank", "month", "shingles")
            .repartition(n, "window")
            .sortWithinPartitions("window", "rank")
            .mapInArrow(partial(part.rare_pairs, rules=rules), part.PAIRS.ddl)
        )
        return bands.union(kept).union(rare).where(F.col("i") < F.col("j")).distinct()

    pairs = store.run("candidates", candidates)

    def side(key: str, s: str) -> DataFrame:
        return prepared.select(
            F.col(key).alias(f"{key}_{s}"),
            F.col("shingles").alias(f"shingles_{s}"),
            F.col("item").alias(f"item_{s}"),
        )

    both = ["item_a", "shingles_a", "item_b", "shingles_b"]
    verified = store.run(
        "verify",
        lambda: (
            pairs.join(side("rank", "a"), F.col("i") == F.col("rank_a"))
            .join(side("rank", "b"), F.col("j") == F.col("rank_b"))
            .select(*both)
            .mapInArrow(partial(part.verify, compare_config=ccfg), part.LINKS.ddl)
        ),
    )
    wired = store.run(
        "wire",
        lambda: (
            prepared.where(F.col("wire").isNotNull())
            .select("wire", "id", "item")
            .repartition(n, "wire")
            .sortWithinPartitions("wire", "id")
            .mapInArrow(part.wire_pairs, part.ID_PAIRS.ddl)
            .join(verified.select("a", "b"), ["a", "b"], "left_anti")
            .join(side("id", "a"), F.col("a") == F.col("id_a"))
            .join(side("id", "b"), F.col("b") == F.col("id_b"))
            .select(*both)
            .mapInArrow(partial(part.wire_links, compare_config=ccfg), part.LINKS.ddl)
        ),
    )
    links = verified.unionByName(wired)
    rank_of = prepared.select("id", "rank")

    def edges() -> DataFrame:
        ends = links.mapInArrow(partial(part.link_ends, story_config=scfg), part.ENDS.ddl)
        firm = ends.where(F.col("strong"))
        closest = Window.partitionBy("me").orderBy(F.desc("shared"), F.desc("closeness"), F.asc("other"))
        chosen = (
            ends.where(~F.col("strong"))
            .join(firm.select("me").distinct(), "me", "left_anti")
            .withColumn("place", F.row_number().over(closest))
            .where(F.col("place") == 1)
        )
        grouped = firm.select("a", "b").unionByName(chosen.select("a", "b")).distinct()
        return (
            grouped.join(rank_of.select(F.col("id").alias("a"), F.col("rank").alias("u")), "a")
            .join(rank_of.select(F.col("id").alias("b"), F.col("rank").alias("v")), "b")
            .select("u", "v")
        )

    comps = store.run(
        "components", lambda: components(prepared.select(F.col("rank").alias("vertex")), edges())
    )
    members = store.run("stories", lambda: _stories(arts, holders, prepared, links, comps, n, ccfg, scfg))
    order = [F.desc("story_size"), F.col("founder"), F.col("position")]
    tables = SparkStories(
        articles=members.orderBy(*order).select(*(c.name for c in STORY_COLUMNS)),
        links=links.orderBy("a", "b").select(*LINK_COLUMNS),
        stories=members.where(F.col("position") == 0)
        .orderBy(*order[:2])
        .select(F.col("story").alias("id"), F.col("story_size").alias("size"), *STORIES_COLUMNS[2:]),
    )
    return SparkRun(tables, members, links, store)


def _stories(
    arts: DataFrame,
    holders: DataFrame,
    prepared: DataFrame,
    links: DataFrame,
    comps: DataFrame,
    n: int,
    ccfg: CompareConfig,
    scfg: StoryConfig,
) -> DataFrame:
    """Each component's members (their items), links and aliases (their records and texts) in one
    partition, sorted by component, and `partitions.stories` on them."""
    from pyspark.sql import functions as F

    placed = prepared.select("id", "rank", "item").join(
        comps.select(F.col("vertex").alias("rank"), "component"), "rank"
    )
    members = placed.select("component", "item")
    link_rows = links.join(placed.select(F.col("id").alias("a"), "component"), "a")
    record = F.to_json(F.struct("id", "text", "title", "date", "url", "outlet", "body_start"))
    aliases = (
        holders.where(F.col("id") != F.col("holder"))
        .join(arts, "id")
        .join(placed.select(F.col("id").alias("holder"), "component"), "holder")
        .select("component", "holder", record.alias("record"))
    )
    rows = members.unionByName(link_rows, allowMissingColumns=True).unionByName(
        aliases, allowMissingColumns=True
    )
    return (
        rows.repartition(n, "component")
        .sortWithinPartitions("component")
        .mapInArrow(partial(part.stories, compare_config=ccfg, story_config=scfg), part.MEMBERS.ddl)
    )


def stories(
    spark: SparkSession,
    articles_df: DataFrame,
    *,
    config: IndexConfig | None = None,
    compare_config: CompareConfig | None = None,
    story_config: StoryConfig | None = None,
    folder: str | None = None,
    partitions: int | None = None,
    on_stage: Callable[[str, bool], None] | None = None,
) -> SparkStories:
    """(articles, links, stories) DataFrames of ``articles_df`` (see `run` and `SparkStories`)."""
    found = run(
        spark,
        articles_df,
        config=config,
        compare_config=compare_config,
        story_config=story_config,
        folder=folder,
        partitions=partitions,
        on_stage=on_stage,
    )
    return found.tables
