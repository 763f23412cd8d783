"""Per-turn expectations: each key of a turn's ``expect`` -> pass or fail, with what was seen.

Every check returns the observed value as well, so a report can say *why* a turn failed
("status: expected handoff, observed resolved"), not only that it did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evals.reply import citations, part_types, prose, shown, urls

Check = Callable[[Any, dict[str, Any]], tuple[bool, Any]]


def as_list(value: Any) -> list[Any]:
    """A scalar as a one-item list; a list as is."""
    return list(value) if isinstance(value, list) else [value]


def _equals(field: str) -> Check:
    def check(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
        observed = result.get(field)
        return observed == expected, observed

    return check


def _skill_in(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    return result.get("skill") in expected, result.get("skill")


def _parts(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    types = part_types(result)
    return all(t in types for t in as_list(expected)), types


def _no_parts(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    types = part_types(result)
    return not any(t in types for t in as_list(expected)), types


def _link_contains(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    found = urls(result)
    return any(expected in url for url in found), found


def _text_contains(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    text = prose(result)
    missing = [e for e in as_list(expected) if e.casefold() not in text.casefold()]
    return not missing, {"missing": missing, "text": text} if missing else text


def _text_not_contains(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    text = prose(result)
    present = [e for e in as_list(expected) if e.casefold() in text.casefold()]
    return not present, {"present": present, "text": text} if present else text


def _shown_not_contains(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    everything = shown(result).casefold()
    present = [e for e in as_list(expected) if e.casefold() in everything]
    return not present, {"present": present} if present else "absent"


def _cites(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    cited = [f"{c.get('article', '')} › {c.get('heading', '')}" for c in citations(result)]
    wanted = str(expected).casefold()
    return any(wanted in label.casefold() for label in cited), cited


def _topics(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    labels = [str(t) for t in result.get("topics", [])]
    ok = all(any(str(e).casefold() in label.casefold() for label in labels)
             for e in as_list(expected))
    return ok, labels


def _handoff_reason(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    observed = (result.get("handoff") or {}).get("reason")
    return observed == expected, observed


def _handoff(expected: Any, result: dict[str, Any]) -> tuple[bool, Any]:
    observed = result.get("handoff") is not None
    return observed == bool(expected), observed


CHECKS: dict[str, Check] = {
    "skill": _equals("skill"),
    "skill_in": _skill_in,
    "status": _equals("status"),
    "redirect_to": _equals("redirect_to"),
    "identity": _equals("identity"),
    "parts": _parts,
    "no_parts": _no_parts,
    "link_contains": _link_contains,
    "text_contains": _text_contains,
    "text_not_contains": _text_not_contains,
    "shown_not_contains": _shown_not_contains,
    "cites": _cites,
    "topics": _topics,
    "handoff_reason": _handoff_reason,
    "handoff": _handoff,
}
"""Every expectation key of the suite format and its check."""


def outcome(name: str, expected: Any, passed: bool, observed: Any) -> dict[str, Any]:
    """One expectation's result as reports store it."""
    return {"name": name, "expected": expected, "observed": observed, "passed": passed}


def check_turn(expect: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each expectation of a turn against its result, in the order they were written."""
    outcomes = []
    for name, expected in expect.items():
        passed, observed = CHECKS[name](expected, result)
        outcomes.append(outcome(name, expected, passed, observed))
    return outcomes
