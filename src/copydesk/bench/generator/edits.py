"""Rule-based edits that turn a wire original into a derived copy. Deterministic for a ``random.Random``.

Texts are lists of paragraphs, each a list of sentences (see `copydesk.bench.generator.pool.reflow`). No rule calls a
model or a dictionary outside this file: synonyms come from ``SYNONYMS``, headers from the small lists below.
"""

from __future__ import annotations

import random
import re
from datetime import datetime

Paragraphs = list[list[str]]

# Wire vocabulary and its plain-English swaps; used both ways by the heavy paraphrase.
_PAIRS = [
    ("said", "stated"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("increase", "rise"),
    ("decline", "fall"),
    ("company", "firm"),
    ("expected", "forecast"),
    ("agreed", "consented"),
    ("plans", "intends"),
    ("announced", "disclosed"),
    ("reported", "posted"),
    ("dlrs", "dollars"),
    ("pct", "percent"),
    ("mln", "million"),
    ("bln", "billion"),
    ("about", "around"),
    ("total", "overall"),
    ("government", "administration"),
    ("officials", "authorities"),
    ("buy", "purchase"),
    ("profit", "earnings"),
    ("quarter", "period"),
    ("shares", "stock"),
    ("talks", "negotiations"),
    ("raised", "lifted"),
    ("cut", "reduced"),
    ("sales", "turnover"),
    ("week", "seven days"),
    ("tonnes", "metric tons"),
    ("also", "in addition"),
]
_ONE_WAY = frozenset({"forecast", "firm", "period", "rise", "fall", "stock"})  # nouns/adjectives too
SYNONYMS = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS if " " not in b and b not in _ONE_WAY}
_SYN_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")
_FILLER_WORDS = "major new key further recent large small senior local main".split()
_LEAD_SAID = re.compile(
    r"^(?P<subj>(?:[A-Z][\w&.'-]*\s){1,5}?)said (?:that |on \w+ |today )?(?P<rest>.{12,}?)\.?$"
)
_TAIL_SAID = re.compile(r"^(?P<rest>.{12,}), (?P<subj>[^,]{2,60}?) said\.$")
_SAID_TAIL = re.compile(r", said (?P<subj>[^,.]{2,60})\.$")
_CLAUSES = re.compile(r"^(?P<a>[^,]{20,}), (?P<b>[^,]{20,}?)\.$")
_THOUSANDS = re.compile(r"\b(\d{1,3}),(\d{3})\b")

OUTLETS = [
    ("The Harbour Gazette", "harbourgazette.example"),
    ("Midland Courier", "midlandcourier.example"),
    ("Northern Ledger", "northernledger.example"),
    ("The Evening Sentinel", "eveningsentinel.example"),
    ("Coastline Post", "coastlinepost.example"),
    ("Valley Tribune", "valleytribune.example"),
    ("Market Wire Daily", "marketwiredaily.example"),
    ("The Capital Record", "capitalrecord.example"),
    ("Riverside Herald", "riversideherald.example"),
    ("Eastern Chronicle", "easternchronicle.example"),
    ("Commodity Brief", "commoditybrief.example"),
    ("The Morning Dispatch", "morningdispatch.example"),
]
_FIRST = "Anna Ben Carla Dev Elena Farid Grace Hugo Ines Jonas Kira Liam Mona Nils Olga Pavel Rosa Sami Tara Yuri".split()
_LAST = "Berg Costa Dahl Evans Fischer Garcia Hale Ito Jansen Kowalski Lund Moreau Novak Ortiz Price Quinn Reyes Sato".split()
_CITIES = (
    "LONDON|NEW YORK|TOKYO|CHICAGO|WASHINGTON|FRANKFURT|SYDNEY|PARIS|ZURICH|TORONTO|SINGAPORE|BRUSSELS".split(
        "|"
    )
)
_MONTH_NAMES = "Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec".split("|")


def swap_quotes(text: str) -> str:
    """Straight quotes become curly ones, or curly ones straight when the text already has them."""
    if any(c in text for c in "“”‘’"):
        return text.translate(str.maketrans("“”‘’", "\"\"''"))
    out: list[str] = []
    opened = False
    for i, c in enumerate(text):
        if c == '"':
            out.append("”" if opened else "“")
            opened = not opened
        elif c == "'":
            before = text[i - 1] if i else " "
            out.append("’" if before.isalnum() or before in ".,!?" else "‘")
        else:
            out.append(c)
    return "".join(out)


