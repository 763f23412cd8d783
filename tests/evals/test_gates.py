"""Gates: baseline regressions per metric with their tolerances, routing thresholds."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from evals.gates import compare, evaluate_gates
from evals.suite import RoutingThresholds, Suite
from tests.evals.records import case, run, turn

BASE_METRICS: dict[str, Any] = {
    "task_success": 0.9, "pass_hat_k": 0.9, "routing": {"accuracy": 0.92, "macro_f1": 0.9},
    "deflection_rate": 0.6, "handoff": {"precision": 0.8, "recall": None},
    "grounding": {"rate": 1.0}, "identity_safety": {"rate": 1.0},
    "latency_ms": {"p50": 40.0, "p95": 100.0}, "model_calls_per_turn": 1.5,
    "tokens_per_turn": 400.0,
}


def report(metrics: dict[str, Any], cases: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"metrics": metrics, "cases": cases or [], "run": {"brain": "offline"},
            "routing": []}


def changed(path: str, value: Any) -> dict[str, Any]:
    metrics = copy.deepcopy(BASE_METRICS)
    *parents, leaf = path.split(".")
    holder = metrics
    for key in parents:
        holder = holder[key]
    holder[leaf] = value
    return metrics


def test_an_identical_or_better_run_does_not_regress() -> None:
    better = changed("routing.macro_f1", 0.95)
    better["latency_ms"] = {"p50": 20.0, "p95": 50.0}
    for metrics in (BASE_METRICS, better):
        result = compare(report(metrics), report(BASE_METRICS))
        assert result["regressions"] == []
        assert {row["metric"] for row in result["compared"]} >= {"routing.macro_f1",
                                                                 "latency_ms.p95"}


@pytest.mark.parametrize(("metric", "within", "beyond"), [
    ("task_success", 0.896, 0.894),
    ("routing.accuracy", 0.916, 0.914),
    ("routing.macro_f1", 0.8951, 0.8949),
    ("grounding.rate", 0.995, 0.994),
    ("identity_safety.rate", 1.0, 0.999),
    ("latency_ms.p95", 130.0, 130.1),   # 100 * 1.25 + 5
    ("latency_ms.p50", 55.0, 55.1),     # 40 * 1.25 + 5
    ("model_calls_per_turn", 1.55, 1.56),
    ("tokens_per_turn", 445.0, 445.1),  # 400 * 1.10 + 5
])
def test_each_metric_regresses_only_beyond_its_tolerance(metric: str, within: float,
                                                         beyond: float) -> None:
    assert compare(report(changed(metric, within)), report(BASE_METRICS))["regressions"] == []
    regressions = compare(report(changed(metric, beyond)), report(BASE_METRICS))["regressions"]
    assert len(regressions) == 1 and regressions[0].startswith(f"regression: {metric} ")


def test_a_metric_missing_on_either_side_is_not_compared() -> None:
    result = compare(report(changed("handoff.recall", 0.1)), report(BASE_METRICS))
    assert "handoff.recall" not in {row["metric"] for row in result["compared"]}
    assert result["regressions"] == []


def test_newly_failing_cases_are_listed_and_fail_the_gate() -> None:
    before = report(BASE_METRICS, [case("s/a", run(turn())), case("s/b", run(turn()))])
    now = report(BASE_METRICS, [case("s/a", run(turn(passed=False))), case("s/b", run(turn()))])
    gates = evaluate_gates(now, [], before)
    assert gates["baseline"]["newly_failing"] == ["s/a"]
    assert gates["failures"] == ["case failed: s/a"] and not gates["passed"]


def routing_report(predictions: list[tuple[str, str]]) -> dict[str, Any]:
    records = [{"suite": "lines", "expected_skill": e, "predicted_skill": p}
               for e, p in predictions]
    return {"metrics": {}, "cases": [], "routing": records}


@pytest.mark.parametrize(("min_accuracy", "min_macro_f1", "passed"), [
    (0.75, 0.73, True), (0.76, None, False), (None, 0.74, False), (None, None, True)])
def test_routing_thresholds_gate(tmp_path: Path, min_accuracy: float | None,
                                 min_macro_f1: float | None, passed: bool) -> None:
    # accuracy 3/4; F1: faq P 1/1 R 1/2 -> 2/3, returns P 2/3 R 1 -> 4/5; macro 11/15
    thresholds = RoutingThresholds(tmp_path / "thresholds.json", min_accuracy, min_macro_f1)
    suite = Suite(name="lines", kind="routing", path=tmp_path / "lines.jsonl",
                  thresholds=thresholds)
    predictions = [("faq", "faq"), ("faq", "returns"), ("returns", "returns"),
                   ("returns", "returns")]
    gates = evaluate_gates(routing_report(predictions), [suite], None)
    [gate] = gates["routing_thresholds"]
    assert gate["accuracy"] == 0.75 and gate["macro_f1"] == pytest.approx(0.7333, abs=1e-4)
    assert gate["passed"] is passed and gates["passed"] is passed
    if not passed:
        assert gates["failures"][0].startswith("routing below threshold")
