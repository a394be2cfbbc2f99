from __future__ import annotations

from pathlib import Path

import pytest

import copydesk
from copydesk import Article, CompareConfig, ConfigError, compare
from copydesk.io import read_text_file
from copydesk.model import LABELS, VERDICTS, Comparison


def by_text(c: Comparison, side: str, prefix: str) -> copydesk.Sentence:
    found = [s for s in c.sentences if s.side == side and s.text.startswith(prefix)]
    assert found, f"no sentence on side {side} starting with {prefix!r}"
    return found[0]


class TestSeeds:
    """Acceptance on the reference pair (../shared/data/seeds): two real versions of one AFP story."""

    @pytest.fixture
    def result(self, seeds: tuple[Path, Path]) -> Comparison:
        return compare(read_text_file(seeds[0]), read_text_file(seeds[1]))

    def test_common_source(self, result: Comparison) -> None:
        assert result.verdict == "common_source"
        assert 0.0 < result.confidence <= 1.0
        assert any(e.kind == "credit" and "AFP" in e.detail for e in result.evidence)

    def test_the_right_verdict_is_no_coin_toss(self, result: Comparison) -> None:
        # the calibrated confidence (copydesk.provenance.calibration): raw 0.44, a probability above a half
        assert result.confidence > 0.6

    def test_air_defence_sentence_is_paired_and_edited(self, result: Comparison) -> None:
        a = by_text(result, "a", "Ukrainian air defence units in Kyiv were heard")
        assert a.label in ("edited", "rewritten")
        assert a.counterpart is not None
        assert result.sentences[a.counterpart].text.startswith(
            "AFP journalists in Kyiv heard Ukrainian air defence"
        )
        assert a.diff  # the word diff is there

    def test_shoigu_quotes_verbatim_across_quote_styles(self, result: Comparison) -> None:
        for prefix in ("‘Now, when the situation", "‘To continue financing"):
            s = by_text(result, "a", prefix)
            assert s.label == "verbatim"
            assert s.counterpart is not None and result.sentences[s.counterpart].text.startswith('"')

    def test_captions_and_footer_are_boilerplate(self, result: Comparison) -> None:
        assert by_text(result, "a", "Firefighters work at a compound").label == "boilerplate"
        assert by_text(result, "a", "Picture: Tracers").label == "boilerplate"
        assert by_text(result, "a", "This article was originally published").boilerplate == "footer"
        assert any(c.kind == "footer" and c.name == "www.dailymail.co.uk" for c in result.credits)
        assert any(c.side == "b" and c.kind == "photo" and c.name == "AFP" for c in result.credits)

    def test_later_paragraphs_are_cut_by_the_newspaper_not_added(self, result: Comparison) -> None:
        # the newspaper stops after eleven paragraphs; the Daily Mail kept more of the wire story
        for prefix in (
            "Two people were injured in Kyiv",
            "The air force said it had shot down 74",
            "Electricity supplies in the western regions of Rivne and Zhytomyr",
            "The head of the Kherson region",
            "And in the eastern Sumy region",
            "It comes after former Russian president Dmitry Medvedev",
        ):
            s = by_text(result, "a", prefix)
            assert s.label == "cut_by_other" and s.reason and "cut from the end" in s.reason
        assert not [s for s in result.sentences if s.label in ("added", "dropped")]

    def test_header_is_metadata(self, result: Comparison) -> None:
        assert result.b.date is not None and result.b.date.isoformat() == "2024-11-08"
        assert result.b.title == "Russia urges West after Trump becomes US president-elect"
        assert all(s.start >= result.b.body_start for s in result.sentences if s.side == "b")


def test_examples_wire_and_ledger(wire_path: Path, ledger_path: Path) -> None:
    c = compare(read_text_file(wire_path), read_text_file(ledger_path))
    assert c.verdict == "b_from_a"
    assert by_text(c, "b", "Waves crash over").label == "boilerplate"
    assert by_text(c, "b", "Local shops on Quay Street").label == "added"
    assert by_text(c, "a", "Scientists at the University of Kessing").label == "dropped"
    swapped = {
        by_text(c, "a", "No one was seriously hurt").label,
        by_text(c, "a", "The ferry operator").label,
    }
    assert swapped == {"moved", "edited"} or swapped == {"moved", "verbatim"}
    assert any(c.kind == "dateline" and c.name == "CPA" for c in c.credits)


