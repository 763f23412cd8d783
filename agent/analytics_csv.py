"""The analytics report as CSV: one row per number, ``section,name,metric,value``.

A long format keeps every number in one file that spreadsheets read as is: the summary,
handoff reasons, per skill, per channel, topics and the daily series. Rates are fractions
(0.25), times are seconds, empty means "no data". Cells that a spreadsheet would take for
a formula are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from agent.analytics import Report, Timing

HEADER = ("section", "name", "metric", "value")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _timing_rows(name: str, timing: Timing) -> Iterator[tuple[object, ...]]:
    yield ("response", name, "measured", timing.measured)
    yield ("response", name, "answered", timing.answered)
    yield ("response", name, "p50_seconds", timing.p50)
    yield ("response", name, "p95_seconds", timing.p95)
    yield ("response", name, "within_target_share", timing.within_target)


def report_rows(report: Report) -> Iterator[tuple[object, ...]]:
    """Every number of the report as (section, name, metric, value)."""
    period = report.period
    yield ("range", "", "start", period.start.isoformat())
    yield ("range", "", "end", period.end.isoformat())
    yield ("range", "", "timezone", period.timezone)
    yield ("summary", "", "conversations", report.conversations)
    yield ("summary", "", "automated_resolutions", report.automated)
    yield ("summary", "", "deflection_rate", report.deflection_rate)
    yield ("summary", "", "handed_off", report.handed_off)
    yield ("summary", "", "handoff_rate", report.handoff_rate)
    yield ("summary", "", "response_target_minutes", report.target_minutes)
    yield ("summary", "", "rated", report.rated)
    yield ("summary", "", "csat", report.csat)
    yield ("summary", "", "mean_rating", report.mean_rating)
    yield from _timing_rows("first_response", report.first_response)
    yield from _timing_rows("teammate_first_response", report.teammate_response)
    for reason, count in report.reasons:
        yield ("handoff_reason", reason, "tickets", count)
    for skill in report.skills:
        yield ("skill", skill.name, "conversations", skill.conversations)
        yield ("skill", skill.name, "turns", skill.turns)
        yield ("skill", skill.name, "resolved_turns", skill.resolved)
        yield ("skill", skill.name, "handoff_turns", skill.handoffs)
    for channel in report.channels:
        yield ("channel", channel.name, "conversations", channel.conversations)
        yield ("channel", channel.name, "automated_resolutions", channel.resolved)
        yield ("channel", channel.name, "handed_off", channel.handoffs)
    for topic, count in report.topics:
        yield ("topic", topic, "conversations", count)
    for day, started, handed in report.daily:
        yield ("daily", day.isoformat(), "conversations", started)
        yield ("daily", day.isoformat(), "handed_off", handed)


def report_csv(report: Report) -> str:
    """The report as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in report_rows(report):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
