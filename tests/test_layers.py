"""The layer rules of ARCHITECTURE.md: imports point down only (import-linter contracts in pyproject)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    beside = Path(sys.executable).parent / "lint-imports"  # the venv's, when it is not on PATH (make test)
    exe = shutil.which("lint-imports") or (str(beside) if beside.exists() else None)
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_init_files_only_reexport() -> None:
    for init in (ROOT / "src" / "copydesk").rglob("__init__.py"):
        for line in init.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("def ", "class ", "for ", "while ", "if ", "with ")):
                pytest.fail(f"{init}: __init__.py files only re-export, found: {stripped}")
