"""Speed of `compare` on two articles (given, or generated and related by known edits)."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

from copydesk.engine.compare import compare
from copydesk.io.textfile import read_text_file
from copydesk.model import Article

_VOCAB = (
    "minister government police court city officials said report attack drone election vote president "
    "council talks war region village market prices bank shares company workers union strike hospital "
    "school water power energy storm flood fire border army troops ceasefire statement agency spokesman "
    "investigation judge trial evidence witness crowd protest capital northern southern eastern western "
    "coast island bridge road rail airport budget tax inflation growth exports oil gas coal farmers crop"
).split()
_GLUE = "the a of in on at to for with by from and as that which while after before".split()


def _sentence(rng: random.Random) -> str:
    n = rng.randint(12, 30)
    words = [rng.choice(_VOCAB) if rng.random() < 0.6 else rng.choice(_GLUE) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def related_pair(words: int = 1000, *, seed: int = 0) -> tuple[str, str]:
    """Two articles of about ``words`` words: B is A with sentences edited, dropped, moved and added."""
    rng = random.Random(seed)
    a: list[str] = []
    while sum(len(s.split()) for s in a) < words:
        a.append(_sentence(rng))
    b: list[str] = []
    for s in a:
        r = rng.random()
        if r < 0.1:
            continue  # dropped
        if r < 0.3:
            w = s.split()
            w[rng.randrange(len(w))] = rng.choice(_VOCAB)
            s = " ".join(w)
        b.append(s)
        if rng.random() < 0.1:
            b.append(_sentence(rng))  # added
    if len(b) > 4:
        b.insert(1, b.pop(len(b) // 2))  # moved
    return "\n\n".join(a), "\n\n".join(b)


def compare_speed(a: Path | None, b: Path | None, *, words: int = 1000, repeat: int = 50) -> dict[str, Any]:
    """Time `compare` ``repeat`` times after one warm-up run; milliseconds per call."""
    if a is not None and b is not None:
        left: Article | str = read_text_file(a)
        right: Article | str = read_text_file(b)
        source = f"{a} vs {b}"
    else:
        left, right = related_pair(words)
        source = f"generated related pair, about {words} words each"
    compare(left, right)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = compare(left, right)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "input": source,
        "words": [result.a.words, result.b.words],
        "runs": repeat,
        "ms_mean": round(statistics.fmean(times), 2),
        "ms_p50": round(times[len(times) // 2], 2),
        "ms_p95": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        "ms_min": round(times[0], 2),
    }
