"""An inline SVG histogram (no script, no external file) for report.html."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, MARGIN = 640, 220, 40
MAX_BINS = 24


def bins(values: Sequence[float], count: int = MAX_BINS) -> list[tuple[float, float, int]]:
    """``(low, high, n)`` for equal-width bins from the minimum to the 99th percentile; the
    last bin also counts everything above it, so one slow outlier does not flatten the rest
    (empty for no values)."""
    if not values:
        return []
    ordered = sorted(values)
    low, high = ordered[0], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    count = max(1, min(count, len(values)))
    width = (high - low) / count or 1.0
    counts = [0] * count
    for value in values:
        counts[min(int((value - low) / width), count - 1)] += 1
    return [(low + i * width, low + (i + 1) * width, n) for i, n in enumerate(counts)]


def histogram_svg(values: Sequence[float], unit: str, title: str) -> str:
    """An accessible SVG bar chart of ``values``' distribution."""
    rows = bins(values)
    if not rows:
        return "<p>No turns were taken.</p>"
    above = sum(1 for v in values if v > rows[-1][1])
    if above:
        title = f"{title} (the last bar includes {above} above {_label(rows[-1][1])} {unit})"
    tallest = max(n for _, _, n in rows)
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    bar_w = plot_w / len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
             f'y2="{HEIGHT - MARGIN}" stroke="#555"/>']
    for i, (low, high, n) in enumerate(rows):
        h = plot_h * n / tallest
        x, y = MARGIN + i * bar_w, HEIGHT - MARGIN - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="#4a78a8"><title>{low:.1f}–{high:.1f} {unit}: '
                     f"{n}</title></rect>")
    ticks = {0: rows[0][0], len(rows) // 2: rows[len(rows) // 2][0], len(rows): rows[-1][1]}
    for i, value in ticks.items():
        parts.append(f'<text x="{MARGIN + i * bar_w:.1f}" y="{HEIGHT - MARGIN + 16}" '
                     f'font-size="11" text-anchor="middle">{_label(value)} {escape(unit)}'
                     "</text>")
    parts.append(f'<text x="{MARGIN - 6}" y="{MARGIN + 4}" font-size="11" '
                 f'text-anchor="end">{tallest}</text></svg>')
    return "".join(parts)


def _label(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or math.isclose(value, round(value)) else f"{value:.1f}"
