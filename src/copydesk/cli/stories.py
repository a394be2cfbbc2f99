"""`copydesk stories` and `copydesk story ID`: the index grouped into stories, with provenance and credit."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Group
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from copydesk.cli.app import cli
from copydesk.cli.index import DB_OPTION, tell_wait
from copydesk.cli.show import CountColumn, Elided, clean, data_table, make_console, plain
from copydesk.engine import shapes
from copydesk.engine.index import Index
from copydesk.engine.stories import StoriesUpdate
from copydesk.engine.view import story_view
from copydesk.io.story_html import render_story_html
from copydesk.io.write import write_text_file
from copydesk.model import HIDDEN, CopyOp, Reconstruction, Story, StoryEdge, StoryMember


def _need(db: Path) -> None:
    if not db.exists():
        raise click.UsageError(f"no index at {db}: build one with  copydesk add PATH... --db {db}")


def update(index: Index, *, quiet: bool = False, note: bool | None = None) -> StoriesUpdate:
    """Bring the stories up to date, with a progress bar on a terminal (none when ``quiet``); says what it
    did on stderr when it placed new articles, unless ``note`` is False (default: not ``quiet``)."""
    err = make_console(stderr=True)
    if quiet or not err.is_terminal:
        done = index.update_stories()
    else:
        with Progress(
            SpinnerColumn(),
            TextColumn("linking new articles"),
            BarColumn(),
            CountColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("stories", total=None)
            done = index.update_stories(progress=lambda n, total: bar.update(task, completed=n, total=total))
    if done.articles and (not quiet if note is None else note):
        err.print(
            f"stories updated: {done.articles:,} new articles, {done.links:,} new links, {done.retracted:,} "
            f"retracted, {done.created:,} new stories, {done.grown:,} rebuilt, {done.merged:,} ids retired "
            f"({done.seconds:.1f} s)",
            highlight=False,
            soft_wrap=True,
        )
    return done


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _span(story: Story) -> str:
    first, last = story.span
    if first is None or last is None:
        return ""
    return first.isoformat() if first == last else f"{first.isoformat()} .. {last.isoformat()}"


@cli.command("stories")
@DB_OPTION
@click.option(
    "--min-size", type=click.IntRange(1), default=2, show_default=True, help="Smallest story listed."
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Most stories listed (default: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or update note.")
def stories_cmd(db: Path, min_size: int, limit: int | None, fmt: str, quiet: bool) -> None:
    """Group the index into stories (articles that derive from one text), biggest first.

    New articles since the last run are linked first (verified on their shingles); stories keep their ids as
    they grow, and a merge keeps the older id. Each story has a source (or a hidden source: a parent that is
    not in the corpus), its outlets, its date span and the share of its copies that reuse text uncredited.
    """
    _need(db)
    with Index(db, on_wait=tell_wait) as index:
        update(index, quiet=quiet or fmt == "json")
        found = index.stories(min_size=min_size, limit=limit, update=False)
        counts = index.store.story_counts()
    if fmt == "json":
        click.echo(json.dumps([shapes.story(s) for s in found], ensure_ascii=False, indent=2))
        return
    con = make_console()
    if not found:
        con.print(f"No story of {min_size} or more articles ({counts['stories']:,} stories in all).")
        return
    table = data_table(Text(f"Stories of {min_size}+ articles, biggest first"))
    # figures and story ids never give way: the source is cut in the middle, its outlets fold under it
    table.add_column("story", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("source, outlets", min_width=12)
    table.add_column("dates", no_wrap=True)
    table.add_column("uncredited", justify="right", no_wrap=True)
    for s in found:
        outlets = s.outlets
        shown = ", ".join(outlets[:4]) + (f" +{len(outlets) - 4}" if len(outlets) > 4 else "")
        hidden = "hidden source" if s.hidden_agency is None else f"hidden source: {clean(s.hidden_agency)}"
        source = Text(hidden, style="magenta") if s.root is None else Elided(s.root)
        table.add_row(
            plain(s.id),
            str(s.size),
            Group(source, plain(shown, "dim")) if shown else source,
            _span(s),
            f"{100 * s.uncredited_share:.0f}%",
        )
    con.print(table)
    con.print(
        f"{_n(counts['stories'], 'story', 'stories')} in all ({counts['stories_of_two_or_more']:,} of two or "
        f"more), {_n(counts['links'], 'verified link')}, {_n(counts['merges'], 'retired story id')}. uncredited: share of copies that do not "
        "credit their source (an article above them, or the agency their copies name as the hidden source's), "
        "take at least half their words from it, and are not its publisher's own version. "
        "One story: copydesk story ID"
    )


def hidden_note(story: Story) -> str:
    """What the hidden source's copies say of it: its agency and how many copies credit it."""
    if story.hidden_agency is None:
        return "a parent not in the corpus, named by no credit of its copies"
    return (
        f"{clean(story.hidden_agency)}, credited by {story.agency_credited} of {len(story.copies)} copies; "
        "a parent not in the corpus"
    )


