"""Failures in words: which run, which turn, which expectation, what was observed.

The summary, report.html and junit.xml all describe a failure with these lines.
"""

from __future__ import annotations

import json
from typing import Any

MAX_OBSERVED = 300


def short(value: Any, limit: int = MAX_OBSERVED) -> str:
    """A value as compact JSON, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def expectation_line(outcome: dict[str, Any]) -> str:
    """``status: expected 'handoff', observed 'resolved'``."""
    return (f"{outcome['name']}: expected {short(outcome['expected'])}, "
            f"observed {short(outcome['observed'])}")


def run_failures(run: dict[str, Any]) -> list[str]:
    """Every failed expectation of a run, and its error if it had one."""
    lines = []
    for turn in run["turns"]:
        said = short(turn["said"], 60)
        lines += [f"turn {turn['index']} ({said}): {expectation_line(o)}"
                  for o in turn["expectations"] if not o["passed"]]
    if run["error"]:
        lines.append(f"error: {run['error'].splitlines()[0]}")
    return lines


def case_failures(case: dict[str, Any]) -> list[str]:
    """Every failure of a case, prefixed with the run when it ran more than once."""
    lines = []
    for run in case["runs"]:
        prefix = f"run {run['attempt']}: " if case["runs_total"] > 1 else ""
        lines += [prefix + line for line in run_failures(run)]
    return lines
