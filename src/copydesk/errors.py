"""The exception tree: one root, each subclass also inheriting the builtin it refines."""

from __future__ import annotations


class CopydeskError(Exception):
    """Root of every error copydesk raises on purpose."""


class ConfigError(CopydeskError, ValueError):
    """A setting is out of its range or of the wrong type."""


class InputError(CopydeskError, ValueError):
    """Input that cannot be read: names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.reason = message


class ArticleNotFound(CopydeskError, KeyError):
    """No article with this id in the index."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "article not found"


class StoreError(CopydeskError, RuntimeError):
    """The index file cannot be opened, is of another schema version, or a write failed."""


class MissingDependency(CopydeskError, ImportError):
    """An optional library is needed: the message names the extra to install."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{module}' package: install it with  pip install 'copydesk[{extra}]'"
        )
        self.module = module
        self.extra = extra