def _label(m: StoryMember | None, key: str, story: Story) -> Text:
    if m is None:
        if key == HIDDEN:
            return Text.assemble(("hidden source", "bold magenta"), f" ({hidden_note(story)})")
        return plain(key)
    label = plain(m.id, "bold")
    where = ", ".join(clean(x) for x in (m.outlet, None if m.date is None else m.date.isoformat()) if x)
    if where:
        label.append(f" ({where})")
    return label


def _edge_note(m: StoryMember, edge: StoryEdge | None = None) -> Text:
    if m.role == "alias":
        return Text(f"same text as {clean(m.parent)} (an alias: its own id, stored once)", style="dim")
    if edge is not None and any(ev.kind == "wire_story" for ev in edge.evidence):
        return Text(
            f"confidence {m.confidence:.2f}, a part of one wire story (by its transmission header)",
            style="dim",
        )
    credit = (
        Text(f"UNCREDITED (credits {clean(', '.join(m.credits))}, not its source)", style="red")
        if m.uncredited and m.credits
        else Text("UNCREDITED", style="red")
        if m.uncredited
        else Text(f"credits {clean(', '.join(m.credits))}")
        if m.credits
        else Text("no credit")
    )
    if edge is not None and edge.source == HIDDEN:  # no text to take words from: what it shares with a copy
        share = (
            f"{100 * m.containment:.0f}% of its words found in another copy, " if m.containment > 0 else ""
        )
    else:
        share = f"{100 * m.containment:.0f}% of its words from the parent, "
    return Text.assemble(f"confidence {m.confidence:.2f}, {share}", credit, style="dim")


def print_story(story: Story) -> None:
    members = {m.id: m for m in story.members}
    children: dict[str, list[str]] = {}
    edge_of: dict[str, StoryEdge] = {}
    for e in story.edges:
        if e.primary:
            children.setdefault(e.source, []).append(e.copy)
            edge_of[e.copy] = e
    for m in story.members:  # an alias hangs under the article whose text it runs (it has no edge)
        if m.role == "alias" and m.parent is not None:
            children.setdefault(m.parent, []).append(m.id)
    top = HIDDEN if story.hidden_source else story.root or ""
    head = Text(
        f"story {clean(story.id)}: {story.size} articles, {len(story.outlets)} outlets, {_span(story)}, "
        f"{len(story.uncredited)} of {len(story.copies)} copies uncredited"
    )
    tree = Tree(head)
    others = sorted(m.id for m in story.members if m.parent is None and m.id != top and m.role == "source")
    roots = [top, *others]
    seen: set[str] = set()

    def grow(node: Tree, key: str) -> None:
        seen.add(key)
        for child in sorted(
            children.get(key, []), key=lambda c: (members[c].date is None, members[c].date, c)
        ):
            if child in seen:
                continue
            note = _edge_note(members[child], edge_of.get(child))
            grow(node.add(Text.assemble(_label(members[child], child, story), "  ", note)), child)

    for r in roots:
        grow(tree.add(_label(members.get(r), r, story)), r)
    con = make_console()
    con.print(tree, highlight=False)
    extra = [e for e in story.edges if not e.primary]
    for e in extra:
        con.print(
            Text(f"also: {clean(e.copy)} takes text from {clean(e.source)} (confidence {e.confidence:.2f})"),
            highlight=False,
        )
    if story.merged:
        con.print(Text(f"merged into this story: {clean(', '.join(story.merged))}"), highlight=False)
    con.print("Each edge in full: --format json (evidence) or --format html (edit scripts).", highlight=False)


_OP_STYLE: dict[CopyOp, str] = {
    "verbatim": "green",
    "edited": "yellow",
    "rewritten": "magenta",
    "variant": "yellow",
    "moved": "cyan",
    "only_here": "bright_blue",
    "cut": "red",
    "left_out": "bright_black",
}


