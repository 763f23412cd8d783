"""The load run's figures: requests, error rate, latency percentiles per channel, the audit.

``sms`` is the webhook's acknowledgement, ``sms_reply`` the time until the turn taken
after it ended (as the shopper waits for the answer); both count toward the error rate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from evals.load.audit import Audit
from evals.load.driver import Sample
from evals.metrics import percentile

MAX_ERROR_RATE = 0.01
CHANNEL_ORDER = ("webchat", "sms", "sms_reply", "email")


def latency_summary(samples: Sequence[Sample]) -> dict[str, Any]:
    """Requests, errors and latency percentiles (ms) of one channel's samples."""
    latencies = [s.ms for s in samples if s.ok]
    errors = sum(not s.ok for s in samples)
    return {"requests": len(samples), "errors": errors,
            "error_rate": round(errors / len(samples), 4) if samples else 0.0,
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99)}


def load_report(samples: Sequence[Sample], seconds: float, audit: Audit,
                settings: dict[str, Any]) -> dict[str, Any]:
    """The whole report; ``passed`` when the audit passed and at most 1% of requests failed."""
    channels = sorted({s.channel for s in samples},
                      key=lambda c: CHANNEL_ORDER.index(c) if c in CHANNEL_ORDER else 99)
    errors = sum(not s.ok for s in samples)
    error_rate = round(errors / len(samples), 4) if samples else 0.0
    turns = sum(s.ok for s in samples if s.channel in ("webchat", "sms_reply", "email"))
    kinds = Counter(s.error for s in samples if s.error)
    return {
        "settings": settings, "seconds": round(seconds, 1), "requests": len(samples),
        "errors": errors, "error_rate": error_rate,
        "turns_per_second": round(turns / seconds, 2) if seconds else None,
        "channels": {c: latency_summary([s for s in samples if s.channel == c])
                     for c in channels},
        "error_kinds": [{"error": e, "count": n} for e, n in kinds.most_common(10)],
        "audit": audit.to_json(),
        "passed": audit.passed and error_rate <= MAX_ERROR_RATE and bool(samples),
    }


def report_text(report: dict[str, Any]) -> str:
    """The report as a few lines for the terminal."""
    lines = [f"{report['requests']} requests in {report['seconds']} s "
             f"({report['turns_per_second']} turns/s), error rate "
             f"{report['error_rate']:.2%} (at most {MAX_ERROR_RATE:.0%})",
             f"{'channel':<10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
             f"{'p99 ms':>8}"]
    for channel, row in report["channels"].items():
        lines.append(f"{channel:<10} {row['requests']:>8} {row['errors']:>6} "
                     f"{_ms(row['p50_ms'])} {_ms(row['p95_ms'])} {_ms(row['p99_ms'])}")
    lines += [f"error: {e['error']} (x{e['count']})" for e in report["error_kinds"]]
    audit = report["audit"]
    lines.append(
        f"audit {'PASSED' if audit['passed'] else 'FAILED'}: {audit['inbound']} inbound, "
        f"{audit['replied']} replied, {audit['deliberately_unanswered']} deliberately "
        f"unanswered, {audit['handed_to_person']} with a person; "
        f"{len(audit['unanswered'])} unanswered, {len(audit['duplicate_replies'])} replied "
        f"twice, {len(audit['duplicate_sends'])} sent twice")
    lines.append("load PASSED" if report["passed"] else "load FAILED")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return f"{value:>8.1f}" if value is not None else f"{'-':>8}"
