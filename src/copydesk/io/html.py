"""One self-contained HTML page for a `Comparison`: verdict, figures, evidence, credits, side-by-side view.

The page is a single file with its CSS and JS inline (read from ``io/templates/compare.css`` and
``compare.js``): no fonts, scripts, images or requests from elsewhere, and a Content-Security-Policy that
forbids them, so it opens from disk in any browser. All text from the comparison is HTML-escaped.

Each sentence of each side is one ``<span class="s l-<label>">`` with ``id="s<k>"`` (``k`` its index in
``Comparison.sentences``), ``data-start``/``data-end`` (its half-open offsets into the side's original text),
``data-label`` and, when paired, ``data-cp="s<counterpart>"``. Inside a paired sentence the words its
counterpart lacks are ``<span class="only-a">`` (or ``only-b``); inside an unpaired one the words that still
come from the other side (`Comparison.reused_a`, ``reused_b``) are ``<span class="ru">``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from html import escape
from importlib import resources
from urllib.parse import urlsplit

from copydesk.model import (
    LABELS,
    SCHEMA_VERSION,
    ArticleSummary,
    Comparison,
    Credit,
    Evidence,
    Label,
    Sentence,
    Side,
    Verdict,
    WordOp,
)

VERDICT_WORDS: dict[Verdict, tuple[str, str]] = {
    "common_source": (
        "Both copies derive from a source not in the pair",
        "Neither contains the other: both go back to an original that is not in this pair.",
    ),
    "b_from_a": ("B was copied from A", "A is the source; B is A's text plus edits."),
    "a_from_b": ("A was copied from B", "B is the source; A is B's text plus edits."),
    "unrelated": (
        "The two texts are unrelated",
        "Too little text is shared for one to derive from the other.",
    ),
}
_FAVOURS: dict[Verdict, str] = {
    "common_source": "a common source",
    "b_from_a": "B copied from A",
    "a_from_b": "A copied from B",
    "unrelated": "unrelated",
}
LABEL_NOTES: dict[Label, str] = {
    "verbatim": "the same words on both sides (quotes, dashes and case may differ)",
    "edited": "the same sentence with some words changed",
    "rewritten": "the same content in other words",
    "moved": "the same sentence at another place in the story",
    "added": "only on this side",
    "dropped": "in the source, left out of the copy",
    "cut_by_other": "past the other side's end: most likely source text the other cut (news is cut from the end)",
    "added_or_cut": "only on this side: added by it, or source text the other left out (the source is missing)",
    "boilerplate": "captions, credits, footers, datelines: set aside from the figures",
}
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'"
_NEWLINES = re.compile(r"[^\S\n]*\n\s*")
_PB = '<span class="pb"></span>'


@functools.cache
def _template(name: str) -> str:
    return resources.files("copydesk.io").joinpath("templates", name).read_text(encoding="utf-8")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _width(value: float) -> str:
    return f"{min(max(value, 0.0), 1.0) * 100:.1f}%"


def _order(c: Comparison, side: Side) -> list[int]:
    """Indices into ``c.sentences`` of one side's sentences, in reading order."""
    return sorted(
        (k for k, s in enumerate(c.sentences) if s.side == side), key=lambda k: c.sentences[k].start
    )


def _counterpart(c: Comparison, k: int) -> int | None:
    """The counterpart's index when it points at a sentence of the other side, else None."""
    cp = c.sentences[k].counterpart
    if cp is None or not 0 <= cp < len(c.sentences) or c.sentences[cp].side == c.sentences[k].side:
        return None
    return cp


def _plain(text: str, *, br: str = "<br>") -> str:
    """Escaped text; each run of whitespace holding a line break becomes one ``br`` (a paragraph break
    between sentences, a line break inside one)."""
    return _NEWLINES.sub(br, _e(text))


def _diff_html(ops: Iterable[WordOp]) -> str:
    """The word diff from side a to side b: a-only words struck through, b-only words inserted."""
    parts: list[str] = []
    for op in ops:
        a, b = _e(op.a_text), _e(op.b_text)
        parts += [a] if op.op == "equal" else [f"<del>{a}</del>" if a else "", f"<ins>{b}</ins>" if b else ""]
    return " ".join(p for p in parts if p)


