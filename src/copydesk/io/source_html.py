"""The section of the story page that shows a hidden source rebuilt from its copies (`Reconstruction`).

``<section class="card wide" id="rebuilt">``: one row per rebuilt sentence with its reading (and which copy
it is read from, with its ``[start, end)`` offsets) and, per copy, what that copy did with it (a chip: the
ops of `copydesk.model.CopyScript`), then, under a sentence the copies word differently, the word diff of
each copy that edited it; last, each copy's edit script in figures. Everything taken from the data is
HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping

from copydesk.io.html import _diff_html, _e
from copydesk.model import CopyOp, Reconstruction, StoryMember

# the compare page's label colours, by meaning: carried as in compare; only here is undecided (the copy's
# own, or source text the others cut), cut and left out are the copy's drops
_CHIP: dict[CopyOp, str] = {
    "verbatim": "l-verbatim",
    "edited": "l-edited",
    "rewritten": "l-rewritten",
    "variant": "l-edited",
    "moved": "l-moved",
    "only_here": "l-added_or_cut",
    "cut": "l-dropped",
    "left_out": "l-dropped",
}
_NOTE: dict[CopyOp, str] = {
    "verbatim": "carries it word for word",
    "edited": "carries it with some words changed",
    "rewritten": "carries its content in other words",
    "variant": "the copies word it differently, and none is shown to keep the source's words",
    "moved": "carries it at another place",
    "only_here": "no other copy has it: this copy's own, or source text the others cut",
    "cut": "lacks it, and it comes after this copy's last sentence: cut from the end",
    "left_out": "lacks it, inside the span this copy carries",
}


def render_reconstruction(r: Reconstruction, members: Mapping[str, StoryMember]) -> str:
    """The rebuilt source as one HTML ``<section>`` (see the module's docstring)."""
    letter = {c: r.letter(c) for c in r.copies}

    def name(copy: str) -> str:
        m = members.get(copy)
        return f"{m.outlet} ({copy})" if m is not None and m.outlet else copy

    heads = "".join(f'<th title="{_e(name(c))}">{letter[c]}</th>' for c in r.copies)
    rows: list[str] = []
    for n, s in enumerate(r.sentences):
        chips = "".join(
            f'<td><span class="chip {_CHIP[op]}" title="{_e(_NOTE[op])}">{op.replace("_", " ")}</span></td>'
            for op in (sc.ops[n] for sc in r.scripts)
        )
        rows.append(
            f'<tr><td class="n">{n + 1}</td>{chips}<td>{_e(s.text)}<small class="from">{letter[s.copy]} '
            f"[{s.start}, {s.end})</small></td></tr>"
        )
        for w in s.witnesses:
            if w.diff:
                rows.append(
                    f'<tr class="diffrow"><td></td><td colspan="{len(r.copies)}"></td><td><b>reading → '
                    f"{letter[w.copy]}</b> {_diff_html(w.diff)}</td></tr>"
                )
    legend = "".join(f"<li><b>{letter[c]}</b> {_e(name(c))}: {_script_line(r, c)}</li>" for c in r.copies)
    more = (
        f" {len(r.left_out)} more copies under the hidden source are not merged: at most {len(r.copies)} are."
        if r.left_out
        else ""
    )
    return (
        '<section class="card wide" id="rebuilt"><h2>The hidden source, rebuilt <small>the union of its '
        "copies' sentences in the order they agree on</small></h2>"
        '<p class="note">The closest thing to the missing original the corpus holds: each sentence reads as '
        "most of its copies word it (on a tie: as the most complete copy words it, each copy's wording a variant), and a sentence every copy "
        f"cut is not in it. Hover a chip for what it means.{more}</p>"
        f'<ul class="rebuilt-copies">{legend}</ul>'
        f'<table class="pairs rebuilt"><thead><tr><th class="n">#</th>{heads}<th>sentence</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _script_line(r: Reconstruction, copy: str) -> str:
    ops = next(sc.ops for sc in r.scripts if sc.copy == copy)
    counts = {op: ops.count(op) for op in _CHIP if op in ops}
    parts = [f"{n} {op.replace('_', ' ')}" for op, n in counts.items() if op != "cut"]
    if "cut" in counts:
        kept = max(i for i, op in enumerate(ops) if op != "cut") + 1
        parts.append(f"stops after sentence {kept}, the {counts['cut']} after it cut from the end")
    return _e(", ".join(parts))
