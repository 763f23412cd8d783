"""``customer-agent eval run PATH...``: run eval suites, write the reports, gate the build.

Exit status: 0 when every case passed, every routing threshold was met and (with
``--baseline``) no metric regressed; 1 otherwise; 2 for a suite file, baseline or
option that cannot be used as given. The ``evals`` package is imported only when the
command runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.cli_args import positive_int

BRAINS = ["offline", "llm"]


def _fail(message: str) -> int:
    print(f"customer-agent: {message}", file=sys.stderr)
    return 2


def default_report_dir(now: datetime) -> Path:
    """``./reports/<UTC timestamp>/``."""
    return Path("reports") / now.strftime("%Y%m%dT%H%M%SZ")


def cmd_eval_run(args: argparse.Namespace) -> int:
    """Run the suites under the given paths and write report.json, report.html, junit.xml."""
    from evals.loader import SuiteError, load_suites
    from evals.report_html import write_html
    from evals.report_json import BaselineError, read_baseline, write_json
    from evals.report_junit import write_junit
    from evals.runner import RunOptions, run_evals
    from evals.summary import ProgressBar, summary_text

    try:
        suites = load_suites(args.paths)
        baseline = read_baseline(args.baseline) if args.baseline else None
    except SuiteError as exc:
        return _fail(f"bad suite file: {exc}")
    except BaselineError as exc:
        return _fail(f"bad baseline: {exc}")
    if args.brain == "llm":
        from agent.brain.llm import LlmSettings

        LlmSettings().client()  # LlmNotConfigured -> a clear message and exit 2 (cli.main)
    options = RunOptions(k=args.k, brain=args.brain, jobs=args.jobs, baseline=baseline,
                         progress=ProgressBar(sys.stderr))
    report: dict[str, Any] = run_evals(suites, options, args.paths)
    directory = args.report or default_report_dir(datetime.now(UTC))
    directory.mkdir(parents=True, exist_ok=True)
    for write in (write_json, write_html, write_junit):
        write(report, directory)
    print(summary_text(report, str(directory)))
    return 0 if report["gates"]["passed"] else 1


def add_eval_commands(sub: Any) -> None:
    """Register ``eval run`` on the CLI's sub-parsers."""
    evals = sub.add_parser("eval", help="eval suites: run them and write reports")
    inner = evals.add_subparsers(dest="eval_command", required=True)
    run = inner.add_parser("run", help="run suites (files or folders of .yaml/.jsonl)")
    run.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                     help="suite files, or folders searched for *.yaml, *.yml, *.jsonl")
    run.add_argument("--k", type=positive_int, default=1, metavar="N",
                     help="run each case N times; a case passes when all N pass (pass^k)")
    run.add_argument("--report", type=Path, metavar="DIR",
                     help="report directory (default ./reports/<timestamp>/)")
    run.add_argument("--baseline", type=Path, metavar="REPORT.json",
                     help="fail when a metric regresses against this earlier report")
    run.add_argument("--brain", choices=BRAINS, default="offline",
                     help="offline (default) or llm (CUSTOMER_AGENT_LLM_* settings)")
    run.add_argument("--jobs", type=positive_int, default=1, metavar="N",
                     help="cases run at the same time (threads sharing one model)")
    run.set_defaults(func=cmd_eval_run)
