"""The benchmark scripts of ``bench/`` (not a package: each imports the installed ``copydesk``), loaded by
path for the tests that run them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str) -> ModuleType:
    """The script ``bench/<name>.py`` as a module (loaded once, as ``bench_<name>``)."""
    key = f"bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module
