"""Texts read in characters (Chinese, Japanese, Thai): the per-article decision, the words, the sentences,
and Latin text unchanged."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import xxhash

from copydesk.config import IndexConfig
from copydesk.sketch.batch import fingerprint_batch
from copydesk.text.normalize import fold
from copydesk.text.script import SPACELESS_LETTERS, THAI_MARKS, spaceless
from copydesk.text.sentences import sentences
from copydesk.text.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]
SPACELESS = ROOT / "tests" / "data" / "spaceless"


def _chars(ranges: str) -> list[str]:
    """The assigned characters of a regex class body (the ranges hold a few unassigned code points)."""
    return [
        chr(i)
        for i in range(0x110000)
        if re.fullmatch(f"[{ranges}]", chr(i)) and unicodedata.category(chr(i)) != "Cn"
    ]


def test_the_letters_are_word_characters_and_the_marks_are_not() -> None:
    letters = _chars(SPACELESS_LETTERS)
    assert len(letters) > 90_000
    assert all(re.fullmatch(r"\w", c) for c in letters)
    assert not any(re.fullmatch(r"\w", c) for c in _chars(THAI_MARKS))
    # Folded, they stay letters of these scripts (or Thai marks), so folding never changes the decision.
    inside = re.compile(f"[{SPACELESS_LETTERS}{THAI_MARKS}]+")
    assert all(inside.fullmatch(fold(c).text) for c in letters)


def test_spaceless_is_decided_on_the_share_of_letters() -> None:
    assert spaceless(fold("新华社北京3月5日电 国务院总理在人大会议上作报告。").text)
    assert spaceless(fold("東京都は５日、新しい地下鉄を開業した。").text)
    assert spaceless(fold("กรุงเทพมหานครเปิดสวนสาธารณะแห่งใหม่").text)
    # A Latin text quoting a few characters, Korean (written with spaces), and ASCII are read in words.
    assert not spaceless(fold("Xi Jinping (习近平) met Kishida Fumio (岸田文雄) in Beijing on Tuesday.").text)
    assert not spaceless(fold("서울시는 5일 새 지하철 노선을 개통했다.").text)
    assert not spaceless("plain ascii text")
    # A Chinese text with Latin product names stays a Chinese text.
    assert spaceless(fold("苹果公司发布了iPhone 15 Pro和Apple Watch新品。").text)


def test_words_of_a_text_read_in_characters() -> None:
    text = "新华社北京电 iPhone 15发布，Ｕ.Ｓ.代表团。"
    tokens = tokenize(text)
    assert tokens.chars
    assert tokens.words == [
        "新",
        "华",
        "社",
        "北",
        "京",
        "电",
        "iphone",
        "15",
        "发",
        "布",
        "u.s",
        "代",
        "表",
        "团",
    ]
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "新", "华", "社", "北", "京", "电", "iPhone", "15", "发", "布", "Ｕ.Ｓ", "代", "表", "团"
    ]  # fmt: skip


def test_a_thai_character_keeps_the_marks_written_on_it() -> None:
    text = "ที่ไม่ได้ไม้"
    tokens = tokenize(text)
    assert tokens.chars and tokens.words == ["ที่", "ไ", "ม่", "ไ", "ด้", "ไ", "ม้"]
    # "not" and "wood" differ only by their tone mark, and stay apart.
    assert tokens.words[2] != tokens.words[6]


def test_offsets_of_every_fixture_point_into_the_original() -> None:
    for path in sorted(SPACELESS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        tokens = tokenize(text)
        assert tokens.chars, path.name
        for word, s, e in zip(tokens.words, tokens.starts.tolist(), tokens.ends.tolist(), strict=True):
            assert 0 <= s < e <= len(text)
            assert fold(text[s:e]).text == word, (path.name, word, text[s:e])


def test_full_width_stops_end_sentences_and_lines_end_paragraphs() -> None:
    text = (
        "港北市で新しい図書館が開館\n"
        "港北市の中央図書館が１日に開館した。建物は５階建てだ。\n"
        "女性は「明るくて広い」と話した。「また来たい！」と言った。\n"
        "市によると、建設費は約８５億円で、年間の来館者数は１００万人を見込む。"
    )
    got = [(s.paragraph, text[s.start : s.end]) for s in sentences(text)]
    assert got == [
        (0, "港北市で新しい図書館が開館"),
        (1, "港北市の中央図書館が１日に開館した。"),
        (1, "建物は５階建てだ。"),
        (2, "女性は「明るくて広い」と話した。"),
        (2, "「また来たい！」と言った。"),
        (3, "市によると、建設費は約８５億円で、年間の来館者数は１００万人を見込む。"),
    ]


# Texts read in words before texts could be read in characters, and their tokens and fingerprints then:
# the digest below was computed with the code of commit 9923e52 (before this reading existed). An index
# holds fingerprints computed when its articles were added, so these must never change.
LATIN = [
    "Le président a déclaré à l'AFP : « Nous irons à Zürich » — puis il est parti.",
    "Xi Jinping (习近平) met Kishida Fumio (岸田文雄) in Beijing on Tuesday, officials said.",
    "İstanbul'da gökyüzü kırmızıya döndü; ﬁnal résumé №5 ＡＢＣ ½.",
    "بدأت القمة في الرياض يوم الثلاثاء بحضور عدد من القادة.",
]
LATIN_DIGEST = "3c9e10d30358be1e"


def test_latin_tokens_and_fingerprints_are_as_before() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))] + LATIN
    assert len(texts) == 7
    h = xxhash.xxh3_64()
    for text in texts:
        tokens = tokenize(text)
        assert not tokens.chars
        h.update("\0".join(tokens.words).encode())
        h.update(tokens.starts.tobytes())
        h.update(tokens.ends.tobytes())
    for fp in fingerprint_batch(texts, config=IndexConfig()):
        h.update(np.uint64(fp.content_hash).tobytes())
        h.update(fp.signature.tobytes())
        h.update(fp.band_keys.tobytes())
        h.update(fp.passages.tobytes())
    assert h.hexdigest() == LATIN_DIGEST
