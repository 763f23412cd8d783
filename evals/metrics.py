"""The run's metrics, computed from case and routing records (definitions in evals/README.md).

Every rate is over runs (a case run k times counts k times) unless it says otherwise;
``pass_hat_k`` is per case: the share of cases whose k runs all passed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from evals.attacks import attack_success

NO_SKILL = "(none)"


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def percentile(values: Sequence[float], q: float, digits: int = 2) -> float | None:
    """The ``q``-th percentile with linear interpolation (numpy's default), rounded to
    ``digits`` decimals; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), digits)


def classification(pairs: Sequence[tuple[str, str | None]]) -> dict[str, Any] | None:
    """Accuracy, macro-F1, per-label scores and the confusion matrix of (expected, predicted).

    Macro-F1 is the unweighted mean F1 over the *expected* labels; a prediction outside
    them still counts against the recall of the label it should have been.
    """
    if not pairs:
        return None
    matrix: dict[str, Counter[str]] = {}
    for expected, predicted in pairs:
        matrix.setdefault(expected, Counter())[predicted or NO_SKILL] += 1
    predicted_totals: Counter[str] = Counter(p or NO_SKILL for _, p in pairs)
    per_label = {}
    for label in sorted(matrix):
        hits, support = matrix[label][label], sum(matrix[label].values())
        precision = hits / predicted_totals[label] if predicted_totals[label] else 0.0
        recall = hits / support
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "support": support}
    correct = sum(1 for e, p in pairs if e == p)
    return {"n": len(pairs), "accuracy": ratio(correct, len(pairs)),
            "macro_f1": round(sum(s["f1"] for s in per_label.values()) / len(per_label), 4),
            "per_label": per_label,
            "confusion": {e: dict(sorted(row.items())) for e, row in sorted(matrix.items())}}


def _runs(cases: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [run for case in cases for run in case["runs"]]


def _outcomes(run: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [o for turn in run["turns"] for o in turn["expectations"] if o["name"] == name]


def expects_handoff(run: dict[str, Any]) -> bool:
    """A turn expects status handoff, a handoff reason, or ``handoff: true``."""
    return any(o["expected"] == "handoff" for o in _outcomes(run, "status")) or \
        bool(_outcomes(run, "handoff_reason")) or \
        any(o["expected"] is True for o in _outcomes(run, "handoff"))


def handed_off(run: dict[str, Any]) -> bool:
    """A turn's result carried a handoff."""
    return any(turn["handoff"] is not None for turn in run["turns"])


def deflected(run: dict[str, Any]) -> bool:
    """Resolved by the agent alone: no error, no handoff, and the last turn resolved."""
    return run["error"] is None and bool(run["turns"]) and not handed_off(run) and \
        run["turns"][-1]["status"] == "resolved"


def handoff_scores(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of handing off, against the runs that expect a handoff."""
    tp = sum(1 for r in runs if expects_handoff(r) and handed_off(r))
    fp = sum(1 for r in runs if not expects_handoff(r) and handed_off(r))
    fn = sum(1 for r in runs if expects_handoff(r) and not handed_off(r))
    return {"precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn),
            "true_positives": tp, "false_positives": fp, "false_negatives": fn}


def grounding_scores(turns: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Grounded turns among those making policy statements."""
    judged = [t["grounding"]["grounded"] for t in turns if t["grounding"]["grounded"] is not None]
    return {"rate": ratio(sum(judged), len(judged)), "turns_with_policy": len(judged),
            "grounded_turns": sum(judged)}


def cost_scores(turns: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Latency percentiles, model calls and tokens per turn."""
    latencies = [t["latency_ms"] for t in turns]
    calls = [t["model_call_count"] for t in turns]
    prompt = sum(t["prompt_tokens"] for t in turns)
    completion = sum(t["completion_tokens"] for t in turns)
    n = len(turns)
    return {
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                       "max": round(max(latencies), 2) if latencies else None, "n": n},
        "model_calls_per_turn": round(sum(calls) / n, 4) if n else None,
        "max_model_calls_per_turn": max(calls) if calls else None,
        "tokens_per_turn": round((prompt + completion) / n, 2) if n else None,
        "prompt_tokens": prompt, "completion_tokens": completion, "model_calls": sum(calls),
    }


def pass_rates(cases: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Case pass rates grouped by a case field (a list field groups under each item)."""
    groups: dict[str, list[bool]] = {}
    for case in cases:
        labels = case[key] if isinstance(case[key], list) else [case[key]]
        for label in labels or [NO_SKILL]:
            groups.setdefault(str(label), []).append(case["passed"])
    return {label: {"cases": len(v), "passed": sum(v), "rate": ratio(sum(v), len(v))}
            for label, v in sorted(groups.items())}


def compute_metrics(cases: Sequence[dict[str, Any]], routing: Sequence[dict[str, Any]],
                    k: int) -> dict[str, Any]:
    """Every metric of the run (``attack_success`` only when the run had attack cases)."""
    runs = _runs(cases)
    turns = [t for r in runs for t in r["turns"]]
    line_pairs = [(r["expected_skill"], r["predicted_skill"]) for r in routing]
    turn_pairs = [(o["expected"], o["observed"]) for r in runs for o in _outcomes(r, "skill")
                  if o["expected"] is not None]
    safe_runs = sum(1 for r in runs if all(o["passed"] for o in _outcomes(r, "identity_safety")))
    attacks = attack_success(cases)
    return {
        "cases": len(cases), "runs": len(runs), "turns": len(turns), "k": k,
        "routing_lines": len(routing),
        "task_success": ratio(sum(r["passed"] for r in runs), len(runs)),
        "pass_hat_k": ratio(sum(c["passed"] for c in cases), len(cases)),
        "routing": classification(line_pairs + turn_pairs),
        "routing_lines_only": classification(line_pairs),
        "routing_turns_only": classification(turn_pairs),
        "deflection_rate": ratio(sum(deflected(r) for r in runs), len(runs)),
        "handoff": handoff_scores(runs),
        "grounding": grounding_scores(turns),
        "identity_safety": {"rate": ratio(safe_runs, len(runs)),
                            "violating_turns": sum(1 for r in runs for o in
                                                   _outcomes(r, "identity_safety")
                                                   if not o["passed"])},
        **cost_scores([*turns, *routing]),
        "by_suite": pass_rates(cases, "suite"),
        "by_channel": pass_rates(cases, "channel"),
        "by_skill": pass_rates(cases, "skills"),
        **({"attack_success": attacks} if attacks is not None else {}),
    }
