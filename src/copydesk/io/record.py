"""What the readers yield: an `Article`, or a `Skipped` that says where bad input was and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from copydesk.model import Article


@dataclass(frozen=True, slots=True)
class Skipped:
    """Input that was not read, and why.

    path: the file, as reached from the paths given to `read` (a folder given joined with the file's
        relative path).
    line: where in the file: the 1-based line for text, JSONL and CSV (for a CSV record spanning several
        lines, its first line), the 1-based row for Parquet; None when the whole file is skipped and for
        WARC records, whose reason says ``record N (offset B, uri U)`` instead.
    reason: what is wrong, in words: ``empty file``, ``binary file ...``, ``invalid UTF-8 at byte N``,
        ``invalid JSON: ...``, ``missing text field 'text' (columns: ...)``,
        ``text longer than max_chars (N characters > M)``, ``unsupported file type .xyz``, ...
    """

    path: str
    line: int | None
    reason: str

    @property
    def message(self) -> str:
        """One line for a person: ``path:line: reason``, or ``path: reason`` when there is no line."""
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


Record: TypeAlias = Article | Skipped
