"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable without colour.

Every label and title is escaped before it goes into the markup, so a topic or handoff
reason named ``<script>`` shows as text. The functions return ``Markup`` that templates
insert as is; nothing else in it comes from data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from markupsafe import Markup, escape

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 190
VALUE_WIDTH = 70
CHART_WIDTH = 620
COLUMN_AREA_HEIGHT = 160
MAX_LABEL_CHARS = 30


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"


def _count(value: float) -> str:
    return f"{value:g}"


def bar_chart(title: str, items: Sequence[tuple[str, float]],
              value_label: Callable[[float], str] = _count) -> Markup:
    """Horizontal bars, one per (label, value), longest bar = largest value."""
    if not items:
        return Markup('<p class="muted">No data in this range.</p>')
    top = max(value for _, value in items) or 1
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    rows = []
    for index, (label, value) in enumerate(items):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(1.0, bar_space * value / top) if value else 0.0
        rows.append(
            f'<g><title>{escape(label)}: {escape(value_label(value))}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" '
            f'class="chart-label">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'class="chart-bar" rx="3"></rect>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" '
            f'class="chart-value">{escape(value_label(value))}</text></g>')
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}">'
        f'<title>{escape(title)}</title>{"".join(rows)}</svg>')


def daily_chart(title: str, days: Sequence[tuple[date, int, int]]) -> Markup:
    """Columns per day: all conversations, with the handed-off part drawn darker."""
    if not days:
        return Markup('<p class="muted">No data in this range.</p>')
    top = max(total for _, total, _ in days) or 1
    step = CHART_WIDTH / len(days)
    width = max(1.0, step * 0.8)
    columns = []
    for index, (day, total, handed) in enumerate(days):
        x = index * step + (step - width) / 2
        tall = COLUMN_AREA_HEIGHT * total / top
        handed_tall = COLUMN_AREA_HEIGHT * handed / top
        label = f"{day.isoformat()}: {total} conversations, {handed} handed off"
        columns.append(
            f'<g><title>{escape(label)}</title>'
            f'<rect x="{x:.1f}" y="{COLUMN_AREA_HEIGHT - tall:.1f}" width="{width:.1f}" '
            f'height="{tall:.1f}" class="chart-bar"></rect>'
            f'<rect x="{x:.1f}" y="{COLUMN_AREA_HEIGHT - handed_tall:.1f}" '
            f'width="{width:.1f}" height="{handed_tall:.1f}" class="chart-bar-alt"></rect>'
            f'</g>')
    first, last = days[0][0].isoformat(), days[-1][0].isoformat()
    height = COLUMN_AREA_HEIGHT + 24
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{escape(title)}">'
        f'<title>{escape(title)}</title>{"".join(columns)}'
        f'<line x1="0" y1="{COLUMN_AREA_HEIGHT}" x2="{CHART_WIDTH}" y2="{COLUMN_AREA_HEIGHT}" '
        f'class="chart-axis"></line>'
        f'<text x="0" y="{height - 6}" class="chart-label">{escape(first)}</text>'
        f'<text x="{CHART_WIDTH}" y="{height - 6}" text-anchor="end" '
        f'class="chart-label">{escape(last)}</text></svg>')


def percent(value: float) -> str:
    """A fraction as a whole percentage: ``0.256`` -> ``26%``."""
    return f"{value * 100:.0f}%"
