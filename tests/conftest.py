"""Shared fixtures: the project's own example articles, and paths to real data under ../shared (skipped
with a clear reason when absent)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from copydesk import core

# Unit tests never assert timings: hypothesis's per-example deadline is one, and fails on a loaded machine.
settings.register_profile("copydesk", deadline=None)
settings.load_profile("copydesk")

# The core the suite runs on, as the CLI reads it: COPYDESK_CORE=python runs every test on the reference
# even where the native core is built (the tests that compare both cores choose each one themselves).
SUITE_CORE = os.environ.get("COPYDESK_CORE") or None
core.use(SUITE_CORE)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
SEEDS = SHARED_DATA / "seeds"


def shared_file(*parts: str) -> Path:
    """A file under ../shared/data, or a skip when it is not on this machine."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (it lives beside the checkout in ../shared/data)")
    return path


@pytest.fixture
def wire_path() -> Path:
    return EXAMPLES / "wire.txt"


@pytest.fixture
def ledger_path() -> Path:
    return EXAMPLES / "ledger.txt"


@pytest.fixture
def weekly_path() -> Path:
    return EXAMPLES / "weekly.txt"


@pytest.fixture
def hidden_copies() -> tuple[Path, Path, Path]:
    """Two copies of one wire story whose original is not in the corpus, and that original (to check a
    reconstruction against): `tests/data/README.md`."""
    folder = ROOT / "tests" / "data" / "hidden"
    return folder / "gazette.txt", folder / "coastal.txt", folder / "original.txt"


@pytest.fixture
def seeds() -> tuple[Path, Path]:
    return shared_file("seeds", "000_fb9d13d9a774a7f3.txt"), shared_file("seeds", "001_7526ad3678308fd2.txt")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (starting one costs seconds): ``local[2]``, four shuffle
    partitions, no web UI. Skips with the reason when pyspark, its Arrow dependencies or Java are missing."""
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
