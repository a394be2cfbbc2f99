"""One local Spark session for the whole test run (starting one costs seconds): ``local[2]``, four shuffle
partitions, no web UI. Skipped with the reason when pyspark, its Arrow dependencies or Java are missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    for module in ("pyspark", "pyarrow", "pandas"):
        pytest.importorskip(module, reason=f"{module} is not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed: Spark needs a JVM (Java 17)")
    from pyspark.sql import SparkSession

    from copydesk.backends.spark import local_workers

    local_workers()
    session = (
        SparkSession.builder.master("local[2]")
        .appName("copydesk-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