def test_copies_of_a_hidden_source(hidden_copies: tuple[Path, Path, Path]) -> None:
    gazette, coastal, _ = (read_text_file(p) for p in hidden_copies)
    c = compare(gazette, coastal)
    assert c.verdict == "common_source"
    own = by_text(c, "a", "The Gazette could not reach")
    assert own.label == "added_or_cut" and own.reason and "within the text both share" in own.reason
    for prefix in ("The regional labour ministry", "Montevale handles", "The last strike", "Truck drivers"):
        assert by_text(c, "b", prefix).label == "cut_by_other"
    assert by_text(c, "b", "About forty grain carriers").label == "edited"
    assert all(s.reason is None for s in c.sentences if s.label not in ("cut_by_other", "added_or_cut"))
    # a label, not a pairing: what counts as reused text (the word-level METER score) is unchanged
    truck = by_text(c, "b", "Truck drivers")
    assert not any(start < truck.end and truck.start < end for start, end in c.reused_spans("b"))
    # the rule does not depend on which copy is side a
    swapped = compare(coastal, gazette)
    assert sorted(s.label for s in swapped.sentences) == sorted(s.label for s in c.sentences)
    assert by_text(swapped, "a", "Truck drivers").label == "cut_by_other"


def test_examples_partial_quote(wire_path: Path, weekly_path: Path) -> None:
    c = compare(read_text_file(wire_path), read_text_file(weekly_path))
    assert c.verdict == "b_from_a"  # the weekly quotes the wire and is dated later
    assert len(c.passages) >= 1
    assert sum(p.words for p in c.passages) >= 90
    assert 0.25 <= c.containment_a_in_b <= 0.6


def test_unrelated() -> None:
    a = "The central bank raised interest rates by a quarter point on Wednesday, citing stubborn inflation."
    b = "The home side won the cup final after a penalty shoot-out in front of a record crowd."
    c = compare(a, b)
    assert c.verdict == "unrelated"
    assert c.jaccard == 0.0 and not c.passages
    assert {s.label for s in c.sentences} == {"added"}


def test_identical_texts() -> None:
    text = "The storm hit the harbour overnight. Two boats sank. The ferry will not run until Monday."
    c = compare(text, text)
    assert c.jaccard == 1.0 and c.containment_a_in_b == 1.0 == c.containment_b_in_a
    assert c.verdict == "common_source"  # nothing tells which came first
    assert {s.label for s in c.sentences} == {"verbatim"}


def test_empty_and_tiny_inputs() -> None:
    c = compare("", "")
    assert c.verdict == "unrelated" and c.sentences == ()
    assert compare("Hi.", "Hi.").verdict == "unrelated"  # below min_shared_words


def test_accepts_articles_dicts_and_strings() -> None:
    art = Article(text="Some text here about a storm.", id="x")
    c = compare(art, {"text": "Other text about a storm.", "id": "y", "date": "2024-01-02"})
    assert c.a.id == "x" and c.b.id == "y" and c.b.date is not None


def test_bad_config_and_input() -> None:
    with pytest.raises(ConfigError, match="related_containment must be in"):
        CompareConfig(related_containment=1.5)
    with pytest.raises(ConfigError, match="'text'"):
        compare({"body": "x"}, "y")
    with pytest.raises(ConfigError, match="ISO 8601"):
        compare({"text": "x", "date": "yesterday"}, "y")


def test_json_schema_keys(wire_path: Path, ledger_path: Path) -> None:
    d = compare(read_text_file(wire_path), read_text_file(ledger_path)).to_dict()
    for key in ("verdict", "confidence", "jaccard", "containment_a_in_b", "containment_b_in_a", "sentences"):
        assert key in d
    assert d["verdict"] in VERDICTS and 0 <= d["confidence"] <= 1
    for s in d["sentences"]:
        assert set(s) == {
            "side", "start", "end", "text", "label", "counterpart", "similarity", "diff", "boilerplate", "reason"
        }  # fmt: skip
        assert s["label"] in LABELS
        if s["counterpart"] is not None:
            assert d["sentences"][s["counterpart"]]["side"] != s["side"]
