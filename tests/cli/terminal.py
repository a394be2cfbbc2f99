"""Run `python -m copydesk` as a user does: under a pseudo-terminal (progress bars, colours, the terminal's
width) or piped, and read every byte it wrote."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# what rich itself writes to a terminal: colours (SGR), hiding the cursor, clearing and moving up a line
_RICH_CONTROL = re.compile(rb"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[\d*A|\x1b\[\d*G|\r")


@dataclass(frozen=True, slots=True)
class Run:
    args: tuple[str, ...]
    code: int
    out: bytes  # stdout (everything, stderr included, under a terminal)
    err: bytes = b""

    @property
    def text(self) -> str:
        return (self.out + self.err).decode("utf-8", errors="replace")

    @property
    def screen(self) -> str:
        """What a person reads: rich's colour and cursor sequences taken out."""
        return _RICH_CONTROL.sub(b"", self.out + self.err).decode("utf-8", errors="replace")

    def ok(self) -> Run:
        assert self.code == 0 and "Traceback" not in self.text, (
            f"copydesk {' '.join(self.args)}:\n{self.text}"
        )
        return self


def _env(columns: int, *, terminal: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES")
    }
    env.setdefault("PYTHONPATH", str(Path(__file__).parents[2] / "src"))  # this checkout, unless told
    if terminal:
        env.update(TERM="xterm-256color", COLUMNS=str(columns), LINES="40")
    return env


def in_terminal(*args: str, cwd: Path, columns: int = 100, timeout: float = 120) -> Run:
    """``python -m copydesk ARGS`` with stdin, stdout and stderr on a pseudo-terminal ``columns`` wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "copydesk", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=_env(columns, terminal=True),
        close_fds=True,
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other side is closed
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"copydesk {' '.join(args)} ran for more than {timeout} s:\n{out.decode()}")
    finally:
        os.close(master)
    return Run(args, proc.wait(timeout=10), bytes(out))


def piped(*args: str, cwd: Path, columns: int | None = None, stdin: bytes = b"") -> Run:
    """``python -m copydesk ARGS`` with its output piped (COLUMNS set when ``columns`` is given)."""
    env = _env(columns or 0, terminal=False)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    return Run(args, proc.returncode, proc.stdout, proc.stderr)


def foreign_controls(data: bytes, *, terminal: bool) -> list[str]:
    """The control characters in ``data`` that copydesk did not mean to send: under a terminal, all but rich's
    own colour and cursor sequences; piped, all but newline. Empty when the output is clean."""
    if terminal:
        data = _RICH_CONTROL.sub(b"", data)
    text = data.decode("utf-8", errors="replace")
    return sorted(
        {
            repr(ch)
            for ch in text
            if ch not in "\n"
            and (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ord(ch) in (0x202E, 0x2066, 0x2028))
        }
    )
