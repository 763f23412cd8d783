"""The built-in eval suites (evals/suites/) on the offline brain: every case must pass, and
the routing utterances must reach the thresholds stored next to them.

Each suite file is one test, run in-process (two cases at a time) on the session's embedder
and knowledge base; a failure lists every failed expectation with what was observed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.failures import case_failures
from tests.evals.conftest import RunSuites

SUITES = Path(__file__).resolve().parents[2] / "evals" / "suites"
ROUTING = SUITES / "routing"
JOBS = 2  # threads: cases overlap where the engine waits on SQLite or releases the GIL
CONVERSATION_FILES = sorted(p for p in SUITES.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", CONVERSATION_FILES,
                         ids=[str(p.relative_to(SUITES)) for p in CONVERSATION_FILES])
def test_every_case_of_the_suite_passes(run_suites: RunSuites, path: Path) -> None:
    report = run_suites(path, jobs=JOBS)
    failures = [f"{case['key']}:\n    " + "\n    ".join(case_failures(case))
                for case in report["cases"] if not case["passed"]]
    assert not failures, f"{len(failures)} failing case(s) in {path.name}:\n" + \
        "\n".join(failures)
    assert report["cases"], f"{path.name} has no cases"


def test_routing_utterances_reach_their_thresholds(run_suites: RunSuites) -> None:
    assert (ROUTING / "thresholds.json").is_file(), "evals/suites/routing/thresholds.json"
    report = run_suites(ROUTING, jobs=JOBS)
    [gate] = report["gates"]["routing_thresholds"]
    misses = [f"{r['id']}: {r['text']!r} expected {r['expected_skill']}, got "
              f"{r['predicted_skill']}" for r in report["routing"] if not r["correct"]]
    assert gate["passed"], (f"accuracy {gate['accuracy']:.3f} (min {gate['min_accuracy']}), "
                            f"macro-F1 {gate['macro_f1']:.3f} (min {gate['min_macro_f1']}); "
                            "misrouted:\n" + "\n".join(misses))
