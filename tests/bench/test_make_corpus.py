"""The corpus generator on a small synthetic source in the Reuters JSONL format (and on the real file if present)."""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import pytest

from copydesk.bench.generator.corpus import generate, plan_counts
from copydesk.bench.generator.edits import paraphrase, swap_quotes
from copydesk.bench.generator.pool import reflow, split_sentences

ROOT = Path(__file__).resolve().parents[2]
REUTERS = ROOT.parent / "shared" / "data" / "reuters21578" / "documents.jsonl.gz"
TOPICS = [
    "cocoa harvest bahia arroba temporao".split(),
    "crude barrels refinery opec pipeline".split(),
    "wheat export tender silos harvest".split(),
    "bank merger tender shareholders bid".split(),
]

TOPIC_WORDS = {w for topic in TOPICS for w in topic}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def _body(rng: random.Random, topic: list[str], sentences: int) -> str:
    """A Reuters-like body: wrapped lines, indented paragraphs, a final ``Reuter`` line."""
    sents = []
    for _ in range(sentences):
        ws = [rng.choice(topic) if rng.random() < 0.15 else _word(rng) for _ in range(rng.randint(10, 18))]
        sents.append(" ".join(ws).capitalize() + ".")
    paras = [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]
    lines = []
    for k, p in enumerate(paras):
        wrapped = re.sub(r"(.{1,60})(?: |$)", r"\1\n", p).rstrip("\n").split("\n")
        lines.append(("" if k == 0 else "    ") + "\n".join(wrapped))
    return "\n".join(lines) + "\n Reuter\n"


def write_source(path: Path, n: int = 48, seed: int = 7) -> Path:
    """``n`` synthetic stories (plus two exact duplicates and two short notices) as gzip JSONL."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        body = _body(rng, TOPICS[i % len(TOPICS)], rng.randint(8, 14))
        records.append(
            {
                "id": str(i + 1),
                "date": f"{i % 28 + 1}-MAR-1987 10:{i % 60:02d}:00.00",
                "title": f"STORY {i}",
                "text": body,
            }
        )
    records.append(dict(records[0], id=str(n + 1)))  # identical body, another id
    records.append(dict(records[5], id=str(n + 2)))
    records.append(
        {
            "id": str(n + 3),
            "date": "1-APR-1987 09:00:00.00",
            "title": "SHORT",
            "text": "Qtly div five cts.\n Reuter\n",
        }
    )
    records.append(
        {"id": str(n + 4), "date": "bad date", "title": "SHORT 2", "text": "Pay April 30.\n Reuter\n"}
    )
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return path


def load(out: Path) -> tuple[dict[str, dict], dict[str, dict], dict]:
    arts = {a["id"]: a for a in map(json.loads, (out / "articles.jsonl").read_text().splitlines())}
    labels = {lab["id"]: lab for lab in map(json.loads, (out / "labels.jsonl").read_text().splitlines())}
    return arts, labels, json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict], dict[str, dict], dict]:
    tmp = tmp_path_factory.mktemp("corpus")
    generate(write_source(tmp / "src.jsonl.gz"), tmp / "out", size=120, seed=3)
    return load(tmp / "out")


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def grams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def longest_run(a: list[str], b: list[str]) -> int:
    """Length of the longest run of consecutive words common to ``a`` and ``b``."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            if x == y:
                cur[j + 1] = prev[j] + 1
                best = max(best, cur[j + 1])
        prev = cur
    return best


def test_every_kind_is_labelled_and_counted(corpus: tuple[dict, dict, dict]) -> None:
    arts, labels, manifest = corpus
    assert list(arts) == list(labels)
    kinds = {lab["kind"] for lab in labels.values()}
    assert kinds == {"original", "reissue", "verbatim", "light", "heavy", "excerpt", "merge", "near_miss"}
    assert sum(manifest["counts"].values()) == manifest["size"] == len(arts) == 120
    assert manifest["pool"]["distinct_bodies"] == manifest["pool"]["records"] - 2
    for a in arts.values():
        assert set(a) == {"id", "text", "title", "date", "outlet", "url"} and a["text"].strip()
    for lab in labels.values():
        assert all(labels[s]["kind"] in ("original", "reissue") for s in lab["sources"])
        if lab["kind"] in ("original", "near_miss"):
            assert lab["sources"] == []
        elif lab["kind"] == "merge":
            assert len(set(lab["sources"])) == 2
        else:
            assert len(lab["sources"]) == 1


def test_short_stories_are_never_sources(corpus: tuple[dict, dict, dict]) -> None:
    arts, labels, _ = corpus
    assert not any("div five cts" in a["text"] or "Pay April 30" in a["text"] for a in arts.values())
    for lab in labels.values():
        for s in lab["sources"]:
            assert len(arts[s]["text"].split()) >= 80


def test_verbatim_copy_holds_the_source_text(corpus: tuple[dict, dict, dict]) -> None:
    arts, labels, _ = corpus
    for lab in labels.values():
        if lab["kind"] == "verbatim":
            source, copy = arts[lab["sources"][0]]["text"], arts[lab["id"]]["text"]
            assert copy.endswith(source) and copy[: -len(source)].strip()  # a header line or a dateline


