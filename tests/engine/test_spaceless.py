"""Chinese, Japanese and Thai articles (read in characters) through compare, add + find and stories, on
fixtures written for the project (tests/data/spaceless: a source, a lightly edited copy and an unrelated
article per language, and a Chinese report of the same event written independently)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.engine.compare import compare
from copydesk.engine.index import Index
from copydesk.io import read
from copydesk.model import Article
from copydesk.text.tokens import tokenize

DATA = Path(__file__).resolve().parents[1] / "data" / "spaceless"
LANGUAGES = ["zh", "ja", "th"]


def _text(name: str) -> str:
    return (DATA / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compare_finds_the_copy_and_its_edit_script(lang: str) -> None:
    source, copy = _text(f"{lang}_source"), _text(f"{lang}_copy")
    c = compare(source, copy)
    assert c.verdict == "b_from_a"
    assert c.shingle_size == 5  # compare's 3 words, as characters
    assert c.containment_b_in_a >= 0.8 and c.containment_a_in_b >= 0.6
    labels = {s.label for s in c.sentences}
    assert {"verbatim", "edited"} <= labels
    assert "dropped" in labels  # each copy leaves out a sentence of its source
    for s in c.sentences:
        text = source if s.side == "a" else copy
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end].strip() == text[s.start : s.end]
    for p in c.passages:  # the same words (the punctuation between them may differ)
        assert tokenize(source[p.a_start : p.a_end]).words == tokenize(copy[p.b_start : p.b_end]).words


def test_a_chinese_edit_script_pairs_sentences_at_their_offsets() -> None:
    source, copy = _text("zh_source"), _text("zh_copy")
    c = compare(source, copy)
    got = {(s.side, s.label, (source if s.side == "a" else copy)[s.start : s.end]) for s in c.sentences}
    assert ("a", "verbatim", "开通首日，不少市民早早来到车站体验。") in got
    assert ("b", "verbatim", "开通首日，不少市民早早来到车站体验。") in got
    assert ("a", "dropped", "据了解，三号线二期工程已于去年开工建设，计划于2028年底建成通车。") in got
    assert (
        "b",
        "added",
        "记者在现场看到，各车站均设有无障碍电梯和母婴室，志愿者在站厅内引导乘客购票进站。",
    ) in got
    edited = [s for s in c.sentences if s.label == "edited" and s.side == "b"]
    # "高峰时段" became "早晚高峰时段": the word diff shows the two inserted characters.
    target = next(s for s in edited if "早晚高峰" in copy[s.start : s.end])
    inserted = [copy[o.b_start : o.b_end] for o in target.diff if o.op == "insert"]
    assert inserted == ["早晚"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compare_leaves_unrelated_articles_apart(lang: str) -> None:
    for name in (f"{lang}_source", f"{lang}_copy"):
        c = compare(_text(name), _text(f"{lang}_unrelated"))
        assert c.verdict == "unrelated"
        assert max(c.containment_a_in_b, c.containment_b_in_a) < 0.1


def test_an_independent_report_of_the_same_event_is_not_a_copy() -> None:
    c = compare(_text("zh_source"), _text("zh_same_event"))
    assert c.verdict == "unrelated"
    assert max(c.containment_a_in_b, c.containment_b_in_a) < 0.1


@pytest.fixture
def index(tmp_path: Path) -> Index:
    ix = Index(tmp_path / "t.db")
    ix.add(read(sorted(DATA.glob("*.txt"))))
    return ix


@pytest.mark.parametrize("lang", LANGUAGES)
def test_add_and_find(index: Index, lang: str) -> None:
    hits = index.find(Article(text=_text(f"{lang}_source"), id="query"))
    ids = [h.id for h in hits]
    assert any(f"{lang}_copy" in i for i in ids), ids
    assert not any("unrelated" in i or "same_event" in i for i in ids), ids
    hit = next(h for h in hits if f"{lang}_copy" in h.id)
    # find's figures are compare's
    c = compare(_text(f"{lang}_source"), _text(f"{lang}_copy"))
    assert hit.containment_query == pytest.approx(c.containment_a_in_b)
    assert hit.containment_hit == pytest.approx(c.containment_b_in_a)
    assert hit.passages


def test_stories_group_each_copy_with_its_source(index: Index) -> None:
    stories = index.stories(min_size=2)
    groups = sorted(sorted(m.id.rsplit("/", 1)[-1] for m in s.members) for s in stories)
    assert groups == [
        ["ja_copy.txt", "ja_source.txt"],
        ["th_copy.txt", "th_source.txt"],
        ["zh_copy.txt", "zh_source.txt"],
    ]
