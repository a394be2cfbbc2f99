"""The layer rules of ARCHITECTURE.md: imports point down only (import-linter contracts in pyproject)."""

from __future__ import annotations

import ast
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


def _store_imports() -> dict[str, set[str]]:
    """module -> the modules of ``copydesk.store`` it imports, anywhere in it (in functions too)."""
    base = ROOT / "src" / "copydesk" / "store"
    names = {
        "copydesk.store" if p.name == "__init__.py" else f"copydesk.store.{p.stem}": p
        for p in base.glob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        package = "copydesk.store" if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                origin = node.module or ""
                if node.level:  # relative: from the package, one level up per dot after the first
                    parts = package.split(".")
                    origin = ".".join([*parts[: len(parts) - node.level + 1], *([origin] if origin else [])])
                for alias in node.names:
                    sub = f"{origin}.{alias.name}"
                    found.add(sub if sub in names else origin)
        graph[name] = {m for m in found if m in names and m != name}
    return graph


def test_no_import_circle_inside_the_store() -> None:
    """No module of `copydesk.store` imports, directly or not, one that imports it back (the package's
    ``__init__`` re-exports them all, so a module importing a name from ``copydesk.store`` closes a circle)."""
    graph = _store_imports()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            pytest.fail(
                "import circle in copydesk.store: " + " -> ".join([*path[path.index(module) :], module])
            )
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
