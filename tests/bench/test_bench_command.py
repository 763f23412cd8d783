"""``customer-agent bench --quick --json``: every figure of issue #9 is measured, with its
unit, a baseline from the same run, a consistent ratio, and the issue's targets.

Not a timing test: the quick run's figures are rough, only their presence and
consistency are checked."""

from __future__ import annotations

import contextlib
import io
import json
import math
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from agent.cli import main
from evals.bench.postgres import POSTGRES_URL

SKILLS = ("faq", "order_status", "order_editing", "returns", "handoff", "all")
PERCENTILES = ("p50", "p95", "p99")
EXPECTED_UNITS: dict[str, str] = {
    **{f"turn.{where}.{skill}.{p}": "ms" for where in ("in_process", "http")
       for skill in SKILLS for p in PERCENTILES},
    "throughput.c1": "turns/s", "throughput.c8": "turns/s", "throughput.c32": "turns/s",
    "throughput.c8.workers2": "turns/s", "throughput.c32.workers2": "turns/s",
    "throughput.server_cpu_per_turn": "ms",
    "turn.http.c8.p95": "ms", "turn.http.c8.p95.workers2": "ms",
    "cold_start.first_answer": "s", "cold_start.build_runtime": "s",
    "cold_start.first_foreign_turn": "s",
    "memory.peak_rss": "MB", "memory.server_peak_rss": "MB", "memory.server_workers2": "MB",
    "checkpoint.bytes_per_turn": "B/turn", "checkpoint.linearity_r2": "R²",
    "checkpoint.growth_late_over_early": "x",
    "kb.search.p50": "ms", "kb.search.p95": "ms", "kb.recall_at_5": "share",
    "turn.postgresql.p50": "ms", "turn.postgresql.p95": "ms",
    "twilio.ack.p50": "ms", "twilio.ack.p99": "ms",
}
ISSUE_TARGETS: dict[str, dict[str, float]] = {
    **{f"turn.in_process.{skill}.p50": {"max": 30.0} for skill in SKILLS},
    **{f"turn.in_process.{skill}.p95": {"max": 100.0} for skill in SKILLS},
    "turn.http.c8.p95": {"max": 150.0}, "throughput.c8": {"min": 50.0},
    "throughput.c32": {"min": 50.0}, "throughput.c8.workers2": {"min": 50.0},
    "throughput.c32.workers2": {"min": 50.0}, "turn.http.c8.p95.workers2": {"max": 150.0},
    "cold_start.first_answer": {"max": 8.0}, "memory.peak_rss": {"max": 800.0},
    "memory.server_peak_rss": {"max": 800.0}, "memory.server_workers2": {"max": 800.0},
    "twilio.ack.p99": {"max": 200.0},
    "checkpoint.linearity_r2": {"min": 0.99},
    "checkpoint.growth_late_over_early": {"max": 1.25},
    "turn.postgresql.p50": {"max": 30.0}, "turn.postgresql.p95": {"max": 100.0},
}


def postgres_reachable() -> bool:
    """Whether the PostgreSQL server the bench compares with answers."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError):
        return False
    return True


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    """One quick bench run: its exit status, its JSON report and what it printed."""
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["bench", "--quick", "--json", str(path)])
    return status, json.loads(path.read_text()), printed.getvalue()


def figures_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {figure["name"]: figure for figure in report["figures"]}


def test_the_quick_bench_exits_0_and_prints_every_figure(
        quick_bench: tuple[int, dict[str, Any], str]) -> None:
    status, report, printed = quick_bench
    assert status == 0
    assert report["quick"] is True
    for name in EXPECTED_UNITS:
        assert name in printed


def test_every_figure_is_present_with_its_unit(
        quick_bench: tuple[int, dict[str, Any], str]) -> None:
    figures = figures_of(quick_bench[1])
    assert set(EXPECTED_UNITS) <= set(figures)
    assert {name: figures[name]["unit"] for name in EXPECTED_UNITS} == EXPECTED_UNITS


def test_every_figure_is_a_number_except_postgresql_when_it_is_unreachable(
        quick_bench: tuple[int, dict[str, Any], str]) -> None:
    figures = figures_of(quick_bench[1])
    postgres = postgres_reachable()
    for name, figure in figures.items():
        if name.startswith("turn.postgresql.") and not postgres:
            assert figure["value"] is None and figure["note"].startswith("skipped: ")
            continue
        for key in ("value", "baseline"):
            assert isinstance(figure[key], int | float), (name, key, figure)
            assert math.isfinite(figure[key]) and figure[key] >= 0, (name, key, figure)
        assert figure["baseline_of"], name


def test_ratios_are_value_over_baseline(
        quick_bench: tuple[int, dict[str, Any], str]) -> None:
    for figure in quick_bench[1]["figures"]:
        if figure["value"] is None:
            assert figure["ratio"] is None
        elif figure["baseline"]:
            assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"],
                                                    rel=1e-3, abs=1e-4), figure["name"]


def test_the_issue_targets_are_attached_and_judged(
        quick_bench: tuple[int, dict[str, Any], str]) -> None:
    report = quick_bench[1]
    figures = figures_of(report)
    assert {name: figures[name]["target"] for name in ISSUE_TARGETS} == ISSUE_TARGETS
    for figure in report["figures"]:
        if figure["target"] is None or figure["value"] is None:
            assert figure["met"] is None, figure["name"]
            continue
        ((kind, limit),) = figure["target"].items()
        met = figure["value"] <= limit if kind == "max" else figure["value"] >= limit
        assert figure["met"] is met, figure["name"]
    missed = [f["name"] for f in report["figures"] if f["met"] is False]
    assert report["targets"]["missed"] == missed


def test_shares_and_fits_are_in_range(quick_bench: tuple[int, dict[str, Any], str]) -> None:
    figures = figures_of(quick_bench[1])
    for name in ("kb.recall_at_5", "checkpoint.linearity_r2"):
        assert 0.0 <= figures[name]["value"] <= 1.0
        assert 0.0 <= figures[name]["baseline"] <= 1.0
    assert figures["checkpoint.bytes_per_turn"]["value"] > 0
