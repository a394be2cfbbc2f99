"""The command line: `copydesk compare`, `copydesk bench` ..."""

from copydesk.cli.main import main

__all__ = ["main"]
