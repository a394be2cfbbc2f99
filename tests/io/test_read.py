"""`read`: formats by extension, folder walking, id defaults, text files, and bad input of every kind."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

from copydesk.errors import ConfigError, MissingDependency
from copydesk.io import FieldMap, Record, Skipped, read
from copydesk.io.read import _missing, file_format
from copydesk.model import Article

STORY = "Russia demanded that Kyiv's allies enter into negotiations with Moscow.\n"


def records(*paths: str | Path, **options: object) -> list[Record]:
    return list(read(paths, **options))  # type: ignore[arg-type]


def articles(recs: list[Record]) -> list[Article]:
    return [r for r in recs if isinstance(r, Article)]


def skipped(recs: list[Record]) -> list[Skipped]:
    return [r for r in recs if isinstance(r, Skipped)]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# formats and folders


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "text"),
        ("A.TXT", "text"),
        ("a.jsonl", "jsonl"),
        ("a.jsonl.gz", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.csv", "csv"),
        ("a.csv.gz", "csv"),
        ("a.parquet", "parquet"),
        ("a.html", "html"),
        ("a.htm", "html"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc"),
        ("a.txt.gz", None),
        ("a.json", None),
        ("README", None),
        (".txt", None),
    ],
)
def test_file_format_by_extension(name: str, kind: str | None) -> None:
    assert file_format(name) == kind


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.txt", "b/c.txt", "B.txt", "b/a/z.txt", "c/d/e.txt"]:
        write(tmp_path / name, STORY)
    ids = [a.id for a in articles(records(tmp_path))]
    assert ids == ["B.txt", "a.txt", "b/a/z.txt", "b/c.txt", "b.txt", "c/d/e.txt"]


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", STORY)
    write(tmp_path / ".hidden.txt", STORY)
    write(tmp_path / ".git" / "config", "x")
    write(tmp_path / "sub" / ".DS_Store", b"\x00\x01")
    recs = records(tmp_path)
    assert [a.id for a in articles(recs)] == ["a.txt"]
    assert skipped(recs) == []


def test_a_hidden_file_given_by_name_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / ".draft.txt", STORY)
    assert [a.id for a in articles(records(path))] == [".draft.txt"]


def test_unknown_file_types_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", STORY)
    write(tmp_path / "notes.md", "# notes")
    write(tmp_path / "README", "readme")
    write(tmp_path / "old.txt.gz", b"\x1f\x8b")
    recs = records(tmp_path)
    assert [a.id for a in articles(recs)] == ["a.txt"]
    # a folder's README and Markdown notes are documentation, passed over; other unknown files are reported
    assert [(Path(s.path).name, s.line, s.reason) for s in skipped(recs)] == [
        ("old.txt.gz", None, "unsupported file type .gz"),
    ]
    named = records(tmp_path / "notes.md")
    assert [s.reason for s in skipped(named)] == ["unsupported file type .md"]


def test_a_missing_path_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", STORY)
    recs = records(tmp_path / "nope", path)
    assert recs[0] == Skipped(str(tmp_path / "nope"), None, "no such file or folder")
    assert isinstance(recs[1], Article)


def test_a_single_path_string_is_one_path_not_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", STORY)
    assert [a.id for a in articles(list(read(str(path))))] == ["a.txt"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    write(tmp_path / "a" / "x.txt", STORY)
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    assert [a.id for a in articles(records(tmp_path))] == ["a/x.txt"]


def test_bad_options_fail_at_once() -> None:
    with pytest.raises(ConfigError, match="max_chars must be a positive integer, got 0"):
        read([], max_chars=0)
    with pytest.raises(ConfigError, match="fields must be a FieldMap, got dict"):
        read([], fields={"text": "body"})  # type: ignore[arg-type]


def test_read_is_lazy(tmp_path: Path) -> None:
    stream = read([tmp_path / "nope"])
    write(tmp_path / "nope", STORY)  # created after the call, before the first record is asked for
    # Not "no such file or folder": it looked only when asked.
    assert list(stream) == [Skipped(str(tmp_path / "nope"), None, "unsupported file type (no extension)")]


# text files and ids


def test_text_file_header_gives_date_and_title(tmp_path: Path) -> None:
    path = write(tmp_path / "001.txt", " date 2024-11-08 Russia urges West\n\n" + STORY)
    [article] = articles(records(path))
    assert article.id == "001.txt"
    assert article.date == dt.date(2024, 11, 8)
    assert article.title == "Russia urges West"
    assert article.body.strip() == STORY.strip()
    assert article.text.startswith(" date 2024-11-08")


def test_text_file_without_header(tmp_path: Path) -> None:
    [article] = articles(records(write(tmp_path / "a.txt", STORY)))
    assert (article.text, article.date, article.title, article.body_start) == (STORY, None, None, 0)


def test_text_file_with_a_bad_header_date_is_skipped_at_line_1(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "date 2024-13-45 Title\nbody\n")
    [skip] = records(path)
    assert isinstance(skip, Skipped)
    assert (skip.path, skip.line) == (str(path), 1)
    assert "header date '2024-13-45' is not a valid date" in skip.reason


def test_id_defaults_are_relative_to_the_folder_given(tmp_path: Path) -> None:
    write(tmp_path / "2024" / "11" / "a.txt", STORY)
    write(
        tmp_path / "2024" / "rows.jsonl", json.dumps({"text": "x"}) + "\n" + json.dumps({"text": "y"}) + "\n"
    )
    assert [a.id for a in articles(records(tmp_path))] == [
        "2024/11/a.txt",
        "2024/rows.jsonl:1",
        "2024/rows.jsonl:2",
    ]
    assert [a.id for a in articles(records(tmp_path / "2024"))] == [
        "11/a.txt",
        "rows.jsonl:1",
        "rows.jsonl:2",
    ]
    assert [a.id for a in articles(records(tmp_path / "2024" / "rows.jsonl"))] == [
        "rows.jsonl:1",
        "rows.jsonl:2",
    ]


def test_ids_from_paths_are_unique_across_the_inputs_of_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B8: before, ``add dup/a/story.txt dup/b/story.txt`` named both ``story.txt`` (the second was then
    dropped as the same id). Ids are relative to the deepest folder holding every input."""
    write(tmp_path / "dup" / "a" / "story.txt", STORY)
    write(tmp_path / "dup" / "b" / "story.txt", "Another story altogether.\n")
    write(tmp_path / "dup" / "b" / "rows.jsonl", json.dumps({"text": "x"}) + "\n")
    write(tmp_path / "dup" / "c.txt", "A third.\n")
    dup = tmp_path / "dup"
    files = (dup / "a" / "story.txt", dup / "b" / "story.txt")
    assert [a.id for a in articles(records(*files))] == ["a/story.txt", "b/story.txt"]
    # The same ids whatever the working folder and however the paths are spelled.
    monkeypatch.chdir(dup / "a")
    assert [a.id for a in articles(records("story.txt", "../b/story.txt"))] == ["a/story.txt", "b/story.txt"]
    # Folders: one given keeps ids relative to it; several are named from their common parent.
    assert [a.id for a in articles(records(dup / "a", dup / "b"))] == [
        "a/story.txt",
        "b/rows.jsonl:1",
        "b/story.txt",
    ]
    assert [a.id for a in articles(records(dup / "b"))] == ["rows.jsonl:1", "story.txt"]
    assert [a.id for a in articles(records(dup / "c.txt", dup / "b"))] == [
        "c.txt",
        "b/rows.jsonl:1",
        "b/story.txt",
    ]
    # Every article knows where it was read.
    assert [str(a.origin) for a in articles(records(dup / "b"))] == [
        f"{dup / 'b' / 'rows.jsonl'}:1",
        str(dup / "b" / "story.txt"),
    ]


