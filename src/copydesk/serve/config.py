"""The settings of one `copydesk serve`, validated when it starts."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from copydesk.errors import ConfigError, InputError

TOKEN_ENV = "COPYDESK_TOKEN"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20}
_UNITS |= {"g": 10**9, "gb": 10**9, "gib": 2**30}


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """What one server serves and allows.

    db: the index file. token: the bearer token writes need (None: writes answer 403). max_body: the largest
    request body in bytes (a bigger one gets 413). fetch_urls: whether the server fetches a URL given in
    place of a text; fetch_allow_private: whether it may fetch private, loopback and link-local addresses
    (for tests). readers: read connections to the index, each serving one request at a time; wait: seconds
    a request waits for one before 503. max_jobs: write jobs queued at most (more get 503). workers: server
    processes answering requests (each with its own ``readers``; one of them runs the write jobs).
    """

    db: Path
    token: str | None = None
    max_body: int = 10_000_000
    fetch_urls: bool = False
    fetch_allow_private: bool = False
    readers: int = 2
    wait: float = 10.0
    max_jobs: int = 16
    workers: int = 1

    def __post_init__(self) -> None:
        if self.max_body < 1:
            raise ConfigError(f"max_body must be at least 1 byte, got {self.max_body!r}")
        if self.readers < 1:
            raise ConfigError(f"readers must be at least 1, got {self.readers!r}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers!r}")
        if self.token is not None and len(self.token) < 8:
            raise ConfigError("the write token must be at least 8 characters: use a long random one")

    @property
    def writes(self) -> bool:
        return self.token is not None

    def to_json(self) -> str:
        """The settings as JSON, to hand them to worker processes (the token included: keep it private)."""
        return json.dumps({**dataclasses.asdict(self), "db": str(self.db)})

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        """The settings `to_json` wrote; ConfigError when ``text`` is not such JSON."""
        try:
            fields = json.loads(text)
            fields["db"] = Path(fields["db"])
        except (ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"not the JSON of a server's settings ({exc})") from exc
        return cls(**fields)


def parse_size(text: str) -> int:
    """Bytes from ``10MB``, ``512k``, ``1MiB`` or a plain number (decimal units: MB = 10**6)."""
    m = _SIZE.match(text)
    unit = (m.group(2) or "").lower() if m else ""
    if m is None or unit not in _UNITS:
        raise ConfigError(f"a size is a number with an optional unit (k, MB, MiB, GB), got {text!r}")
    return int(float(m.group(1)) * _UNITS[unit])


def load_token(path: Path | None) -> str | None:
    """The write token: the first line of ``path`` when given, else the COPYDESK_TOKEN environment
    variable; None when neither is set (writes are then disabled)."""
    if path is not None:
        try:
            token = path.read_text(encoding="utf-8").strip().splitlines()
        except OSError as exc:
            raise InputError(f"cannot read the token file ({exc.strerror})", path=str(path)) from exc
        if not token or not token[0].strip():
            raise InputError("the token file is empty: write one long random line in it", path=str(path))
        return token[0].strip()
    return os.environ.get(TOKEN_ENV) or None
