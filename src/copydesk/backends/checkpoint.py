"""Where a Spark run keeps each stage's output, so that a rerun resumes after the last completed stage.

With a folder, stage ``name`` writes Parquet to ``FOLDER/_stages/name/``; Spark's committer writes the
``_SUCCESS`` marker only once every task has committed, so a folder without one (a run killed while writing)
is written again, and a folder with one is read back and the stage skipped. Any Hadoop file system works
(a local path, ``hdfs://``, ``s3a://``). Without a folder, each stage's output is checkpointed in the
executors (`DataFrame.localCheckpoint`), which also cuts the plan so that no stage is computed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

STAGES = "_stages"
MARKER = "_SUCCESS"


def _join(folder: str, *parts: str) -> str:
    return "/".join([folder.rstrip("/"), *parts])


class StageStore:
    """Runs or resumes the stages of one Spark run. ``ran`` and ``skipped`` name the stages computed and
    read back, in order; ``on_stage(name, resumed)`` is told when each stage is done."""

    def __init__(
        self,
        spark: SparkSession,
        folder: str | None,
        *,
        on_stage: Callable[[str, bool], None] | None = None,
    ) -> None:
        self.spark = spark
        self.folder = folder
        self.on_stage = on_stage
        self.ran: list[str] = []
        self.skipped: list[str] = []

    def path(self, name: str) -> str:
        if self.folder is None:
            raise ValueError("this run keeps no stage output on disk (no folder given)")
        return _join(self.folder, STAGES, name)

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists, on whatever file system it names (through Hadoop's FileSystem)."""
        jvm = self.spark.sparkContext._jvm
        assert jvm is not None
        p = jvm.org.apache.hadoop.fs.Path(path)
        fs = p.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration())
        return bool(fs.exists(p))

    def done(self, name: str) -> bool:
        return self.folder is not None and self.exists(_join(self.path(name), MARKER))

    def run(self, name: str, build: Callable[[], DataFrame]) -> DataFrame:
        """The output of stage ``name``: read back when it is complete, else ``build()`` computed and kept."""
        if self.folder is None:
            out = build().localCheckpoint()
            self._told(name, resumed=False)
            return out
        path = self.path(name)
        if not self.done(name):
            build().write.mode("overwrite").parquet(path)
            self._told(name, resumed=False)
        else:
            self._told(name, resumed=True)
        return self.spark.read.parquet(path)

    def _told(self, name: str, *, resumed: bool) -> None:
        (self.skipped if resumed else self.ran).append(name)
        if self.on_stage is not None:
            self.on_stage(name, resumed)
