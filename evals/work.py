"""Units of work a run is cut into, and how one is carried out.

A unit is one run of one case, or a chunk of routing lines (one runtime serves the chunk,
each line in a fresh conversation). ``carry_out`` is what a worker thread calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.driver import Environment, run_case, run_routing
from evals.suite import Case, RoutingLine, Suite

ROUTING_CHUNK = 40


@dataclass(frozen=True)
class CaseRun:
    """The ``attempt``-th run (1-based) of a case."""

    case: Case
    attempt: int

    @property
    def size(self) -> int:
        """Progress weight."""
        return 1


@dataclass(frozen=True)
class RoutingChunk:
    """A few routing lines taken on one runtime."""

    lines: tuple[RoutingLine, ...]

    @property
    def size(self) -> int:
        """Progress weight."""
        return len(self.lines)


Unit = CaseRun | RoutingChunk
Result = dict[str, Any] | list[dict[str, Any]]


def plan(suites: list[Suite], k: int) -> list[Unit]:
    """Every unit of a run: each case k times, routing lines in chunks (once each)."""
    units: list[Unit] = []
    for suite in suites:
        units += [CaseRun(case, attempt) for case in suite.cases
                  for attempt in range(1, k + 1)]
        units += [RoutingChunk(tuple(suite.routing[i:i + ROUTING_CHUNK]))
                  for i in range(0, len(suite.routing), ROUTING_CHUNK)]
    return units


def carry_out(env: Environment, unit: Unit) -> Result:
    """A case run record, or the routing records of a chunk."""
    if isinstance(unit, CaseRun):
        return run_case(env, unit.case, unit.attempt)
    return run_routing(env, list(unit.lines))