def test_light_and_heavy_edits(corpus: tuple[dict, dict, dict]) -> None:
    arts, labels, _ = corpus
    for lab in labels.values():
        if lab["kind"] not in ("light", "heavy"):
            continue
        src, cp = tokens(arts[lab["sources"][0]]["text"]), tokens(arts[lab["id"]]["text"])
        assert cp != src
        shared = len(grams(cp, 3) & grams(src, 3)) / max(len(grams(cp, 3)), 1)
        if lab["kind"] == "light":
            assert shared > 0.6
        else:
            assert 0.25 * len(src) < len(cp) < 0.85 * len(src) + 12


def test_excerpt_is_100_to_200_words_of_its_source_inside_unrelated_text(
    corpus: tuple[dict, dict, dict],
) -> None:
    arts, labels, _ = corpus
    excerpts = [lab for lab in labels.values() if lab["kind"] == "excerpt"]
    assert excerpts
    for lab in excerpts:
        text = arts[lab["id"]]["text"]
        source = arts[lab["sources"][0]]["text"]
        run = longest_run(text.split(), source.split())
        assert 100 <= run <= 200
        assert 600 + run <= len(text.split()) <= 1400 + run
        passage = next(p for p in text.split("\n\n") if longest_run(p.split(), source.split()) == run)
        assert " ".join(passage.split()) in " ".join(source.split())


def test_near_miss_shares_no_run_of_6_words(corpus: tuple[dict, dict, dict]) -> None:
    arts, labels, _ = corpus
    near = [lab for lab in labels.values() if lab["kind"] == "near_miss"]
    assert near
    others = [a for aid, a in arts.items() if aid not in {lab["id"] for lab in near}]
    seen: set[tuple[str, ...]] = set()
    for lab in near:
        text = tokens(arts[lab["id"]]["text"])
        g6 = grams(text, 6)
        assert len(lab["imitates"]) == 1 and labels[lab["imitates"][0]]["kind"] in ("original", "reissue")
        assert not g6 & grams(tokens(arts[lab["imitates"][0]]["text"]), 6)
        assert all(not g6 & grams(tokens(a["text"]), 6) for a in others)
        assert not g6 & seen  # nor with another near-miss
        seen |= g6
        target_words = {t for t in tokens(arts[lab["imitates"][0]]["text"]) if t in TOPIC_WORDS}
        assert target_words & set(text)


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path: Path) -> None:
    src = write_source(tmp_path / "src.jsonl.gz")
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(src, tmp_path / name, size=60, seed=seed)
    read = {n: (tmp_path / n / "articles.jsonl").read_bytes() for n in "abc"}
    assert read["a"] == read["b"] != read["c"]
    assert (tmp_path / "a" / "labels.jsonl").read_bytes() == (tmp_path / "b" / "labels.jsonl").read_bytes()


def test_plan_counts_caps_near_misses_and_fills_with_originals() -> None:
    counts = plan_counts(1000, near_capacity=10)
    assert counts["near_miss"] == 10 and sum(counts.values()) == 1000
    assert counts["original"] == 1000 - 10 - 100 - 120 - 120 - 80 - 60
    with pytest.raises(ValueError, match="size must be a positive integer"):
        plan_counts(0, near_capacity=1)


def test_reflow_and_sentences() -> None:
    paras = reflow(
        "Standard Oil Co said it\nwill buy U.S. assets.\n    Shares rose. Mr. Smith said so.\n\n Reuter\n"
    )
    assert paras == [
        ["Standard Oil Co said it will buy U.S. assets."],
        ["Shares rose.", "Mr. Smith said so."],
    ]
    assert split_sentences('He said "yes." Then he left.') == ['He said "yes."', "Then he left."]


def test_edit_rules() -> None:
    assert swap_quotes('He said "it\'s fine".') == "He said \u201cit\u2019s fine\u201d."
    assert swap_quotes(swap_quotes('"a" b\'s')) == '"a" b\'s'
    rng = random.Random(1)
    out = paraphrase("Comissaria Smith said spot bean prices rose to 1,750 dlrs per tonne.", rng)
    assert out.startswith("Spot bean prices") and "1750" in out
    assert re.search(r", Comissaria Smith (said|stated)\.$", out)
    out = paraphrase("Prices will rise, the ministry said.", rng)
    assert re.match(r"The ministry (said|stated) prices will", out)
    out = paraphrase(
        "The bank cut its forecast for growth this year, citing much weaker exports to Asia.", rng
    )
    assert re.match(r"Citing much weaker exports to Asia, The bank (cut|reduced) its forecast", out)


def test_real_reuters_file(tmp_path: Path) -> None:
    if not REUTERS.exists():
        pytest.skip(f"real data not available: {REUTERS} (it lives beside the checkout in ../shared/data)")
    manifest = generate(REUTERS, tmp_path, size=400, seed=1)
    assert manifest["pool"]["records"] == 19043 and manifest["pool"]["distinct_bodies"] == 18762
    assert set(manifest["counts"]) >= {
        "original",
        "verbatim",
        "light",
        "heavy",
        "excerpt",
        "merge",
        "near_miss",
    }
