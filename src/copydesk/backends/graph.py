"""Connected components of a graph held as a Spark DataFrame of edges, with DataFrame operations only: the
large-star / small-star iterations of Kiveris et al., "Connected Components in MapReduce and Beyond"
(SoCC 2014). No graph library, no ``--packages``.

Vertices are longs. Each round turns the edge set into one with the same components whose edges point from
a vertex to a smaller one; it stops when the edges form disjoint stars (each vertex has at most one
smaller neighbour, the centre, and no centre has a smaller neighbour), after O(log n) rounds. A vertex's
component is then the smallest vertex of it. Each round's edges are checkpointed (`localCheckpoint`), so the
plan does not grow with the rounds. Memory: the edges of one vertex's neighbourhood meet in one task (a
star's centre gathers its leaves), so a component of millions of vertices is one big task, not a failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from copydesk.errors import CopydeskError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# Rounds after which the iterations give up (each at least halves the depth of the forest in practice).
MAX_ROUNDS = 100


def _large_star(edges: DataFrame) -> DataFrame:
    """Each vertex u links its larger neighbours to the smallest vertex of its neighbourhood (itself
    included)."""
    from pyspark.sql import functions as F

    both = edges.select("u", "v").union(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
    low = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.join(low, "u")
        .where(F.col("v") > F.col("u"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each vertex u links itself and its smaller neighbours to the smallest of those neighbours."""
    from pyspark.sql import functions as F

    down = edges.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v")).where(
        F.col("u") != F.col("v")
    )
    low = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = down.join(low, "u")
    return (
        linked.select(F.col("v").alias("u"), F.col("m").alias("v"))
        .union(low.select("u", F.col("m").alias("v")))
        .where(F.col("u") != F.col("v"))
        .distinct()
    )


def _stars(edges: DataFrame) -> bool:
    """Whether ``edges`` (each from a vertex to a smaller one) are disjoint stars: no vertex has two
    smaller neighbours, and none with a smaller neighbour is another's smaller neighbour (one job)."""
    from pyspark.sql import functions as F

    ends = edges.select(F.col("u").alias("x"), F.lit(1).alias("leaf"), F.lit(0).alias("centre")).union(
        edges.select(F.col("v").alias("x"), F.lit(0).alias("leaf"), F.lit(1).alias("centre"))
    )
    bad = (
        ends.groupBy("x")
        .agg(F.sum("leaf").alias("leaf"), F.max("centre").alias("centre"))
        .where((F.col("leaf") > 1) | ((F.col("leaf") == 1) & (F.col("centre") == 1)))
    )
    return bad.limit(1).count() == 0


def components(vertices: DataFrame, edges: DataFrame) -> DataFrame:
    """(``vertex``, ``component``) for every vertex of ``vertices`` (column ``vertex``), its component
    being the smallest vertex connected to it by ``edges`` (columns ``u``, ``v``; either direction)."""
    from pyspark.sql import functions as F

    current = (
        edges.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
        .where(F.col("u") != F.col("v"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        current = _small_star(_large_star(current)).localCheckpoint()
        if _stars(current):
            break
    else:
        raise CopydeskError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    centre = current.select(F.col("u").alias("vertex"), F.col("v").alias("component"))
    return (
        vertices.select("vertex")
        .join(centre, "vertex", "left")
        .select("vertex", F.coalesce("component", "vertex").alias("component"))
    )