def change_word(sentence: str, rng: random.Random) -> str:
    """One word changed: a synonym from the table when the sentence has one, else a plausible adjective."""
    hits = list(_SYN_RE.finditer(sentence))
    if hits:
        m = rng.choice(hits)
        return sentence[: m.start()] + SYNONYMS[m.group(0)] + sentence[m.end() :]
    spots = [m for m in re.finditer(r"\b[a-z]{5,}\b", sentence) if m.start() > 0]
    if not spots:
        return sentence
    m = rng.choice(spots)
    return sentence[: m.start()] + rng.choice(_FILLER_WORDS) + sentence[m.end() :]


def drop_one(paras: Paragraphs, rng: random.Random) -> Paragraphs:
    """Without one paragraph (not the first) when there are three or more, else one sentence (not the first)."""
    if len(paras) >= 3:
        k = rng.randrange(1, len(paras))
        return paras[:k] + paras[k + 1 :]
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    if len(flat) < 3:
        return paras
    i, j = rng.choice(flat[1:])
    out = [list(p) for p in paras]
    del out[i][j]
    return [p for p in out if p]


def header(outlet: str, date: datetime, rng: random.Random) -> str:
    """A new first line: a byline, or a dateline (ending in " -", to be put before the first sentence).

    Kept short: every header is text shared with other articles of the same outlet, as in real pages.
    """
    if rng.random() < 0.5:
        return f"By {rng.choice(_FIRST)} {rng.choice(_LAST)}, {outlet}"
    return f"{rng.choice(_CITIES)}, {_MONTH_NAMES[date.month - 1]} {date.day} ({outlet}) -"


def light(paras: Paragraphs, rng: random.Random) -> Paragraphs:
    """Light edit: about one sentence in five gets one word changed, one paragraph or sentence is dropped,
    quotes are swapped (curly <-> straight). The caller adds the new header line."""
    edited = [[change_word(s, rng) if rng.random() < 0.2 else s for s in p] for p in paras]
    return [[swap_quotes(s) for s in p] for p in drop_one(edited, rng)]


def paraphrase(sentence: str, rng: random.Random) -> str:
    """Rule-based paraphrase: number formatting, "X said" <-> "said X" (or else clause order), then synonym
    swaps (each table word with probability 0.7)."""
    s = _THOUSANDS.sub(r"\1\2", sentence)
    for rule in (_said_swap, _clause_swap):
        changed = rule(s)
        if changed != s:
            s = changed
            break
    return _SYN_RE.sub(lambda m: SYNONYMS[m.group(0)] if rng.random() < 0.7 else m.group(0), s)


def _said_swap(s: str) -> str:
    if m := _LEAD_SAID.match(s):
        rest = m.group("rest").rstrip(".")
        return f"{rest[:1].upper()}{rest[1:]}, {m.group('subj').strip()} said."
    if m := _TAIL_SAID.match(s):
        rest = m.group("rest")
        return f"{m.group('subj')[:1].upper()}{m.group('subj')[1:]} said {rest[:1].lower()}{rest[1:]}."
    if m := _SAID_TAIL.search(s):
        return s[: m.start()] + f", {m.group('subj')} said."
    return s


def _clause_swap(s: str) -> str:
    m = _CLAUSES.match(s)
    if not m or len(m.group("a").split()) < 4 or len(m.group("b").split()) < 4:
        return s
    b = m.group("b")
    return f"{b[:1].upper()}{b[1:]}, {m.group('a')}."


def heavy(paras: Paragraphs, rng: random.Random) -> Paragraphs:
    """Heavy edit: about half the words cut (whole sentences), the rest paraphrased and reordered,
    regrouped in paragraphs of one to three sentences."""
    sents = [s for p in paras for s in p]
    total = sum(len(s.split()) for s in sents)
    kept: list[int] = []
    words = 0
    for i in rng.sample(range(len(sents)), len(sents)):
        if kept and words >= total / 2:
            break
        kept.append(i)
        words += len(sents[i].split())
    chosen = [paraphrase(sents[i], rng) for i in sorted(kept)]
    first = chosen[:1] if rng.random() < 0.5 else []
    rest = chosen[len(first) :]
    rng.shuffle(rest)
    return regroup(first + rest, rng)


def regroup(sentences: list[str], rng: random.Random) -> Paragraphs:
    """Sentences grouped into paragraphs of one to three."""
    out: Paragraphs = []
    i = 0
    while i < len(sentences):
        k = rng.randint(1, 3)
        out.append(sentences[i : i + k])
        i += k
    return out
