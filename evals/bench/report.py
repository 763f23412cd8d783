"""The benchmark's report: the JSON document ``bench --json`` writes, and the table it
prints."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.bench.figures import Figure


def bench_report(figures: Sequence[Figure], notes: Sequence[str], quick: bool,
                 seconds: float, load_before: tuple[float, float, float]) -> dict[str, Any]:
    """Every figure, which targets were missed, and the machine it ran on."""
    missed = [f.name for f in figures if f.met is False]
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "seconds": round(seconds, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
        "targets": {"met": sum(f.met is True for f in figures), "missed": missed},
        "figures": [f.to_json() for f in figures],
        "notes": list(notes),
    }


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write the report as indented JSON, creating the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"


def report_table(report: dict[str, Any]) -> str:
    """The figures as a table: value, baseline, ratio, target and whether it was met."""
    rows = [("figure", "value", "unit", "baseline", "ratio", "target", "met")]
    for figure in report["figures"]:
        target = figure["target"]
        rows.append((
            figure["name"], _number(figure["value"]), figure["unit"],
            _number(figure["baseline"]), _number(figure["ratio"]),
            ", ".join(f"{kind} {_number(limit)}" for kind, limit in target.items())
            if target else "",
            {True: "yes", False: "MISSED", None: ""}[figure["met"]]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) if i in (0, 2, 5, 6) else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(row, widths, strict=True)))
             .rstrip() for row in rows]
    machine = report["machine"]
    lines.append(f"{report['targets']['met']} targets met, "
                 f"{len(report['targets']['missed'])} missed; {machine['cpus']} cpus, "
                 f"load average {machine['load_average_before'][0]} before, "
                 f"{report['seconds']} s" + (" (quick)" if report["quick"] else ""))
    lines += [f"note: {note}" for note in report["notes"]]
    return "\n".join(lines)
