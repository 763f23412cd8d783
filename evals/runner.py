"""A whole eval run: load suites, carry out every case k times, compute metrics and gates.

``run_evals`` returns the report as a JSON-ready dict (``report.json``); the report writers
and the CLI's summary read only that dict.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.driver import Environment
from evals.gates import evaluate_gates
from evals.metadata import DEFINITIONS, REPORT_FORMAT, run_metadata
from evals.metrics import compute_metrics
from evals.parallel import Progress, carry_out_all
from evals.settings import BrainName
from evals.suite import Case, Suite
from evals.work import CaseRun, RoutingChunk, plan
from knowledge_base.embedder import Embedder


@dataclass
class RunOptions:
    """How to run: k runs per case, the brain, parallel jobs, what to compare with.

    ``embedder`` and ``chroma_dir`` let a caller (the test suite) share what it loaded.
    """

    k: int = 1
    brain: BrainName = "offline"
    jobs: int = 1
    baseline: dict[str, Any] | None = None
    embedder: Embedder | None = None
    chroma_dir: Path | None = None
    progress: Progress | None = None


def scratch_root() -> str | None:
    """Where case databases go: memory-backed ``/dev/shm`` when there is one (throwaway
    SQLite files, so no disk syncs), else the system's temporary directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def case_skills(case: Case) -> list[str]:
    """The skills a case's turns expect (``skill`` and ``skill_in``), in order of mention."""
    named: list[str] = []
    for turn in case.turns:
        named += [turn.expect["skill"]] if isinstance(turn.expect.get("skill"), str) else []
        named += [s for s in turn.expect.get("skill_in", []) if isinstance(s, str)]
    return list(dict.fromkeys(named))


def case_record(case: Case, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """A case with its runs; it passes when every run passed (pass^k with n = k)."""
    passed = sum(1 for r in runs if r["passed"])
    return {"suite": case.suite, "id": case.id, "key": case.key,
            "description": case.description, "tags": list(case.tags),
            "channel": case.channel, "attack": case.attack, "clock": case.clock.isoformat(),
            "customer": case.shopper.to_json(), "path": str(case.path),
            "skills": case_skills(case), "runs_passed": passed, "runs_total": len(runs),
            "passed": passed == len(runs), "runs": runs}


def run_evals(suites: Sequence[Suite], options: RunOptions,
              paths: Sequence[Path] = ()) -> dict[str, Any]:
    """Run every suite and return the report."""
    started, clock = datetime.now(UTC), time.perf_counter()
    units = plan(list(suites), options.k)
    with tempfile.TemporaryDirectory(prefix="customer-agent-eval-", dir=scratch_root()) \
            as scratch:
        env = Environment.prepare(Path(scratch), options.brain, embedder=options.embedder,
                                  chroma_dir=options.chroma_dir,
                                  article_folders=[s.articles for s in suites if s.articles])
        setup_seconds = time.perf_counter() - clock
        results = carry_out_all(env, units, options.jobs, options.progress)
    runs: dict[str, list[dict[str, Any]]] = {}
    routing: list[dict[str, Any]] = []
    for unit, result in zip(units, results, strict=True):
        if isinstance(unit, CaseRun) and isinstance(result, dict):
            runs.setdefault(unit.case.key, []).append(result)
        elif isinstance(unit, RoutingChunk) and isinstance(result, list):
            routing += result
    cases = [case_record(case, runs[case.key]) for suite in suites for case in suite.cases]
    metrics = compute_metrics(cases, routing, options.k)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "run": run_metadata(options.brain, options.k, options.jobs, paths, started,
                            time.perf_counter() - clock, setup_seconds),
        "definitions": DEFINITIONS,
        "suites": [s.to_json() for s in suites],
        "metrics": metrics,
        "cases": cases,
        "routing": routing,
    }
    report["gates"] = evaluate_gates(report, suites, options.baseline)
    return report
