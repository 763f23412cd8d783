"""Hand-made run records for metric and gate tests (the shape report.json stores)."""

from __future__ import annotations

from typing import Any


def turn(*, passed: bool = True, status: str = "resolved", handoff: dict[str, Any] | None = None,
         expect: dict[str, Any] | None = None, observed_skill: str | None = "faq",
         latency_ms: float = 10.0, calls: int = 0, tokens: tuple[int, int] = (0, 0),
         grounded: bool | None = None, safe: bool = True) -> dict[str, Any]:
    """A turn record; ``expect`` becomes passing expectation outcomes (skill: observed)."""
    outcomes = [{"name": name, "expected": value,
                 "observed": observed_skill if name == "skill" else value, "passed": True}
                for name, value in (expect or {}).items()]
    outcomes.append({"name": "identity_safety", "expected": "no order data",
                     "observed": [] if safe else ["order_card part"], "passed": safe})
    return {"index": 1, "said": "hi", "say_code": False, "skill": observed_skill,
            "confidence": 1.0, "status": status, "redirect_to": None, "identity": "anonymous",
            "topics": [], "handoff": handoff, "part_types": ["text"], "reply": "hello",
            "parts": [{"type": "text", "text": "hello"}], "latency_ms": latency_ms,
            "model_calls": [{"purpose": "understand", "ms": 1.0, "outcome": "ok"}] * calls,
            "model_call_count": calls, "prompt_tokens": tokens[0],
            "completion_tokens": tokens[1],
            "grounding": {"stated": [], "cited": [], "retrieved": [], "uncited_sentences": [],
                          "unretrieved_citations": [], "grounded": grounded},
            "expectations": outcomes, "passed": passed and safe}


def run(*turns: dict[str, Any], attempt: int = 1, error: str | None = None) -> dict[str, Any]:
    """A run record of ``turns``."""
    return {"attempt": attempt, "passed": error is None and all(t["passed"] for t in turns),
            "error": error, "turns": list(turns)}


def case(key: str, *runs: dict[str, Any], channel: str = "webchat",
         skills: list[str] | None = None) -> dict[str, Any]:
    """A case record; it passes when all its runs passed."""
    suite, _, case_id = key.partition("/")
    passed = sum(r["passed"] for r in runs)
    return {"suite": suite, "id": case_id, "key": key, "description": "", "tags": [],
            "channel": channel, "clock": "2026-11-20T10:00:00+00:00", "customer": {},
            "path": f"{suite}.yaml", "skills": skills or [], "runs_passed": passed,
            "runs_total": len(runs), "passed": passed == len(runs), "runs": list(runs)}