def test_a_dash_reads_json_lines_from_standard_input(tmp_path: Path) -> None:
    """E20: ``-`` is standard input, read as JSON Lines and reported as ``<stdin>:LINE``."""
    import io

    stdin = io.BytesIO(
        (json.dumps({"id": "s1", "text": "x"}) + "\n{bad\n" + json.dumps({"text": "y"}) + "\n").encode()
    )
    write(tmp_path / "a.txt", STORY)
    recs = records("-", tmp_path / "a.txt", stdin=stdin)
    assert [a.id for a in articles(recs)] == ["s1", "<stdin>:3", "a.txt"]
    assert [s.message for s in skipped(recs)] == [
        "<stdin>:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    ]
    assert [s.message for s in skipped(records("-", stdin=io.BytesIO(b"")))] == ["<stdin>: empty file"]


# bad input: each named with file and line, the rest of the batch read


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.jsonl.gz", "a.csv", "a.parquet", "a.html", "a.warc"])
def test_empty_files_of_every_type(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, b"")
    after = write(tmp_path / "z.txt", STORY)
    recs = records(path, after)
    assert recs[0] == Skipped(str(path), None, "empty file")
    assert isinstance(recs[1], Article)


def test_whitespace_only_text_file_is_empty(tmp_path: Path) -> None:
    [skip] = records(write(tmp_path / "a.txt", " \n\n\t\n"))
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("empty file")


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.csv"])
def test_binary_files_are_skipped_whole(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, bytes(range(256)) * 64)
    after = write(tmp_path / "z.txt", STORY)
    recs = records(path, after)
    assert len(recs) == 2
    assert isinstance(recs[0], Skipped)
    assert (recs[0].path, recs[0].reason) == (str(path), "binary file (NUL bytes), not text")
    assert isinstance(recs[1], Article)


def test_invalid_utf8_in_a_text_file_names_line_and_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"first line\nsecond \xff line\n")
    after = write(tmp_path / "z.txt", STORY)
    recs = records(path, after)
    assert recs[0] == Skipped(str(path), 2, "invalid UTF-8 at byte 18")
    assert recs[0].message == f"{path}:2: invalid UTF-8 at byte 18"
    assert isinstance(recs[1], Article)


