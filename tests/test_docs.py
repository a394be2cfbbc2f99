"""Every CLI command is documented in the README, and the README's two commands are the real ones."""

from __future__ import annotations

from pathlib import Path

import click

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "copydesk") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out += commands(cmd, full)
        else:
            out.append(full)
    return out


def test_every_command_is_documented() -> None:
    missing = [c for c in commands(cli) if c not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and "make test" in ci
    assert "make demo" in README


def test_json_schema_keys_are_documented() -> None:
    for key in (
        "verdict",
        "confidence",
        "jaccard",
        "containment_a_in_b",
        "containment_b_in_a",
        "counterpart",
    ):
        assert f"`{key}`" in README
