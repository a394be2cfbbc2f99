"""Entry point: registers every command on the group and runs it."""

from __future__ import annotations

from copydesk.cli import bench, compare, export, index, serve, spark, stories  # noqa: F401  (each module registers its commands)
from copydesk.cli.app import cli


def main() -> None:
    cli(prog_name="copydesk")