def print_reconstruction(r: Reconstruction, story: Story) -> None:
    """The hidden source rebuilt from its copies: each sentence with what each copy did with it, then each
    copy's edit script in figures."""
    con = make_console()
    members = {m.id: m for m in story.members}
    con.print()
    con.print(
        Text(
            f"Hidden source rebuilt from {len(r.copies)} copies: {len(r.sentences)} sentences, the union of "
            "their body sentences in the order they agree on; each reads as most of its copies word it (on a "
            "tie, as the most complete copy words it, and each copy's wording is a variant). The closest thing "
            "to the original the corpus holds: a sentence every copy cut is not in it.",
            style="bold",
        ),
        highlight=False,
    )
    if r.left_out:
        con.print(
            f"({len(r.left_out)} more copies not merged: at most {len(r.copies)} are.)", highlight=False
        )
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1), expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    for copy in r.copies:
        table.add_column(r.letter(copy), no_wrap=True)
    table.add_column("sentence (as written in the copy named, [start, end) into its text)", ratio=1)
    for n, s in enumerate(r.sentences):
        ops = [Text(sc.ops[n].replace("_", " "), style=_OP_STYLE[sc.ops[n]]) for sc in r.scripts]
        where = Text(f"{r.letter(s.copy)} [{s.start}, {s.end}) ", style="bright_black")
        table.add_row(str(n + 1), *ops, where + plain(s.text, lines=True))
        for w in s.witnesses:
            if w.diff:
                line = Text(f"{r.letter(s.copy)} → {r.letter(w.copy)}: ", style="dim")
                for op in w.diff:
                    if op.op == "equal":
                        line.append(clean(op.a_text, lines=True) + " ")
                        continue
                    # wdiff's marks, so that the diff reads without colours too
                    if op.a_text:
                        line.append(f"[-{clean(op.a_text, lines=True)}-]", style="red strike")
                        line.append(" ")
                    if op.b_text:
                        line.append(f"{{+{clean(op.b_text, lines=True)}+}}", style="green")
                        line.append(" ")
                table.add_row("", *([""] * len(r.copies)), line)
    con.print(table)
    for sc in r.scripts:
        m = members.get(sc.copy)
        outlet = f" ({clean(m.outlet)})" if m is not None and m.outlet else ""
        counts = {op: sc.ops.count(op) for op in _OP_STYLE if op in sc.ops}
        parts = [f"{n} {op.replace('_', ' ')}" for op, n in counts.items() if op != "cut"]
        if "cut" in counts:
            kept = max(i for i, op in enumerate(sc.ops) if op != "cut") + 1
            parts.append(f"stops after sentence {kept}: the {counts['cut']} after it cut from the end")
        con.print(
            Text.assemble((f"{r.letter(sc.copy)} ", "bold"), plain(sc.copy), outlet, ": ", ", ".join(parts))
        )
    con.print(
        "verbatim / edited / rewritten: it carries the sentence so; variant: the copies word it differently "
        "and none is shown to be the source's; moved: out of its order; only here: no "
        "other copy has it (its own, or source text the others cut); cut: after its last sentence; left out: "
        "missing inside its span. In full: --format json (witnesses, offsets, word diffs) or --format html.",
        highlight=False,
        style="dim",
    )


@cli.command("story")
@click.argument("story_id", metavar="ID")
@DB_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option(
    "--max-members",
    type=click.IntRange(0),
    default=300,
    show_default=True,
    help="Most members drawn in the text and html views (0: all); json always has them all.",
)
def story_cmd(story_id: str, db: Path, fmt: str, output: Path | None, max_members: int) -> None:
    """Show one story (ID: a story id, or the id of an article in it) as a provenance tree.

    text: the tree with confidence, containment and credit on each edge; json: the story with the evidence of
    every edge; html: one self-contained page with the provenance graph and the edit script of each edge.
    A story bigger than --max-members is drawn from its sources down, breadth first (and around the article
    named by ID, when ID is an article).
    """
    _need(db)
    with Index(db, on_wait=tell_wait) as index:
        update(index, quiet=True)
        view = story_view(
            index, story_id, max_members=None if fmt == "json" else max_members, scripts=fmt == "html"
        )
        rebuilt = view.reconstructed
        story, shown = view.story, view.shown
        cut = (
            f" (showing {shown.size:,} of its {story.size:,} articles: --max-members 0 for all)"
            if view.cut
            else ""
        )
        if fmt == "html":
            text = render_story_html(
                shown, view.comparisons, title=f"copydesk: story {story.id}{cut}", reconstructed=rebuilt
            )
        elif fmt == "json":
            text = json.dumps(shapes.story_shown(story, rebuilt), ensure_ascii=False, indent=2)
        else:
            text = ""
    if fmt == "text":
        print_story(shown)
        if rebuilt is not None:
            print_reconstruction(rebuilt, story)
        if cut:
            click.echo(f"story {clean(story.id)}{cut}")
        return
    if output is None:
        click.echo(text)
    else:
        write_text_file(output, text)
        click.echo(f"wrote {clean(output)}", err=True)