def _only_ranges(s: Sentence) -> list[tuple[int, int]]:
    """Spans of this sentence's words that the counterpart lacks, from its word diff."""
    if s.side == "a":
        return sorted((op.a_start, op.a_end) for op in s.diff if op.op in ("delete", "replace"))
    return sorted((op.b_start, op.b_end) for op in s.diff if op.op in ("insert", "replace"))


def _marked_ranges(c: Comparison, s: Sentence) -> list[tuple[int, int, str]]:
    """The words to mark inside a sentence, with their class: in a paired sentence the words its
    counterpart lacks (``only-a``, ``only-b``); in an unpaired one the words that still come from the other
    side (``ru``: a clause or a run of shared words, `Comparison.reused_a`)."""
    if s.counterpart is not None:
        return [(r0, r1, f"only-{s.side}") for r0, r1 in _only_ranges(s)]
    reused = c.reused_a if s.side == "a" else c.reused_b
    return [(r0, r1, "ru") for r0, r1 in reused if r0 < s.end and r1 > s.start]


def _sentence_inner(text: str, start: int, end: int, marks: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = start
    for r0, r1, cls in marks:
        r0, r1 = max(r0, pos), min(r1, end)
        if r0 >= r1:
            continue
        out.append(_plain(text[pos:r0]))
        out.append(f'<span class="{cls}">{_plain(text[r0:r1])}</span>')
        pos = r1
    out.append(_plain(text[pos:end]))
    return "".join(out)


def _sentence_html(c: Comparison, k: int, s: Sentence, start: int, end: int) -> str:
    attrs: dict[str, object] = {
        "class": f"s l-{s.label}",
        "id": f"s{k}",
        "data-side": s.side,
        "data-start": s.start,
        "data-end": s.end,
        "data-label": s.label,
        "tabindex": 0,
    }
    cp = _counterpart(c, k)
    if cp is not None:
        attrs["data-cp"] = f"s{cp}"
    if s.similarity is not None:
        attrs["data-sim"] = f"{s.similarity:.2f}"
    if s.boilerplate:
        attrs["data-bp"] = s.boilerplate
    if s.reason:
        attrs["title"] = s.reason
    attr_html = " ".join(f'{name}="{_e(value)}"' for name, value in attrs.items())
    html = (
        f"<span {attr_html}>"
        f"{_sentence_inner(c.a_text if s.side == 'a' else c.b_text, start, end, _marked_ranges(c, s))}</span>"
    )
    if s.diff:
        html += f'<span class="wd" data-for="s{k}"><b>A → B</b> {_diff_html(s.diff)}</span>'
    return html


def _side_body(c: Comparison, side: Side) -> str:
    """The side's text in reading order: plain text between sentences, one span per sentence."""
    text, summary = (c.a_text, c.a) if side == "a" else (c.b_text, c.b)
    items = [(k, c.sentences[k]) for k in _order(c, side)]
    out: list[str] = []
    first = min(items[0][1].start if items else len(text), len(text))
    pos = min(summary.body_start, first, len(text))
    if text[:pos].strip():
        out.append(f'<div class="rawhead" title="the file\'s header line">{_e(text[:pos].strip())}</div>')
    while pos < first and text[pos].isspace():
        pos += 1
    for k, s in items:
        start = min(max(s.start, pos), len(text))
        end = min(max(s.end, start), len(text))
        if start > pos:
            out.append(_plain(text[pos:start], br=_PB))
        out.append(_sentence_html(c, k, s, start, end))
        pos = end
    if text[pos:].strip():
        out.append(_plain(text[pos:], br=_PB))
    return "".join(out)


def _role(verdict: Verdict, side: Side) -> str:
    """What the verdict makes of a side: ``source``, ``copy`` or nothing."""
    return {"common_source": "copy", "unrelated": ""}.get(
        verdict, "copy" if verdict.startswith(side) else "source"
    )


def _meta(summary: ArticleSummary, side: Side, role: str) -> str:
    date = None if summary.date is None else summary.date.isoformat()
    facts = [
        ("id", summary.id),
        ("date", date),
        ("outlet", summary.outlet),
        ("body words", f"{summary.words:,}"),
    ]
    rows = [f"<span><i>{name}</i> {_e(value)}</span>" for name, value in facts if value]
    if summary.url and urlsplit(summary.url).scheme.lower() in ("http", "https"):
        rows.append(
            f'<span><i>url</i> <a href="{_e(summary.url)}" rel="noopener noreferrer" '
            f'target="_blank">{_e(summary.url)}</a></span>'
        )
    elif summary.url:  # a "javascript:" or other odd url is shown, never made a link
        rows.append(f"<span><i>url</i> {_e(summary.url)}</span>")
    title = _e(summary.title) if summary.title else '<span class="none">no title</span>'
    role_html = f"<em>{role}</em>" if role else ""
    return (
        f'<div class="pane-head"><div class="ttl"><span class="side side-{side}">{side.upper()}</span>'
        f'<h3>{title}</h3>{role_html}</div><div class="facts">{"".join(rows)}</div></div>'
    )


def _bar(name: str, value: float, note: str, *, cls: str = "") -> str:
    return (
        f'<div class="fig {cls}"><div class="fig-h"><span>{_e(name)}</span><b>{_pct(value)}</b></div>'
        f'<div class="bar" role="img" aria-label="{_e(name)}: {_pct(value)} on a 0 to 100% scale">'
        f'<i style="width:{_width(value)}"></i></div>'
        f'<div class="scale"><span>0%</span><span>{_e(note)}</span><span>100%</span></div></div>'
    )


def _header(c: Comparison, title: str) -> str:
    words, note = VERDICT_WORDS[c.verdict]
    confidence = _bar("Confidence", c.confidence, "how sure the verdict is", cls="big")
    shared = sum(p.words for p in c.passages)
    longest = max((p.words for p in c.passages), default=0)
    figures = (
        _bar("Jaccard", c.jaccard, "shared shingles of all shingles")
        + _bar("A contained in B", c.containment_a_in_b, "share of A's words also in B")
        + _bar("B contained in A", c.containment_b_in_a, "share of B's words also in A")
    )
    return (
        f'<header class="top"><div class="brand">copydesk · compare<span>{_e(title)}</span></div>'
        f'<div class="verdict-row"><div><h1 class="verdict v-{_e(c.verdict)}">{_e(words)}</h1>'
        f'<p class="vnote">{_e(note)}</p></div>'
        f'<div class="conf">{confidence}</div></div>'
        f'</header><section class="cards"><div class="card"><h2>Figures</h2>{figures}'
        f'<p class="note">On {c.shingle_size}-word shingles of the bodies, boilerplate set aside. '
        f"{len(c.passages)} shared passage{'s' if len(c.passages) != 1 else ''}"
        f"{f', {shared:,} words, the longest {longest:,}' if c.passages else ''}.</p></div>"
        f"{_evidence(c)}{_legend(c)}</section>"
    )


def _evidence_list(
    evidence: Iterable[Evidence], agrees: Collection[Verdict], favours: Mapping[Verdict, str]
) -> str:
    """A ``<ul>`` of evidence, strongest first: items favouring a verdict in ``agrees`` are drawn as agreeing,
    and ``favours`` says each verdict in words."""
    items: list[str] = []
    for ev in sorted(evidence, key=lambda e: -e.weight):
        agree = "agree" if ev.favours in agrees else "other"
        items.append(
            f'<li class="{agree}"><div class="ev-h"><span class="kind">{_e(ev.kind)}</span>'
            f'<span class="fav">favours <b>{_e(favours[ev.favours])}</b></span>'
            f'<span class="w" title="weight {ev.weight:.2f} of 1">'
            f'<i style="width:{_width(ev.weight)}"></i></span>'
            f"</div><p>{_e(ev.detail)}</p></li>"
        )
    body = "".join(items) or '<li class="none">No evidence recorded.</li>'
    return f'<ul class="evidence">{body}</ul>'


def _evidence(c: Comparison) -> str:
    return (
        '<div class="card"><h2>Evidence <small>strongest first</small></h2>'
        f"{_evidence_list(c.evidence, (c.verdict,), _FAVOURS)}</div>"
    )


def _counts(c: Comparison) -> dict[Side, dict[Label, int]]:
    counts: dict[Side, dict[Label, int]] = {"a": dict.fromkeys(LABELS, 0), "b": dict.fromkeys(LABELS, 0)}
    for s in c.sentences:
        counts[s.side][s.label] += 1
    return counts


def _legend(c: Comparison) -> str:
    counts = _counts(c)
    rows = "".join(
        f'<tr><td><span class="chip l-{label}">{label}</span></td><td class="n">{counts["a"][label]}</td>'
        f'<td class="n">{counts["b"][label]}</td><td class="d">{_e(LABEL_NOTES[label])}</td></tr>'
        for label in LABELS
    )
    return (
        '<div class="card"><h2>Labels <small>sentences per side</small></h2><table class="legend">'
        f'<thead><tr><th></th><th class="n">A</th><th class="n">B</th><th></th></tr></thead><tbody>{rows}'
        '</tbody></table><p class="note">Inside edited sentences, <span class="only-a">red words</span> are '
        'only in A and <span class="only-b">green words</span> only in B; inside added and dropped sentences, '
        '<span class="ru">marked words</span> still come from the other side (a clause or a run of shared '
        "words).</p></div>"
    )


def _credits(c: Comparison) -> str:
    cols: list[str] = []
    for side in ("a", "b"):
        own = [cr for cr in c.credits if cr.side == side]
        # A caption record on the very span of a credit ("Photo: AFP") says nothing more.
        credited = {(cr.start, cr.end) for cr in own if cr.kind != "caption"}
        found = [cr for cr in own if cr.kind != "caption" or (cr.start, cr.end) not in credited]
        for s in c.side_sentences(side):
            covered = any(cr.start < s.end and s.start < cr.end for cr in found)
            if s.boilerplate and not covered:
                found.append(Credit(side, s.boilerplate, None, s.start, s.end, s.text))
        items = []
        # What a side says of its origin first, then captions and other lines set aside.
        for cr in sorted(found, key=lambda x: (x.kind in ("caption", "footer"), x.start, x.end)):
            at = [
                k for k in _order(c, side) if c.sentences[k].start < cr.end and cr.start < c.sentences[k].end
            ]
            goto = f' data-goto="s{at[0]}"' if at else ""
            name = f"<b>{_e(cr.name)}</b>" if cr.name else ""
            items.append(
                f'<li{goto}><span class="kind">{_e(cr.kind)}</span>{name}'
                f'<q title="{_e(cr.text)}">{_e(cr.text)}</q></li>'
            )
        body = "".join(items) or '<li class="none">none found</li>'
        cols.append(
            f'<div><h3><span class="side side-{side}">{side.upper()}</span> {len(items)} found</h3>'
            f'<ul class="credits">{body}</ul></div>'
        )
    return (
        '<section class="card wide"><h2>Credits and boilerplate <small>what each side says of its origin, '
        f'and lines set aside from the figures</small></h2><div class="two">{"".join(cols)}</div></section>'
    )


def _toolbar(c: Comparison) -> str:
    counts = _counts(c)
    chips = "".join(
        f'<button type="button" class="chip l-{label}" data-focus="{label}" '
        f'title="{_e(LABEL_NOTES[label])}; click to pick out">{label} '
        f"<small>{counts['a'][label]}·{counts['b'][label]}</small></button>"
        for label in LABELS
        if counts["a"][label] or counts["b"][label]
    )
    return (
        f'<div class="toolbar"><div class="chips">{chips}</div>'
        '<label><input type="checkbox" id="show-diffs"> word diffs under sentences</label>'
        '<span class="hint">Hover a sentence to see its counterpart; click to pin it.</span></div>'
    )


def _panes(c: Comparison) -> str:
    sides: tuple[tuple[Side, ArticleSummary], ...] = (("a", c.a), ("b", c.b))
    pane_a, pane_b = (
        f'<div class="pane" id="pane-{side}">{_meta(summary, side, _role(c.verdict, side))}'
        f'<div class="text">{_side_body(c, side)}</div></div>'
        for side, summary in sides
    )
    return (
        f'<section class="compare" id="compare">{_toolbar(c)}<div class="panes">{pane_a}'
        f'<svg class="gutter" id="gutter" aria-hidden="true"></svg>{pane_b}</div></section>'
    )


def _pair_rows(c: Comparison) -> list[tuple[int | None, int | None]]:
    """Rows in A's reading order; B's unpaired sentences go right after the row of the B sentence before."""
    rows: list[tuple[int | None, int | None]] = [(k, _counterpart(c, k)) for k in _order(c, "a")]
    at = 0
    for k in _order(c, "b"):
        row = next((i for i, (_, b) in enumerate(rows) if b == k), None)
        if row is None:
            rows.insert(at, (None, k))
            row = at
        at = row + 1
    return rows


def _cell(c: Comparison, k: int | None, *, linked: bool) -> str:
    if k is None:
        return '<td class="none">—</td>'
    if not linked:
        return f"<td>{_e(c.sentences[k].text)}</td>"
    return f'<td><a href="#s{k}" data-goto="s{k}">{_e(c.sentences[k].text)}</a></td>'


def _pairs(c: Comparison, *, linked: bool = True) -> str:
    """The aligned pairs as a ``<table>``, a row per pair or unpaired sentence, with the word diff under
    each pair that differs. linked: each sentence links to its span in the side-by-side view."""
    rows: list[str] = []
    for a, b in _pair_rows(c):
        s = c.sentences[next(k for k in (a, b) if k is not None)]
        sim = ""
        if s.similarity is not None and s.similarity < 1.0:
            sim = f"<small>{_pct(s.similarity)} alike</small>"
        why = f'<small class="why">{_e(s.reason)}</small>' if s.reason else ""
        rows.append(
            f'<tr class="r-{s.label}"><td class="lab">'
            f'<span class="chip l-{s.label}">{s.label}</span>{sim}{why}</td>'
            f"{_cell(c, a, linked=linked)}{_cell(c, b, linked=linked)}</tr>"
        )
        if s.diff:
            rows.append(
                f'<tr class="diffrow"><td></td><td colspan="2"><b>A → B</b> {_diff_html(s.diff)}</td></tr>'
            )
    return (
        '<table class="pairs"><thead><tr><th>label</th>'
        '<th><span class="side side-a">A</span></th><th><span class="side side-b">B</span></th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _pairs_table(c: Comparison) -> str:
    return (
        '<section class="card wide"><h2>Aligned pairs <small>in A\'s order; click a sentence to find it '
        f"above</small></h2>{_pairs(c)}</section>"
    )


def render_compare_html(comparison: Comparison, *, title: str | None = None) -> str:
    """The comparison as one self-contained HTML page (UTF-8 text, no external references).

    title: the page title; by default ``copydesk: <id of A> vs <id of B>``.
    """
    c = comparison
    page_title = title or f"copydesk: {c.a.id or 'A'} vs {c.b.id or 'B'}"
    parts: Sequence[str] = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="copydesk (comparison schema {SCHEMA_VERSION})">',
        f"<title>{_e(page_title)}</title><style>{_template('compare.css')}</style></head>",
        f'<body data-verdict="{_e(c.verdict)}"><main>',
        _header(c, page_title),
        _credits(c),
        _panes(c),
        _pairs_table(c),
        '</main><div id="tip" class="tip" role="tooltip" hidden></div>',
        f"<script>{_template('compare.js')}</script></body></html>\n",
    )
    return "\n".join(parts)
