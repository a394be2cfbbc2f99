"""How the CLI puts data on a terminal: escaped, fitted, and with progress bars that cannot crash.

Everything printed that comes from the data (ids, titles, outlets, credits, file names, messages that quote
input, error messages) goes through `clean`, and reaches rich as a `Text` (`plain`, `Elided`), never inside a
markup string: a control character (C0, DEL, C1, bidirectional overrides, line and paragraph separators) is
shown as its escape, ``\\x1b``, so that data can neither drive the terminal nor hide itself, and a square
bracket or a backslash is shown as it is written.
"""

from __future__ import annotations

import os

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.progress import ProgressColumn, Task
from rich.table import Table
from rich.text import Text

PIPED_WIDTH = 160
"""Columns of every verb's text output when it is not a terminal (piped, redirected, captured), unless the
environment sets COLUMNS."""

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_FORMAT = {0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _escaped(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _is_control(code: int) -> bool:
    return code < 0x20 or 0x7F <= code < 0xA0 or code in _FORMAT


def clean(value: object, *, lines: bool = False) -> str:
    """``str(value)`` with every control character shown escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    lines: keep newlines and tabs as they are (for bodies of text printed as paragraphs).
    """
    text = str(value)
    if not any(_is_control(ord(ch)) for ch in text):
        return text
    keep = ("\n", "\t") if lines else ()
    return "".join(_escaped(ch) if _is_control(ord(ch)) and ch not in keep else ch for ch in text)


def plain(value: object, style: str = "", *, lines: bool = False) -> Text:
    """Data as a rich `Text` (never read as markup), control characters escaped."""
    return Text(clean(value, lines=lines), style=style)


def elide(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells in the middle, keeping its start and its (distinguishing)
    end: ``PA/rawtexts/courts/12.txt`` -> ``PA/raw…urts/12.txt``. A third of the room goes to the start."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    room = width - 1
    head_room = room // 3
    head = ""
    for ch in text:
        if cell_len(head + ch) > head_room:
            break
        head += ch
    tail = ""
    for ch in reversed(text[len(head) :]):
        if cell_len(head) + 1 + cell_len(ch + tail) > width:
            break
        tail = ch + tail
    return f"{head}…{tail}"


class Elided:
    """A table cell for an id or a path: as wide as it is when there is room, else cut in the middle
    (`elide`) down to ``least`` cells. The column holding it must be wrapable (``no_wrap=False``) so that
    rich shrinks it before any other."""

    def __init__(self, value: object, style: str = "", *, least: int = 12) -> None:
        self.text = clean(value)
        self.style = style
        self.least = least

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = cell_len(self.text)
        return Measurement(min(width, self.least), width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(elide(self.text, options.max_width), style=self.style, no_wrap=True, overflow="crop")


def data_table(title: Text) -> Table:
    """A table of records (``title`` a `Text`: data never goes through markup), drawn without side edges so
    that the columns keep as much of a narrow terminal as they can. Columns of figures should be
    ``no_wrap=True``; the one that gives way holds `Elided` cells."""
    return Table(
        title=title,
        title_justify="left",
        box=box.MINIMAL_HEAVY_HEAD,
        show_edge=False,
        pad_edge=False,
        highlight=False,
    )


def make_console(*, stderr: bool = False) -> Console:
    """The console of a verb's text output: the terminal's width on a terminal, else COLUMNS when set, else
    `PIPED_WIDTH` (so ids and paths come out whole in a file)."""
    con = Console(stderr=stderr)
    if con.is_terminal or os.environ.get("COLUMNS", "").strip().isdigit():
        return con
    return Console(stderr=stderr, width=PIPED_WIDTH)


class CountColumn(ProgressColumn):
    """``done`` or ``done/total`` (whole numbers with thousands separators) and a unit: a count that is
    safe before the total is known (rich's TextColumn cannot format a total of None)."""

    def __init__(self, unit: str = "", *, prefix: str = "") -> None:
        super().__init__()
        self.unit = unit
        self.prefix = prefix

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        count = done if task.total is None else f"{done}/{int(task.total):,}"
        return Text(" ".join(x for x in (self.prefix, count, self.unit) if x))
