"""``customer-agent bench`` and ``customer-agent load``: performance figures and the
loopback load run (issue #9). The ``evals`` package is imported only when they run.

``bench`` exits 0 whatever the figures (it measures; the JSON says which targets were
missed) and non-zero only when a measurement failed. ``load`` exits 1 when its audit
fails or more than 1% of its requests failed, 2 for options it cannot use.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agent.cli_args import positive_int
from agent.config import Settings


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not more than 0")
    return value


def _channels(text: str) -> tuple[str, ...]:
    from evals.load.scripts import SCRIPTS

    channels = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in channels if c not in SCRIPTS]
    if unknown or not channels:
        raise argparse.ArgumentTypeError(
            f"unknown channel {', '.join(unknown) or '(none)'}: use {','.join(SCRIPTS)}")
    return channels


def _progress(message: str) -> None:
    print(f"bench: {message} ...", file=sys.stderr, flush=True)


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure, print the table and write the JSON report."""
    from evals.bench.figures import MeasurementFailed
    from evals.bench.report import report_table, write_report
    from evals.bench.run import run_bench
    from evals.load.server import ServerFailed

    try:
        report = run_bench(args.quick, _progress)
    except (MeasurementFailed, ServerFailed) as error:
        print(f"customer-agent: bench failed: {error}", file=sys.stderr)
        return 1
    write_report(report, args.json)
    print(report_table(report))
    print(f"written to {args.json}")
    return 0


def _server_settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    return settings


def cmd_load(args: argparse.Namespace) -> int:
    """Run the load, print the summary and write the JSON report."""
    from evals.load.report import report_text
    from evals.load.run import LoadOptions, run_load
    from evals.load.server import ServerFailed

    options: dict[str, Any] = {"conversations": args.conversations, "seconds": args.seconds,
                               "channels": args.channels}
    if args.url:
        settings = _server_settings(args)
        options.update(url=args.url, database_url=settings.resolved_database_url(),
                       public_base_url=settings.public_base_url,
                       twilio_auth_token=settings.twilio_auth_token,
                       email_inbound_secret=settings.email_inbound_secret)
    try:
        report = run_load(LoadOptions(**options))
    except ValueError as error:
        print(f"customer-agent: {error}", file=sys.stderr)
        return 2
    except ServerFailed as error:
        print(f"customer-agent: load failed: {error}", file=sys.stderr)
        return 1
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(report_text(report))
    print(f"written to {args.json}")
    return 0 if report["passed"] else 1


def add_bench_commands(sub: Any) -> None:
    """Register ``bench`` and ``load`` on the CLI's sub-parsers."""
    bench = sub.add_parser("bench", help="measure latency, throughput, cold start, memory, "
                                         "checkpoints and search (JSON figures)")
    bench.add_argument("--json", type=Path, default=Path("reports/bench.json"),
                       metavar="PATH", help="where to write the figures "
                                            "(default reports/bench.json)")
    bench.add_argument("--quick", action="store_true",
                       help="few repetitions: checks the bench runs, figures are rough")
    bench.set_defaults(func=cmd_bench)

    load = sub.add_parser("load", help="many concurrent conversations against a server, "
                                       "then an audit of its database")
    load.add_argument("--conversations", type=positive_int, default=50,
                      help="shoppers writing at once (default 50)")
    load.add_argument("--seconds", type=_seconds, default=120.0,
                      help="how long to keep writing (default 120)")
    load.add_argument("--channels", type=_channels, default=("webchat", "sms", "email"),
                      help="comma-separated: webchat,sms,email (default all three)")
    load.add_argument("--url", help="a running server (default: start one on loopback); "
                                    "its database is --data-dir / --database-url, its "
                                    "secrets the CUSTOMER_AGENT_* settings")
    load.add_argument("--json", type=Path, default=Path("reports/load.json"),
                      metavar="PATH", help="where to write the report "
                                           "(default reports/load.json)")
    load.set_defaults(func=cmd_load)