def test_a_50_mb_article_is_skipped_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "before", "text": STORY}) + "\n")
        out.write('{"id": "huge", "text": "')
        chunk = "word " * 200_000  # 1 MB
        for _ in range(50):
            out.write(chunk)
        out.write('"}\n')
        out.write(json.dumps({"id": "after", "text": STORY}) + "\n")
    recs = records(path)
    assert [getattr(r, "id", None) for r in recs] == ["before", None, "after"]
    assert recs[1] == Skipped(str(path), 2, "text longer than max_chars (50,000,000 characters > 5,000,000)")


def test_a_50_mb_text_file_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as out:
        out.truncate(50_000_000)  # sparse: its size is all that is looked at
    after = write(tmp_path / "z.txt", STORY)
    recs = records(path, after)
    assert isinstance(recs[0], Skipped)
    assert recs[0].reason.startswith("text longer than max_chars (at least 12,499,999 characters")
    assert isinstance(recs[1], Article)


def test_max_chars_applies_to_text_files(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "x" * 101)
    [skip] = records(path, max_chars=100)
    assert skip == Skipped(str(path), None, "text longer than max_chars (101 characters > 100)")
    assert isinstance(records(path, max_chars=101)[0], Article)


def test_field_map_applies_to_every_tabular_file(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", json.dumps({"doc": "j1", "body": "from json", "lang": "en"}) + "\n")
    write(tmp_path / "b.csv", "doc,body,lang\nc1,from csv,fr\n")
    recs = records(tmp_path, fields=FieldMap(id="doc", text="body"))
    assert [(a.id, a.text, dict(a.meta)) for a in articles(recs)] == [
        ("j1", "from json", {"lang": "en"}),
        ("c1", "from csv", {"lang": "fr"}),
    ]


# optional libraries


def test_a_missing_optional_library_skips_only_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    page = write(tmp_path / "a.html", "<html><body><p>x</p></body></html>")
    table = write(tmp_path / "b.parquet", b"PAR1")
    text = write(tmp_path / "c.txt", STORY)
    recs = records(tmp_path)
    assert isinstance(recs[2], Article)
    assert recs[0] == Skipped(
        str(page),
        None,
        "Extracting the main text of HTML pages needs the 'trafilatura' package: "
        "install it with  pip install 'copydesk[web]'",
    )
    assert isinstance(recs[1], Skipped)
    assert recs[1].path == str(table)
    assert "pip install 'copydesk[parquet]'" in recs[1].reason
    assert recs[2].id == text.name


def test_a_library_that_fails_to_import_says_why() -> None:
    exc = MissingDependency("trafilatura", "web", "Extracting the main text of HTML pages")
    exc.__cause__ = ImportError("lxml.html.clean module is now a separate project", name="lxml.html.clean")
    assert _missing(exc).endswith(
        "pip install 'copydesk[web]' (lxml.html.clean module is now a separate project)"
    )
    exc.__cause__ = ImportError("No module named 'trafilatura'", name="trafilatura")
    assert _missing(exc) == str(exc)
