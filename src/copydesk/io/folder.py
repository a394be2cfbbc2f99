"""A folder of text files: one ``.txt`` file per article, in the form `copydesk.io.read` reads back.

Each file holds a header line `` date YYYY-MM-DD <title>`` when the article has a date, then its body. The
file of an article is named after its id (`text_file_name`): ``/`` in an id makes subfolders, unsafe
characters become ``_``, ``.txt`` is appended when the id does not end in it, and a name too long for the
file system is shortened with a hash of the id. The folder also holds ``.ids.jsonl``, one JSON object
``{"id": ..., "file": ...}`` per article in the order written (``file`` is ``/``-separated, relative to the
folder): the way back from a file to its article when the name is not the id. It is hidden, so reading the
folder (``copydesk add FOLDER``) passes over it.

The folder is built under a hidden temporary name beside it (``.NAME.XXXXXXXX.partial``) and renamed into
place when complete: a failed or killed export leaves no ``NAME`` folder (a killed one leaves that
temporary folder, which may be deleted).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from copydesk.errors import ConfigError, InputError
from copydesk.io.write import NAME_MAX, Row, RowWriter, partial_name

IDS_FILE = ".ids.jsonl"
"""The file of the folder that maps each article id to its file (see the module's docstring)."""

# Bytes of a file name, its ``.txt`` included, leaving room for the ``~N`` that tells clashing names apart.
FILE_NAME_MAX = NAME_MAX - 16
# Bytes of a file's path inside the folder: beyond it the id's path is flattened into one name, so that the
# folder's own path (up to the system's 4,096 bytes) still has room.
PATH_MAX = 1024
# Characters kept out of file names: path separators, control characters, those Windows refuses, and lone
# surrogates (they have no UTF-8 form).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|\ud800-\udfff]')
# Names `copydesk.io.read` passes over when walking a folder (see read._is_documentation).
_DOCUMENTATION = ("README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG")
_HASH_CHARS = 16  # hex digits of the id's SHA-256 in a shortened name (64 bits)


def text_file_name(id: str, *, flat: bool = False) -> str:
    """The relative path of article ``id`` in a text folder, ``/``-separated, ending in ``.txt``.

    Reading the folder back gives each article its relative path as id (`copydesk.io.read`), so an id that
    ends in ``.txt`` and is a safe relative path comes back unchanged; any other gets ``.txt`` appended, and
    unsafe characters (``\\ : * ? " < > |``, control characters, lone surrogates) become ``_``, as do empty,
    ``.`` and ``..`` parts and a leading ``.`` (hidden files are not read).

    Long names are shortened so that the file can be created: a folder name over `NAME_MAX` (255) bytes in
    UTF-8 or a file name over `FILE_NAME_MAX` (239) bytes keeps its beginning and ends in ``~`` and 16 hex
    digits of the SHA-256 of the id (of the part, for a folder), so two long ids stay apart; a path over
    `PATH_MAX` (1,024) bytes, or any path when ``flat``, becomes one file name, its parts joined by ``_``.
    """
    parts = []
    for part in id.split("/"):
        part = _UNSAFE.sub("_", part)
        if part in ("", ".", ".."):
            part = "_"
        elif part.startswith("."):
            part = "_" + part
        parts.append(part)
    if flat or (len(parts) > 1 and _size("/".join(parts)) + len(".txt") > PATH_MAX):
        parts = ["_".join(parts)]
    parts[:-1] = [_shorten(p, NAME_MAX, p) for p in parts[:-1]]
    name = parts[-1]
    if not name.lower().endswith(".txt") or name.lower() == ".txt":
        name += ".txt"
    if name.split(".", 1)[0].upper() in _DOCUMENTATION:
        name = "_" + name
    if _size(name) > FILE_NAME_MAX:
        name = _shorten(name[: -len(".txt")], FILE_NAME_MAX - len(".txt"), id) + ".txt"
    parts[-1] = name
    return "/".join(parts)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _shorten(text: str, limit: int, key: str) -> str:
    """``text`` when it fits in ``limit`` bytes; else its beginning, ``~`` and a hash of ``key``."""
    if _size(text) <= limit:
        return text
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    head = text.encode("utf-8")[: limit - 1 - _HASH_CHARS].decode("utf-8", "ignore")
    return f"{head}~{digest}"


def text_header(title: str | None, date: dt.date | None) -> str:
    """The header line (with its newline) for a text file: `` date YYYY-MM-DD <title>``; empty without a
    date (the format has no header without one, so the title is then not written)."""
    if date is None:
        return ""
    title = " ".join((title or "").split())
    return f" date {date.isoformat()} {title}".rstrip() + "\n"


class TextFolderWriter(RowWriter):
    """One ``.txt`` file per row (columns ``id``, ``text``, and ``title`` and ``date`` for the header) in a
    new or empty folder, and the ``.ids.jsonl`` map (see the module's docstring); names from
    `text_file_name`, a clash resolved by ``~2``, ``~3``... before ``.txt``.

    renamed: how many articles got a file name other than their id (their id changes when read back).

    Raises `ConfigError` when ``folder`` exists and is not an empty folder, `InputError` when it cannot be
    written.
    """

    def __init__(self, folder: Path) -> None:
        if folder.is_symlink():
            raise ConfigError(
                f"the text output folder {str(folder)!r} is a symbolic link: name a new or empty folder"
            )
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ConfigError(
                f"the text output folder {str(folder)!r} exists and is not empty: name a new or empty folder"
            )
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create folder: {exc.strerror or exc}", path=str(folder)) from exc
        self.folder = folder
        self.renamed = 0
        self._work = _partial_folder(folder)
        self._files: set[str] = set()  # case-folded: two names differing in case are one file on macOS
        self._dirs: set[str] = set()
        self._ids: TextIO | None = None
        try:
            self._ids = (self._work / IDS_FILE).open("x", encoding="utf-8", newline="\n")
        except OSError as exc:
            self.discard()
            raise InputError(f"cannot write: {exc.strerror or exc}", path=str(folder)) from exc

    def write(self, rows: Sequence[Row]) -> None:
        assert self._ids is not None
        for row in rows:
            id_ = str(row["id"])
            name = self._place(id_)
            self.renamed += name != id_
            path = self._work / name
            text = text_header(row.get("title"), row.get("date")) + row["text"]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("x", encoding="utf-8", errors="surrogatepass", newline="") as f:
                    f.write(text)
                self._ids.write(json.dumps({"id": id_, "file": name}) + "\n")
            except OSError as exc:
                raise InputError(
                    f"cannot write the file of article {id_!r}: {exc.strerror or exc}", path=str(path)
                ) from exc

    def _place(self, id_: str) -> str:
        """A file name for ``id_`` not taken by a file or folder already made (a folder of the name would
        be a file already made: then the name is flattened)."""
        name = text_file_name(id_)
        parts = name.split("/")
        folders = ["/".join(parts[:k]).casefold() for k in range(1, len(parts))]
        if any(f in self._files for f in folders):
            name, folders = text_file_name(id_, flat=True), []
        stem, k, candidate = name[: -len(".txt")], 1, name
        while candidate.casefold() in self._files or candidate.casefold() in self._dirs:
            k += 1
            candidate = f"{stem}~{k}.txt"
        self._files.add(candidate.casefold())
        self._dirs.update(folders)
        return candidate

    def close(self) -> None:
        """Rename the complete folder into place."""
        try:
            if self._ids is not None:
                self._ids.close()
            if self.folder.is_dir() and not self.folder.is_symlink():
                self.folder.rmdir()  # empty (checked when opened); fails if it was filled meanwhile
            os.rename(self._work, self.folder)
        except OSError as exc:
            self.discard()
            raise InputError(
                f"cannot put the folder in place: {exc.strerror or exc}; nothing was written",
                path=str(self.folder),
            ) from exc

    def discard(self) -> None:
        """Remove the temporary folder and all in it (the target folder was never made)."""
        if self._ids is not None:
            with contextlib.suppress(OSError):
                self._ids.close()
        shutil.rmtree(self._work, ignore_errors=True)


def _partial_folder(folder: Path) -> Path:
    """A new, empty, hidden folder beside ``folder`` to build it in (created by this call: never one that
    was there before, nor a link)."""
    for _ in range(100):
        work = folder.with_name(partial_name(folder.name))
        try:
            work.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(f"cannot create folder: {exc.strerror or exc}", path=str(folder)) from exc
        return work
    raise InputError("cannot create a temporary folder beside it: no free name", path=str(folder))
