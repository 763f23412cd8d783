"""Server-side SVG charts: labels escaped, bars proportional, empty data said in words."""

from __future__ import annotations

import re
from datetime import date
from xml.etree import ElementTree

from preview.charts import CHART_WIDTH, LABEL_WIDTH, VALUE_WIDTH, bar_chart, daily_chart, percent


def bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)"', svg)]


def test_labels_are_escaped_and_the_svg_is_well_formed() -> None:
    svg = str(bar_chart('Reasons "quoted"', [("<script>alert(1)</script>", 3),
                                             ("a & b", 1)]))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "a &amp; b" in svg
    assert 'aria-label="Reasons &#34;quoted&#34;"' in svg
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")


def test_bars_are_proportional_to_the_largest_value() -> None:
    svg = str(bar_chart("Topics", [("Returns", 4), ("Shipping", 2), ("None", 0)]))
    space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert bar_widths(svg) == [float(space), space / 2, 0.0]


def test_the_daily_chart_has_a_column_per_day_and_escaped_titles() -> None:
    days = [(date(2026, 11, 1), 4, 1), (date(2026, 11, 2), 0, 0), (date(2026, 11, 3), 2, 2)]
    svg = str(daily_chart("Per day <b>", days))
    assert svg.count("<g>") == 3
    assert "2026-11-01: 4 conversations, 1 handed off" in svg
    assert "Per day &lt;b&gt;" in svg
    ElementTree.fromstring(svg)


def test_no_data_is_said_in_words() -> None:
    assert "No data in this range" in str(bar_chart("Topics", []))
    assert "No data in this range" in str(daily_chart("Per day", []))
    assert percent(0.256) == "26%"
