from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from copydesk.errors import ConfigError
from copydesk.io import read
from copydesk.io.folder import (
    FILE_NAME_MAX,
    IDS_FILE,
    NAME_MAX,
    PATH_MAX,
    TextFolderWriter,
    text_file_name,
    text_header,
)
from copydesk.model import Article


def test_text_file_name() -> None:
    assert text_file_name("wire.txt") == "wire.txt"
    assert text_file_name("2024/a.txt") == "2024/a.txt"
    assert text_file_name("PA/storm1") == "PA/storm1.txt"
    assert text_file_name("../etc/passwd") == "_/etc/passwd.txt"
    assert text_file_name("/abs") == "_/abs.txt"
    assert text_file_name(".hidden") == "_.hidden.txt"
    assert text_file_name("a:b?c") == "a_b_c.txt"
    assert text_file_name("README") == "_README.txt"
    assert text_file_name("x.jsonl:3") == "x.jsonl_3.txt"


def test_text_header() -> None:
    assert (
        text_header("A  title\nover lines", dt.date(2026, 3, 14)) == " date 2026-03-14 A title over lines\n"
    )
    assert text_header(None, dt.date(2026, 3, 14)) == " date 2026-03-14\n"
    assert text_header("no date", None) == ""


def test_text_folder_reads_back(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    rows = [
        {"id": "a.txt", "title": "First", "date": dt.date(2026, 3, 14), "text": "Body one.\n\nSecond para."},
        {"id": "A.TXT", "title": None, "date": None, "text": "Same name but for case."},
        {"id": "sub/b", "title": "Ignored without a date", "date": None, "text": "Body two."},
    ]
    with TextFolderWriter(folder) as w:
        w.write(rows)
    assert isinstance(w, TextFolderWriter) and w.renamed == 2
    back = {a.id: a for a in read(folder) if isinstance(a, Article)}
    assert set(back) == {"a.txt", "A~2.txt", "sub/b.txt"}
    assert back["a.txt"].body == rows[0]["text"]
    assert (back["a.txt"].title, back["a.txt"].date) == ("First", dt.date(2026, 3, 14))
    assert back["sub/b.txt"].text == "Body two." and back["sub/b.txt"].date is None


def test_text_folder_must_be_new_or_empty(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="not empty"):
        TextFolderWriter(tmp_path)


def test_text_folder_discard(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with pytest.raises(KeyError), TextFolderWriter(folder) as w:
        w.write([{"id": "d/a", "title": None, "date": None, "text": "x"}, {"id": "b"}])
    assert not folder.exists()


def _ids(folder: Path) -> dict[str, str]:
    lines = (folder / IDS_FILE).read_text(encoding="utf-8").splitlines()
    return {d["id"]: d["file"] for d in map(json.loads, lines)}


LONG_IDS = [
    "x" * 300,
    "x" * 300 + "y",  # the same first 255 bytes
    "é" * 200,  # 400 bytes in UTF-8
    "wire/" + "日本" * 60 + ".txt",
    "d" * 300 + "/" + "f" * 300,
    "/".join(["p" * 250] * 8) + "/z",  # parts that fit, a path over the budget
    "a",
    "a.txt/b",  # a folder named like the file of "a"
]


def test_long_ids_get_short_unique_names_and_the_map_leads_back(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    rows = [{"id": i, "title": None, "date": None, "text": f"Text {n}."} for n, i in enumerate(LONG_IDS)]
    with TextFolderWriter(folder) as w:
        w.write(rows)
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != IDS_FILE]
    assert len(files) == len(LONG_IDS)
    for p in folder.rglob("*"):
        assert len(p.name.encode("utf-8")) <= NAME_MAX
        assert len(p.relative_to(folder).as_posix().encode("utf-8")) <= PATH_MAX
    mapping = _ids(folder)
    assert set(mapping) == set(LONG_IDS)
    for n, id_ in enumerate(LONG_IDS):
        assert (folder / mapping[id_]).read_text(encoding="utf-8") == f"Text {n}."
    back = {a.id: a.text for a in read(folder) if isinstance(a, Article)}
    assert back == {mapping[i]: f"Text {n}." for n, i in enumerate(LONG_IDS)}  # the map file is not read


def test_long_names_keep_their_start_and_end_in_a_hash() -> None:
    name = text_file_name("x" * 300)
    assert name.startswith("x" * 200) and name.endswith(".txt")
    assert len(name.encode("utf-8")) <= FILE_NAME_MAX
    assert text_file_name("x" * 300) != text_file_name("x" * 300 + "y")
    assert text_file_name("x" * 300) == name  # stable from run to run
    assert text_file_name("short/name") == "short/name.txt"


def test_text_folder_leaves_nothing_when_a_write_fails(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with pytest.raises(KeyError), TextFolderWriter(folder) as w:
        w.write([{"id": "d/a", "title": None, "date": None, "text": "x"} for _ in range(3)])
        w.write([{"id": "b"}])
    assert list(tmp_path.iterdir()) == []


def test_text_folder_is_not_there_until_complete(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with TextFolderWriter(folder) as w:
        w.write([{"id": "a", "title": None, "date": None, "text": "x"}])
        assert not folder.exists()
    assert sorted(p.name for p in folder.iterdir()) == [IDS_FILE, "a.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_text_folder_fills_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with TextFolderWriter(folder) as w:
        w.write([{"id": "a", "title": "T", "date": dt.date(2026, 1, 2), "text": "x"}])
    assert (folder / "a.txt").read_text(encoding="utf-8") == " date 2026-01-02 T\nx"


def test_text_folder_is_never_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigError, match="is a symbolic link"):
        TextFolderWriter(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "out"]
