"""The native body layouts (`copydesk_native.layouts`) equal `body_layout`, the reference, text by text: on
the fixtures, on generated texts built from every kind of credit, caption and odd character, and on the real
corpora when they are on this machine. A text the native core leaves (None) is laid out by Python, so only
the share left is at stake there, never the answer."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk import core
from copydesk.config import IndexConfig
from copydesk.engine.layouts import prepare_batch
from copydesk.model import BodyLayout
from copydesk.text.layout import body_layout, body_layouts
from copydesk.text.normalize import FOLD_TABLE
from tests.conftest import EXAMPLES, ROOT, SUITE_CORE, shared_file

native: Any = pytest.importorskip(
    "copydesk_native", reason="the native core is not installed (pip install ./native)"
)
if not hasattr(native, "layouts"):
    pytest.skip(
        "the installed copydesk_native has no layouts: rebuild it (pip install ./native)",
        allow_module_level=True,
    )

PIECES = [
    # datelines and agencies
    "LONDON (Reuters) - Shares fell in early trade.",
    "KYIV, Ukraine (AP) -- Police said two people died.",
    "PORT ALDREN (CPA) \u2014 Police said the quay was shut.",
    "WASHINGTON, D.C. (UPI) \u2013\u2013 The vote passed.",
    "  PARIS (AFP)\u2212 Strikes went on",
    "\x19NEW YORK, Feb 3 (Reuters) \ufe58 Oil rose",
    "AFP journalists in Kyiv heard explosions.",
    "Reuters's reporters said it was over.",
    "he told Reuters on Monday",
    "according to the\u00a0Associated Press.",
    "(c) 2024 AFP",
    "Copyright Reuters 2024",
    "Reuters said it would appeal.",
    "Press Association understands the deal is done",
    # photo credits and captions
    "Photo: AFP",
    "Picture: Getty Images.",
    "Photograph by: Jane Doe | more",
    "(Photo by J. Smith/AFP) told Reuters",
    "A crowd gathers. AFP via Getty Images",
    "AFPviaAFP",
    "Credits: Getty Images",
    "Pic: Reuters",
    "Image : EPA-EFE; file",
    "Photos: Tracers are seen in the night sky over the city",
    "Picture: Waves crash over the pier",
    "Pictured : the harbour master",
    "Left: the mayor at the town hall",
    "He left. Photo: the scene at dawn",
    "INSET: a map",
    # contributions, footers, bylines
    "Additional reporting by Jane Doe; editing by Tom Roe",
    "Reporting by Ann Lee. Writing by Bo Chan",
    "Compiled by\u00a0staff\u2019s desk",
    "Jane Doe contributed to this report.",
    "Reuters contributed reporting.",
    "This article was originally published by a www.dailymail.co.uk . Read the Original article here.",
    "It was first appeared on https://example.org/news/2024/ today.",
    "originally published by www.x.com",
    "originally posted at the Harbour Times / Evening Post.",
    "ORIGINALLY PUBLISHED BY WWW.EXAMPLE.ORG. READ THE FULL STORY HERE",
    "This story first appeared in The Daily Ledger.",
    "Read full story on",
    "By Jane Doe, PA News",
    "By Stephen Howard",
    "-- By Ann Lee, Reuters --",
    "By Ines Novak, The Evening Sentinel",
    # headings and running text
    "Storm hits harbour",
    "UPDATE 2-Markets fall as rates rise",
    "The storm hit the harbour of Port Aldren overnight, sinking two fishing boats.",
    "\u201cWe have never seen the sea come over the breakwater,\u201d the harbour master said.",
    "\u2018Yes,\u2019 said Mr. Brenner. \u201cWhy?\u201d he asked. U.S. officials left at 3 p.m. J. Smith stayed.",
    "Kyiv\u2019s mayor \u2014 and the U.K.\u2019s envoy \u2013 met \u2033twice\u2033.",
    "About 300 residents spent the night in the sports hall of the school",
    "and it went on without a stop",
    "Shr 10 cts vs 5 cts",
    "\u00abQuoted\u00bb and \u201equoted\u201f and \u2032 and `ticks` and \u00b4 and \uff07 and \uff02",
    "no\u2009break\u202fspaces\u3000here\u205fand\u2000there.",
    "fullwidth \uff0d dash and \ufe63 dash",
    "separators\x1cin\x1dthe\x1etext\x1f.",
    "a line with a PA marker <",
    "| a piped line |",
    "-----",
    "",
    # off the fast path
    "Caf\u00e9 owners in Z\u00fcrich said \u00bd of them closed.",
    "snake_case words_here",
    "it\u02bcs",
    "an ellipsis\u2026 There",
    "\u00a9 2024 Reuters",
    "\uff21\uff26\uff30 fullwidth",
]
SEPARATORS = [
    "\n",
    "\n\n",
    " ",
    "\r\n",
    "\r\n\r\n",
    "\n  ",
    "\n-----\n",
    "\x1c",
    "\u00a0",
    "\n\t",
    "\x0b",
    ". ",
]


def _layout(found: tuple[list[tuple[int, int]], list[tuple[str, str | None, int, int]]]) -> BodyLayout:
    return BodyLayout(tuple(found[0]), tuple(found[1]))


def _check(texts: list[str], starts: list[int]) -> int:
    """Asserts that each native layout equals `body_layout`; returns how many texts were laid out natively."""
    done = 0
    for text, start, found in zip(texts, starts, native.layouts(texts, starts), strict=True):
        if found is not None:
            done += 1
            assert _layout(found) == body_layout(text, start=start), (text, start)
    return done


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, int]:
    picks = draw(st.lists(st.sampled_from(PIECES), min_size=0, max_size=12))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=12, max_size=12))
    text = "".join(p + s for p, s in zip(picks, seps, strict=False))
    width = draw(st.sampled_from([0, 0, 40, 72]))
    if width:  # hard-wrapped wire copy
        words, lines, line = text.split(" "), [], ""
        for w in words:
            if line and len(line) + len(w) > width:
                lines.append(line)
                line = ""
            line = f"{line} {w}" if line else w
        text = "\n".join([*lines, line])
    header = draw(st.sampled_from(["", "", " date 2024-11-08 A title\n", "\u201cHead\u201d\n"]))
    start = len(header) if draw(st.booleans()) else draw(st.integers(0, len(header) + 5))
    return header + text, min(start, len(header + text))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_native_equals_python_on_generated_texts(case: tuple[str, int]) -> None:
    text, start = case
    _check([text], [start])


def test_most_generated_texts_go_native() -> None:
    """The pieces before the off-path ones, joined as paragraphs: every text goes native."""
    rng = np.random.default_rng(7)
    fast = PIECES[: PIECES.index("Caf\u00e9 owners in Z\u00fcrich said \u00bd of them closed.")]
    batch = ["\n\n".join(rng.choice(fast, size=int(rng.integers(1, 12))).tolist()) for _ in range(300)]
    assert _check(batch, [0] * len(batch)) == len(batch)


def test_every_folded_character() -> None:
    """Each character that folds to ASCII, in a dateline, a credit, a sentence end and a word."""
    batch = []
    for code in FOLD_TABLE:
        c = chr(code)
        batch.append(f"LONDON (Reuters) {c} x{c}y.{c} Next\nPhoto:{c}AFP{c}\nBy Ann{c}Lee{c}\nOK{c}s{c}")
    done = _check(batch, [0] * len(batch))
    assert done == len(batch) - 1  # all but the modifier letter apostrophe (a letter to Python's re)


def test_fixtures() -> None:
    batch: list[str] = []
    starts: list[int] = []
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted((ROOT / "tests" / "data").rglob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        batch += [text, text]
        starts += [0, text.index("\n") + 1 if "\n" in text else 0]
    for name in (ROOT / "tests" / "data" / "meter_mini.jsonl", EXAMPLES / "syndicated.jsonl"):
        for line in name.read_text(encoding="utf-8").splitlines():
            batch.append(json.loads(line)["text"])
            starts.append(0)
    assert _check(batch, starts) > len(batch) // 2


def _documents(path: Path) -> Iterator[str]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]


@pytest.mark.parametrize(("folder", "share"), [("meter", 0.6), ("reuters21578", 0.99)])
def test_real_corpora(folder: str, share: float) -> None:
    batch = list(_documents(shared_file(folder, "documents.jsonl.gz")))
    assert _check(batch, [0] * len(batch)) >= share * len(batch)


def test_seeds() -> None:
    folder = shared_file("seeds", "README.md").parent
    batch = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not batch:
        pytest.skip(f"no seed texts in {folder}")
    starts = [t.index("\n") + 1 for t in batch]
    assert _check(batch + batch, starts + [0] * len(batch)) >= 1


def test_body_layouts_equals_body_layout_with_either_core() -> None:
    batch = ["LONDON (Reuters) - Shares fell.\n\nPhoto: AFP", "Caf\u00e9 \u2014 snake_case.", "ab cd", ""]
    starts = [0, 0, 2, 0]
    want = [body_layout(t, start=s) for t, s in zip(batch, starts, strict=True)]
    assert body_layouts(batch, starts) == want
    core.use("python")
    try:
        assert body_layouts(batch, starts) == want
    finally:
        core.use(SUITE_CORE)


def test_the_python_core_calls_nothing_native(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def spy(texts: list[str], starts: list[int]) -> list[None]:
        calls.append(len(texts))
        return [None] * len(texts)

    monkeypatch.setattr(native, "layouts", spy)
    batch = [(EXAMPLES / "wire.txt").read_text(encoding="utf-8")]
    try:
        core.use("native")
        body_layouts(batch, [0])
        assert calls == [1]  # the spy stands in for the native core when it is in use
        core.use("python")
        assert body_layouts(batch, [0]) == [body_layout(batch[0])]
        assert core.native() is None
    finally:
        core.use(SUITE_CORE)
    assert calls == [1]


def test_prepare_batch_lays_out_the_same_with_either_core() -> None:
    batch = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    batch += [batch[0], "Caf\u00e9 \u2014 snake_case."]
    starts = [0] * len(batch)
    known = np.array([], dtype=np.uint64)
    try:
        core.use("native")
        got = prepare_batch(batch, starts, config=IndexConfig(), known=known).layouts
        core.use("python")
        want = prepare_batch(batch, starts, config=IndexConfig(), known=known).layouts
    finally:
        core.use(SUITE_CORE)
    assert got == want
    assert got[len(batch) - 2] is None  # a text met earlier in the batch is laid out once


def test_starts_must_match_texts() -> None:
    with pytest.raises(ValueError, match="one offset per text"):
        native.layouts(["a"], [])


def test_a_native_build_without_layouts_leaves_them_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(native, "layouts")
    batch = [(EXAMPLES / "wire.txt").read_text(encoding="utf-8"), "LONDON (Reuters) - x"]
    assert body_layouts(batch, [0, 0]) == [body_layout(t) for t in batch]
