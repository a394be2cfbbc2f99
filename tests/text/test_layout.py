"""`body_layout` (the fast path kept by the index) equals the layout read off the full analysis."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.model import BodyLayout
from copydesk.text.analysis import analyze
from copydesk.text.layout import body_layout, layout_of
from tests.conftest import EXAMPLES, ROOT, shared_file

PIECES = [
    "The storm hit the harbour of Port Aldren overnight, sinking two fishing boats.",
    "“We have never seen the sea come over the breakwater,” the harbour master said.",
    "About 300 residents spent the night in the sports hall of the school.",
    "By Ines Novak, The Evening Sentinel",
    "By Stephen Howard, PA News",
    "Picture: Waves crash over the pier",
    "Left: the mayor at the town hall",
    "Photo: AFP",
    "PORT ALDREN (CPA) — Police said",
    "LONDON (Reuters) - Shares fell",
    "AFP journalists in Kyiv heard explosions.",
    "Jane Doe contributed to this report.",
    "(Photo by J. Smith/AFP) told Reuters",
    "Reuters contributed to this report.",
    "This article was originally published by www.example.com . Read the original article here.",
    "Nationally, most polls put the Conservatives ahead",
    "Shr 10 cts vs 5 cts",
    "snake_case words_here",
    "____",
    "U.S. officials said the deal was done.",
    "Mr. Brenner didn't say",
    "Café owners in Zürich said ½ of them closed.",
    "™",
    "`quoted` text",
    "Additional reporting by Jane Doe; editing by Tom Roe",
    "Reporting by Ann Lee. Writing by Bo Chan",
    "This story first appeared in The Daily Ledger.",
    "ORIGINALLY PUBLISHED BY WWW.EXAMPLE.ORG. READ THE FULL STORY HERE",
    "It was ﬁrst publiſhed by The Courier.",
    "Credits: Getty Images",
    "Pic: Reuters",
    "Reuters said it would appeal.",
    "",
]


def _check(text: str, start: int = 0) -> None:
    assert body_layout(text, start=start) == layout_of(analyze(text, start=start), start=start)


@st.composite
def texts(draw: st.DrawFn) -> str:
    picks = draw(st.lists(st.sampled_from(PIECES), min_size=0, max_size=10))
    seps = draw(
        st.lists(st.sampled_from(["\n", "\n\n", " ", "\n\n  ", "\n-----\n"]), min_size=10, max_size=10)
    )
    return "".join(p + s for p, s in zip(picks, seps, strict=False))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.integers(0, 40))
def test_layout_equals_the_analysis_on_generated_texts(text: str, start: int) -> None:
    _check(text, min(start, len(text)))


def test_layout_on_the_fixtures() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _check(text)
        _check(text, text.index("\n") + 1)
    for line in (ROOT / "tests" / "data" / "meter_mini.jsonl").read_text(encoding="utf-8").splitlines():
        _check(json.loads(line)["text"])


def test_layout_on_reuters() -> None:
    path = shared_file("reuters21578", "documents.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, 1500):
            _check(json.loads(line)["text"])


def test_plain_text_has_an_empty_layout() -> None:
    text = "The storm hit the harbour. Boats sank.\n\nThe ferry stopped. Power came back."
    assert body_layout(text) == BodyLayout()
    byline = "By Ines Novak, The Evening Sentinel\n\n" + text
    assert body_layout(byline).skip == ((0, 6),)


def test_seeds() -> None:
    for p in shared_file("seeds", "000_fb9d13d9a774a7f3.txt").parent.glob("*.txt"):
        _check(Path(p).read_text(encoding="utf-8"))


def _credits_reference(text: str, start: int) -> list[object]:
    """`find_credits` with every pattern run by plain `finditer` over the whole text, with no gate but the one
    that is part of what the agency patterns find: a known agency named between word boundaries."""
    import re

    from copydesk.text import boilerplate as b

    found = []
    agency = re.search(rf"\b(?:{b._AGENCY})\b", text[start:]) is not None
    for i, (kind, pattern) in enumerate(b._PATTERNS):
        if i in (1, 2, 3, 6) and not agency:
            continue
        for m in pattern.finditer(text, start):
            name = b._name(kind, m)
            if kind == "photo" and name is not None and len(name.split()) > 5:
                continue
            if kind == "footer" and m.group().lower().startswith("read"):
                name = None
            found.append(b.CreditSpan(kind, name, m.start(), m.end()))
    found.sort(key=lambda c: (c.start, -c.end))
    merged: list[b.CreditSpan] = []
    for c in found:
        if merged and c.start < merged[-1].end and (c.kind == merged[-1].kind or c.end <= merged[-1].end):
            continue
        merged.append(c)
    return list(merged)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.integers(0, 40))
def test_find_credits_equals_plain_finditer(text: str, start: int) -> None:
    from copydesk.text.boilerplate import find_credits

    start = min(start, len(text))
    assert find_credits(text, start=start) == _credits_reference(text, start)


def test_find_credits_on_reuters_and_fixtures() -> None:
    from copydesk.text.boilerplate import find_credits

    extra = [
        "Jane Doe contributed to this report. Reuters contributed",
        "x Agence France-Presse contributed",
        "XEPA-EFE reported. AFP/Getty Images. told AFP",
    ]
    for text in extra + [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]:
        assert find_credits(text) == _credits_reference(text, 0)
    path = shared_file("reuters21578", "documents.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, 1500):
            text = json.loads(line)["text"]
            assert find_credits(text) == _credits_reference(text, 0)
