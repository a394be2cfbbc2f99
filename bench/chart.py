"""Draw ingest throughput and find latency against corpus size from `corpus_bench.py --out` files, as SVG.

Usage::

    python bench/chart.py RESULTS.json [RESULTS.json ...] --out docs/bench.svg

No plotting library: two small log-x panels written as plain SVG, one line per engine.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

COLORS = {
    "copydesk": "#0072B2",
    "copydesk, --limit 20": "#56B4E9",
    "rensa": "#E69F00",
    "datasketch": "#009E73",
}


def _panel(x0: int, title: str, series: dict[str, list[tuple[float, float]]], unit: str) -> list[str]:
    w, h, pad = 380, 240, 48
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
    lx1 = lx1 if lx1 > lx0 else lx0 + 1
    top = max(ys) * 1.1 or 1.0

    def px(x: float) -> float:
        return x0 + pad + (math.log10(x) - lx0) / (lx1 - lx0) * (w - 2 * pad)

    def py(y: float) -> float:
        return 30 + (h - pad) * (1 - y / top)

    out = [f'<text x="{x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>']
    out.append(f'<line x1="{x0 + pad}" y1="{py(0)}" x2="{x0 + w - pad}" y2="{py(0)}" stroke="#888"/>')
    out.append(f'<line x1="{x0 + pad}" y1="{py(0)}" x2="{x0 + pad}" y2="{py(top)}" stroke="#888"/>')
    for k in range(5):
        y = top * k / 4
        out.append(
            f'<text x="{x0 + pad - 4}" y="{py(y) + 4}" text-anchor="end" font-size="10">{y:,.0f}</text>'
        )
    for x in sorted(set(xs)):
        out.append(f'<text x="{px(x)}" y="{py(0) + 14}" text-anchor="middle" font-size="10">{x:,.0f}</text>')
    out.append(
        f'<text x="{x0 + w / 2}" y="{py(0) + 30}" text-anchor="middle" font-size="11">articles in the corpus</text>'
    )
    out.append(f'<text x="{x0 + 10}" y="{py(top) - 8}" font-size="11">{unit}</text>')
    for name, pts in series.items():
        pts = sorted(pts)
        color = COLORS.get(name, "#444")
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
    return out


def chart(results: list[dict[str, Any]]) -> str:
    ingest: dict[str, list[tuple[float, float]]] = {}
    latency: dict[str, list[tuple[float, float]]] = {}
    for r in results:
        ingest.setdefault(r["engine"], []).append((r["articles"], r["ingest"]["articles_per_s"]))
        latency.setdefault(r["engine"], []).append((r["articles"], r["query"]["p50_ms"]))
        if "p50_ms_limit20" in r["query"]:
            latency.setdefault(f"{r['engine']}, --limit 20", []).append(
                (r["articles"], r["query"]["p50_ms_limit20"])
            )
    body = _panel(0, "Ingest, end to end", ingest, "articles/s")
    body += _panel(400, "find / query p50 (copydesk verifies every hit)", latency, "ms")
    legend = [
        f'<rect x="{20 + 170 * i}" y="292" width="12" height="12" fill="{COLORS.get(n, "#444")}"/>'
        f'<text x="{36 + 170 * i}" y="303" font-size="12">{n}</text>'
        for i, n in enumerate(sorted(latency))
    ]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="315" font-family="sans-serif" font-size="12">'
        + "".join(body + legend)
        + "</svg>\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = [r for p in args.results for r in json.loads(p.read_text(encoding="utf-8"))]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(chart(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
