"""Metric arithmetic on hand-made records: pass^k, macro-F1, handoff, deflection, cost."""

from __future__ import annotations

import pytest

from evals.metrics import classification, compute_metrics, percentile
from tests.evals.records import case, run, turn


def test_macro_f1_matches_a_hand_computed_confusion() -> None:
    pairs = [("A", "A"), ("A", "A"), ("A", "B"), ("B", "B"), ("B", "A"), ("C", "C"),
             ("C", None)]
    scores = classification(pairs)
    assert scores is not None
    # A: P 2/3 R 2/3 F1 2/3 · B: P 1/2 R 1/2 F1 1/2 · C: P 1/1 R 1/2 F1 2/3
    assert scores["accuracy"] == pytest.approx(4 / 7, abs=1e-4)
    assert scores["macro_f1"] == pytest.approx(11 / 18, abs=1e-4)
    assert scores["per_label"]["C"] == {"precision": 1.0, "recall": 0.5,
                                        "f1": pytest.approx(2 / 3, abs=1e-4), "support": 2}
    assert scores["confusion"] == {"A": {"A": 2, "B": 1}, "B": {"A": 1, "B": 1},
                                   "C": {"(none)": 1, "C": 1}}
    assert classification([]) is None


def test_pass_hat_k_needs_every_run_of_a_case_to_pass() -> None:
    ok, bad = turn(), turn(passed=False)
    cases = [case("s/mixed", run(ok), run(ok, attempt=2), run(bad, attempt=3)),
             case("s/always", run(ok), run(ok, attempt=2), run(ok, attempt=3)),
             case("s/never", run(bad), run(bad, attempt=2), run(bad, attempt=3))]
    metrics = compute_metrics(cases, [], k=3)
    assert metrics["pass_hat_k"] == pytest.approx(1 / 3, abs=1e-4)
    assert metrics["task_success"] == pytest.approx(5 / 9, abs=1e-4)
    assert (metrics["cases"], metrics["runs"], metrics["turns"]) == (3, 9, 9)


def test_handoff_precision_recall_and_deflection() -> None:
    notice = {"reason": "legal", "ticket_id": "T-1"}
    cases = [
        case("h/expected-and-done", run(turn(status="handoff", handoff=notice,
                                             expect={"status": "handoff"}))),
        case("h/expected-missed", run(turn(expect={"handoff": True}))),
        case("h/unexpected", run(turn(status="handoff", handoff=notice))),
        case("h/resolved", run(turn(), turn(status="resolved"))),
        case("h/left-awaiting", run(turn(status="awaiting"))),
        case("h/errored", run(turn(), error="boom")),
    ]
    metrics = compute_metrics(cases, [], k=1)
    assert metrics["handoff"] == {"precision": 0.5, "recall": 0.5, "true_positives": 1,
                                  "false_positives": 1, "false_negatives": 1}
    # deflected: expected-missed and resolved (no handoff, last resolved, no error)
    assert metrics["deflection_rate"] == pytest.approx(2 / 6, abs=1e-4)


def test_routing_counts_lines_and_turns_with_a_skill_expectation() -> None:
    cases = [case("r/a", run(turn(expect={"skill": "returns"}, observed_skill="faq"),
                             turn(expect={"status": "resolved"})))]
    lines = [{"suite": "lines", "id": "1", "text": "x", "expected_skill": "faq",
              "predicted_skill": "faq", "confidence": 1.0, "correct": True, "error": None,
              "latency_ms": 5.0, "model_calls": [], "model_call_count": 0,
              "prompt_tokens": 0, "completion_tokens": 0}]
    metrics = compute_metrics(cases, lines, k=1)
    assert metrics["routing"]["n"] == 2 and metrics["routing"]["accuracy"] == 0.5
    assert metrics["routing_lines_only"]["accuracy"] == 1.0
    assert metrics["routing_turns_only"]["confusion"] == {"returns": {"faq": 1}}


def test_cost_grounding_and_safety() -> None:
    cases = [case("c/a", run(turn(latency_ms=10, calls=2, tokens=(100, 20), grounded=True),
                             turn(latency_ms=20, calls=1, tokens=(50, 10), grounded=False),
                             turn(latency_ms=30, grounded=None))),
             case("c/b", run(turn(latency_ms=40, safe=False)))]
    metrics = compute_metrics(cases, [], k=1)
    assert metrics["latency_ms"] == {"p50": 25.0, "p95": 38.5, "max": 40.0, "n": 4}
    assert metrics["model_calls_per_turn"] == 0.75 and metrics["max_model_calls_per_turn"] == 2
    assert metrics["tokens_per_turn"] == 45.0
    assert (metrics["prompt_tokens"], metrics["completion_tokens"]) == (150, 30)
    assert metrics["grounding"] == {"rate": 0.5, "turns_with_policy": 2, "grounded_turns": 1}
    assert metrics["identity_safety"] == {"rate": 0.5, "violating_turns": 1}


def test_pass_rates_per_channel_and_skill() -> None:
    ok, bad = turn(), turn(passed=False)
    cases = [case("p/1", run(ok), channel="sms", skills=["returns", "faq"]),
             case("p/2", run(bad), channel="sms", skills=["returns"]),
             case("p/3", run(ok), channel="email")]
    metrics = compute_metrics(cases, [], k=1)
    assert metrics["by_channel"]["sms"] == {"cases": 2, "passed": 1, "rate": 0.5}
    assert metrics["by_skill"]["returns"]["rate"] == 0.5
    assert metrics["by_skill"]["faq"]["rate"] == 1.0
    assert metrics["by_skill"]["(none)"] == {"cases": 1, "passed": 1, "rate": 1.0}


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([], 50, None), ([7.0], 95, 7.0), ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
    ([1.0, 2.0, 3.0, 4.0, 5.0], 95, 4.8)])
def test_percentile_interpolates(values: list[float], q: float, expected: float | None) -> None:
    assert percentile(values, q) == expected
