"""The README documents every command, names only commands and options that exist, and its two commands are
the real ones; the reference documents the JSON schema."""

from __future__ import annotations

import re
from pathlib import Path

import click

from copydesk.cli.app import cli
from copydesk.cli.main import main  # noqa: F401  (registers the commands)

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
_COMMAND = re.compile(r"^(?:\$ )?(copydesk(?: [a-z][a-z-]*)+.*)")
_INLINE = re.compile(r"`(copydesk(?: [a-z][a-z-]*)+[^`]*)`")
_OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def commands(group: click.Group, prefix: str = "copydesk") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            out.update(commands(cmd, full))
        else:
            out[full] = cmd
    return out


def _resolve(line: str) -> tuple[str | None, str]:
    """The longest command a document line names, and the rest of the line."""
    words = line.split()
    known = commands(cli)
    groups = {"copydesk", *(c.rsplit(" ", 1)[0] for c in known)}
    for n in range(len(words), 0, -1):
        name = " ".join(words[:n])
        if name in known:
            return name, " ".join(words[n:])
        if name in groups:
            return None, " ".join(words[n:])
    return None, line


def named_commands(text: str) -> list[tuple[str, str]]:
    """(command, its line) for every `copydesk ...` line of a code block (fenced, or indented by four
    spaces) and every inline `copydesk ...` in backticks in the Markdown ``text``; a trailing comment goes."""
    found: list[tuple[str, str]] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or line.startswith("    "):
            m = _COMMAND.match(line.strip())
            if m:
                found.append((m.group(1).split("  #", 1)[0].strip(), line))
        else:
            found += [(m.group(1).strip(), line) for m in _INLINE.finditer(line)]
    return found


def test_every_command_is_documented() -> None:
    missing = [c for c in commands(cli) if c not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_command_and_option_the_docs_name_exists() -> None:
    known = commands(cli)
    groups = {c.rsplit(" ", 1)[0] for c in known} | {"copydesk"}
    wrong: list[str] = []
    for doc, text in (("README.md", README), ("docs/reference.md", REFERENCE)):
        for line, _ in named_commands(text):
            name, rest = _resolve(line)
            first = line.split()[:3]
            if name is None:
                # `copydesk` alone, a group, or a group followed by a word that is no subcommand of it.
                head = " ".join(first[:2])
                if head not in groups and head not in known:
                    wrong.append(f"{doc}: unknown command in {line!r}")
                elif head in groups and head != "copydesk" and len(first) > 2 and first[2].isalpha():
                    wrong.append(f"{doc}: unknown subcommand in {line!r}")
                continue
            opts = {o for p in known[name].params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}
            for opt in _OPTION.findall(rest):
                if opt not in opts:
                    wrong.append(f"{doc}: {name} has no option {opt} ({line!r})")
    assert not wrong, "\n".join(wrong)


def test_the_option_check_can_fail() -> None:
    name, rest = _resolve("copydesk add PATH --no-such-option")
    assert name == "copydesk add"
    opts = {o for p in commands(cli)[name].params for o in p.opts}
    assert "--no-such-option" not in opts and "--db" in opts and _OPTION.findall(rest) == ["--no-such-option"]


def test_synopsis_defaults_match_the_help() -> None:
    """A default the README writes in a synopsis (`[--batch-size 10000]`) is the command's default."""
    known = commands(cli)
    wrong: list[str] = []
    for line, _ in named_commands(README):
        name, rest = _resolve(line)
        if name is None:
            continue
        for opt, value in re.findall(r"\[(--[\w-]+) ([0-9][0-9._]*)\]", rest):
            param = next((p for p in known[name].params if opt in p.opts), None)
            if (
                param is not None
                and param.default is not None
                and str(param.default) != value.replace("_", "")
            ):
                wrong.append(f"{name} {opt}: README says {value}, the help {param.default}")
    assert not wrong, "\n".join(wrong)


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and "make test" in ci
    assert "make demo" in README


def test_json_schema_keys_are_documented() -> None:
    for key in (
        "verdict",
        "confidence",
        "jaccard",
        "containment_a_in_b",
        "containment_b_in_a",
        "counterpart",
    ):
        assert f"`{key}`" in REFERENCE
