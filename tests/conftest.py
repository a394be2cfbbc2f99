"""Shared fixtures: the project's own example articles, and paths to real data under ../shared (skipped
with a clear reason when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

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
def seeds() -> tuple[Path, Path]:
    return shared_file("seeds", "000_fb9d13d9a774a7f3.txt"), shared_file("seeds", "001_7526ad3678308fd2.txt")
