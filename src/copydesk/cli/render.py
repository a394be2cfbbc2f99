"""Terminal view of a comparison (rich): verdict, figures, evidence, credits, the edit script with word diffs."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from copydesk.cli.show import clean, make_console, plain
from copydesk.config import CompareConfig
from copydesk.model import ArticleSummary, Comparison, Sentence

LABEL_STYLE = {
    "verbatim": "green",
    "edited": "yellow",
    "rewritten": "magenta",
    "moved": "cyan",
    "added": "bright_blue",
    "dropped": "red",
    "cut_by_other": "bright_cyan",
    "added_or_cut": "blue",
    "boilerplate": "bright_black",
}
VERDICT_TEXT = {
    "a_from_b": "A derives from B",
    "b_from_a": "B derives from A",
    "common_source": "A and B derive from a common source that is not in the pair",
    "unrelated": "A and B share no reused text",
}


def _bar(x: float, width: int = 24) -> Text:
    full = round(max(0.0, min(1.0, x)) * width)
    return Text("█" * full, style="cyan") + Text("░" * (width - full), style="bright_black")


def _side_line(name: str, s: ArticleSummary) -> Text:
    parts = [clean(s.id) if s.id else "(no id)"]
    if s.date:
        parts.append(s.date.isoformat())
    if s.outlet:
        parts.append(clean(s.outlet))
    if s.title:
        parts.append(f"“{clean(s.title)}”")
    parts.append(f"{s.words} words")
    return Text.assemble((f"{name} ", "bold"), " · ".join(parts))


def _diff_text(s: Sentence, text: str, *, side: str) -> Text:
    """The sentence as written, with the words the other side lacks marked (struck out on A, green on B)."""
    out = Text()
    cursor = s.start
    mark = "red strike" if side == "a" else "green underline"
    for op in s.diff:
        lo, hi = (op.a_start, op.a_end) if side == "a" else (op.b_start, op.b_end)
        if hi <= lo:
            continue
        out.append(clean(text[cursor:lo], lines=True))
        out.append(clean(text[lo:hi], lines=True), style="" if op.op == "equal" else mark)
        cursor = hi
    out.append(clean(text[cursor : s.end], lines=True))
    return out


def _order(c: Comparison) -> list[tuple[Sentence | None, Sentence | None]]:
    """Rows in A's reading order; B's unpaired sentences after the row of their nearest paired predecessor."""
    a = [s for s in c.sentences if s.side == "a"]
    b_offset = len(a)
    b = list(c.sentences[b_offset:])
    after: dict[int, list[Sentence]] = {}
    anchor = -1
    for s in b:
        if s.counterpart is not None:
            anchor = s.counterpart
        else:
            after.setdefault(anchor, []).append(s)
    rows: list[tuple[Sentence | None, Sentence | None]] = [(None, s) for s in after.get(-1, [])]
    for i, s in enumerate(a):
        rows.append((s, c.sentences[s.counterpart] if s.counterpart is not None else None))
        rows += [(None, t) for t in after.get(i, [])]
    return rows


def print_comparison(
    c: Comparison,
    *,
    console: Console | None = None,
    min_passage_words: int = CompareConfig().min_passage_words,
) -> None:
    """Print the full report of one comparison (``min_passage_words``: the shortest passage it lists, from the
    settings that made it)."""
    con = console or make_console()
    con.print(_side_line("A", c.a))
    con.print(_side_line("B", c.b))
    con.print()
    style = "bold red" if c.verdict == "unrelated" else "bold green"
    con.print(
        Text.assemble(
            ("Verdict  ", "bold"),
            (c.verdict, style),
            f"  ({VERDICT_TEXT[c.verdict]}; confidence {c.confidence:.2f} on a 0..1 scale)",
        )
    )
    figures = Table.grid(padding=(0, 2))
    figures.add_row(Text("Jaccard of shared shingles (0..1)"), Text(f"{c.jaccard:.3f}"), _bar(c.jaccard))
    figures.add_row(
        Text("A in B: share of A's words found in B (0..1)"),
        Text(f"{c.containment_a_in_b:.3f}"),
        _bar(c.containment_a_in_b),
    )
    figures.add_row(
        Text("B in A: share of B's words found in A (0..1)"),
        Text(f"{c.containment_b_in_a:.3f}"),
        _bar(c.containment_b_in_a),
    )
    figures.add_row(
        Text(f"Shared passages (runs of {min_passage_words} or more words)"),
        Text(str(len(c.passages))),
        Text(""),
    )
    con.print(figures)
    con.print()
    con.print(Text("Evidence", style="bold"))
    for e in c.evidence:
        con.print(Text.assemble("  • ", (f"[{e.favours} {e.weight:.2f}] ", "cyan"), clean(e.detail)))
    if c.credits:
        con.print()
        con.print(Text("Credits and boilerplate", style="bold"))
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
        for col in ("side", "kind", "names", "where", "text"):
            table.add_column(col, overflow="fold")
        for cr in c.credits:
            table.add_row(
                cr.side.upper(),
                cr.kind,
                plain(cr.name or ""),
                Text(f"[{cr.start}, {cr.end})"),
                plain(cr.text.strip()[:100]),
            )
        con.print(table)
    con.print()
    con.print(Text("Edit script (A | B, offsets are [start, end) into each original text)", style="bold"))
    script = Table(show_header=True, header_style="bold", box=None, padding=(0, 1), expand=True)
    script.add_column("label", no_wrap=True)
    script.add_column("A", ratio=1, overflow="fold")
    script.add_column("B", ratio=1, overflow="fold")
    for sa, sb in _order(c):
        head = sa or sb
        assert head is not None
        label = Text(head.label, style=LABEL_STYLE[head.label])
        if sa is not None and sb is not None and sb.label != sa.label:
            label.append(f"/{sb.label}", style=LABEL_STYLE[sb.label])

        def cell(s: Sentence | None, side: str) -> Text:
            if s is None:
                return Text("")
            where = Text(f"[{s.start}, {s.end}) ", style="bright_black")
            if s.diff:
                return where + _diff_text(s, c.a_text if side == "a" else c.b_text, side=side)
            return where + plain(s.text, "bright_black" if s.label == "boilerplate" else "", lines=True)

        script.add_row(label, cell(sa, "a"), cell(sb, "b"))
    con.print(script)
    reasons = dict.fromkeys((s.label, s.reason) for s in c.sentences if s.reason)
    for label_name, reason in reasons:
        con.print(Text.assemble("  ", (label_name, LABEL_STYLE[label_name]), ": ", clean(reason or "")))
