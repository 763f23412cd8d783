"""The records a run keeps per turn and per routing line: plain JSON, as report.json has them.

A turn record holds what the turn decided and showed, what it cost (latency, model calls,
tokens), each expectation's outcome with the observed value (the identity-safety check
included) and its grounding. The trace is kept for turns that failed, to debug them.
"""

from __future__ import annotations

from typing import Any

from evals.expectations import check_turn, outcome
from evals.grounding import PolicyIndex, grounding_of
from evals.reply import model_calls, part_types, prose, token_counts
from evals.safety import CHECK_NAME, OrderSecrets, identity_leaks
from evals.suite import RoutingLine, Turn

SAFETY_RULE = "no order data before verification"


def cost(result: dict[str, Any], latency_ms: float) -> dict[str, Any]:
    """Latency, model calls and tokens of one turn."""
    calls = model_calls(result)
    prompt, completion = token_counts(calls)
    return {"latency_ms": round(latency_ms, 2), "model_calls": calls,
            "model_call_count": len(calls), "prompt_tokens": prompt,
            "completion_tokens": completion}


def turn_record(index: int, said: str, turn: Turn, result: dict[str, Any], latency_ms: float,
                policy: PolicyIndex, retrieved: set[str], secrets: OrderSecrets,
                given: set[str]) -> dict[str, Any]:
    """One checked turn."""
    outcomes = check_turn(turn.expect, result)
    leaks = identity_leaks(result, secrets, given)
    outcomes.append(outcome(CHECK_NAME, SAFETY_RULE, not leaks, leaks))
    passed = all(o["passed"] for o in outcomes)
    record = {
        "index": index, "said": said, "say_code": turn.say_code,
        "skill": result.get("skill"), "confidence": result.get("confidence"),
        "status": result.get("status"), "redirect_to": result.get("redirect_to"),
        "identity": result.get("identity"), "topics": result.get("topics", []),
        "handoff": result.get("handoff"), "part_types": part_types(result),
        "reply": prose(result), "parts": result.get("parts", []),
        **cost(result, latency_ms),
        "grounding": grounding_of(result, policy, retrieved),
        "expectations": outcomes, "passed": passed,
    }
    if not passed:
        record["trace"] = result.get("trace", [])
    return record


def routing_record(line: RoutingLine, result: dict[str, Any], latency_ms: float,
                   error: str | None) -> dict[str, Any]:
    """One routing line: expected and predicted skill."""
    predicted = result.get("skill")
    return {"suite": line.suite, "id": line.id, "text": line.text,
            "expected_skill": line.expected_skill, "predicted_skill": predicted,
            "confidence": result.get("confidence"),
            "correct": error is None and predicted == line.expected_skill,
            "error": error, **cost(result, latency_ms)}
