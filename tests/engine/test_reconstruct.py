"""The hidden source rebuilt from its copies (`copydesk.engine.reconstruct`), on project fixtures (a wire
story and two copies cut at different lengths) and on the reference pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk import Article, ConfigError
from copydesk.align.sentence import Unit, align
from copydesk.engine.reconstruct import reconstruct
from copydesk.io import read_text_file
from copydesk.model import Reconstruction
from copydesk.text.analysis import analyze


def body_words(a: Article) -> list[list[str]]:
    return [
        s.words for s in analyze(a.text, start=a.body_start).sentences if s.boilerplate is None and s.words
    ]


def sentence(r: Reconstruction, prefix: str) -> int:
    found = [k for k, s in enumerate(r.sentences) if s.text.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r}: {found}"
    return found[0]


def ops(r: Reconstruction, copy: str) -> tuple[str, ...]:
    return next(sc.ops for sc in r.scripts if sc.copy == copy)


def assert_spans_point_into_the_texts(r: Reconstruction, articles: list[Article]) -> None:
    text = {a.id: a.text for a in articles}
    for s in r.sentences:
        assert text[s.copy][s.start : s.end] == s.text
        for w in s.witnesses:
            assert text[w.copy][w.start : w.end] == w.text
            for op in w.diff:
                assert text[s.copy][op.a_start : op.a_end] == op.a_text
                assert text[w.copy][op.b_start : op.b_end] == op.b_text
    assert all(len(sc.ops) == len(r.sentences) for sc in r.scripts)


@pytest.fixture
def copies(hidden_copies: tuple[Path, Path, Path]) -> tuple[Article, Article, Article]:
    gazette, coastal, original = (read_text_file(p) for p in hidden_copies)
    return gazette, coastal, original


def test_two_copies_cut_at_different_lengths(copies: tuple[Article, Article, Article]) -> None:
    gazette, coastal, original = copies
    r = reconstruct([gazette, coastal])
    assert r.copies == ("coastal", "gazette")  # the most body words first
    assert_spans_point_into_the_texts(r, [gazette, coastal])
    # the original's paragraphs in its order, but the last, which both copies cut
    source = body_words(original)
    rebuilt = [words for s in r.sentences for words in body_words(Article(s.text))]
    assert len(rebuilt) == len(r.sentences) == len(source) - 1 + 1  # and the Gazette's own sentence
    pairs = align([Unit(w) for w in source], [Unit(w) for w in rebuilt])
    assert [p.a for p in pairs] == list(range(len(source) - 1))
    assert all(p.label != "moved" for p in pairs)
    own = sentence(r, "The Gazette could not reach")
    assert [w.copy for w in r.sentences[own].witnesses] == ["gazette"]
    assert ops(r, "gazette")[own] == "only_here" and ops(r, "coastal")[own] == "left_out"
    # the Gazette stops after the eighth rebuilt sentence: the four after it are cut from its end
    assert ops(r, "gazette")[-4:] == ("cut",) * 4 and "cut" not in ops(r, "gazette")[:-4]
    assert ops(r, "coastal")[-4:] == ("only_here",) * 4
    # two copies that word a sentence differently: no reading is decided, both are variants with the diff
    carriers = r.sentences[sentence(r, "About forty grain carriers")]
    assert not carriers.decided and {w.how for w in carriers.witnesses} == {"variant"}
    assert any(op.op != "equal" for w in carriers.witnesses for op in w.diff)
    assert r.sentences[sentence(r, "The strike began at dawn")].decided


def test_a_majority_decides_the_reading(copies: tuple[Article, Article, Article]) -> None:
    gazette, coastal, original = copies
    r = reconstruct([gazette, coastal, original])
    assert_spans_point_into_the_texts(r, [gazette, coastal, original])
    carriers = r.sentences[
        sentence(r, "About forty grain carriers were anchored off the breakwater by midday")
    ]
    assert carriers.decided and carriers.copy in ("original", "gazette")
    assert {w.copy: w.how for w in carriers.witnesses} == {
        "original": "verbatim",
        "gazette": "verbatim",
        "coastal": "edited",
    }
    police = sentence(r, "Police said the picket lines")
    assert ops(r, "coastal")[police] == "cut" and ops(r, "original")[police] == "only_here"


def test_the_merge_does_not_depend_on_input_order(copies: tuple[Article, Article, Article]) -> None:
    gazette, coastal, original = copies
    assert reconstruct([gazette, coastal]) == reconstruct([coastal, gazette])
    assert reconstruct([gazette, coastal, original]) == reconstruct([original, gazette, coastal])


def test_a_moved_paragraph_and_a_lead_of_its_own(copies: tuple[Article, Article, Article]) -> None:
    gazette, coastal, _ = copies
    paras = gazette.body.split("\n\n")
    paras[1], paras[2] = paras[2], paras[1]
    paras.insert(0, "Shipping in the south of the country was brought to a standstill on Tuesday morning.")
    swapped = Article("\n\n".join(paras), id="swapped")
    r = reconstruct([coastal, swapped])
    lead = sentence(r, "Shipping in the south")
    assert lead == 0 and ops(r, "swapped")[0] == "only_here"
    moved = [r.sentences[k].text[:20] for k, op in enumerate(ops(r, "swapped")) if op == "moved"]
    assert len(moved) == 1 and moved[0] in ("The strike began at ", "Union secretary Luci")
    assert "moved" not in ops(r, "coastal")


def test_bounded_and_checked(copies: tuple[Article, Article, Article]) -> None:
    gazette, coastal, original = copies
    r = reconstruct([gazette, coastal, original], max_copies=2, left_out=("earlier",))
    assert r.copies == ("coastal", "gazette") and r.left_out == ("earlier", "original")
    with pytest.raises(ConfigError, match="distinct ids"):
        reconstruct([gazette, gazette])
    with pytest.raises(ConfigError, match="max_copies"):
        reconstruct([gazette], max_copies=0)
    alone = reconstruct([gazette])
    assert {op for sc in alone.scripts for op in sc.ops} == {"only_here"}


def test_the_reference_pair(seeds: tuple[Path, Path]) -> None:
    mail, paper = (read_text_file(p) for p in seeds)
    r = reconstruct([paper, mail])
    assert set(r.copies) == {mail.id, paper.id}
    assert_spans_point_into_the_texts(r, [mail, paper])
    for prefix in ("Two people were injured in Kyiv", "The air force said it had shot down 74"):
        k = sentence(r, prefix)
        assert ops(r, mail.id or "")[k] == "only_here" and ops(r, paper.id or "")[k] == "cut"
    elected = r.sentences[sentence(r, "They were among the first comments")]
    assert {w.copy for w in elected.witnesses} == {mail.id, paper.id}
    assert "confirmed to have been" in " ".join(
        op.b_text + op.a_text for w in elected.witnesses for op in w.diff
    )
    # the newspaper stops after eleven paragraphs; all it carries is before the Mail's later ones
    assert "left_out" not in ops(r, paper.id or "") and "left_out" not in ops(r, mail.id or "")
