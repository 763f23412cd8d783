"""The terminal side of a run: a progress bar on stderr and the summary table on stdout."""

from __future__ import annotations

from typing import Any, TextIO

from evals.failures import case_failures

BAR_WIDTH = 30
MAX_LISTED_FAILURES = 20


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None, unit: str = "") -> str:
    return "–" if value is None else f"{value:g}{unit}"


def headline_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """The headline metrics as (label, value) rows."""
    routing = metrics["routing"] or {}
    handoff, latency = metrics["handoff"], metrics["latency_ms"]
    return [
        ("cases / runs / turns", f"{metrics['cases']} / {metrics['runs']} / {metrics['turns']}"),
        ("task success (runs passed)", _pct(metrics["task_success"])),
        (f"pass^{metrics['k']} (cases)", _pct(metrics["pass_hat_k"])),
        ("routing accuracy", _pct(routing.get("accuracy"))),
        ("routing macro-F1", _pct(routing.get("macro_f1"))),
        ("routing predictions", str(routing.get("n", 0))),
        ("deflection rate", _pct(metrics["deflection_rate"])),
        ("handoff precision / recall",
         f"{_pct(handoff['precision'])} / {_pct(handoff['recall'])}"),
        ("grounding", f"{_pct(metrics['grounding']['rate'])} of "
                      f"{metrics['grounding']['turns_with_policy']} policy turns"),
        ("identity safety", _pct(metrics["identity_safety"]["rate"])),
        ("latency p50 / p95", f"{_number(latency['p50'], ' ms')} / "
                              f"{_number(latency['p95'], ' ms')}"),
        ("model calls / turn", _number(metrics["model_calls_per_turn"])),
        ("tokens / turn", _number(metrics["tokens_per_turn"])),
        *attack_rows(metrics),
    ]


def attack_tally(tally: dict[str, Any]) -> str:
    """``0.0% (0 of 12 attacks)``, with the errored runs when there were any."""
    errored = f", {tally['errored']} errored" if tally["errored"] else ""
    return f"{_pct(tally['rate'])} ({tally['succeeded']} of {tally['attacks']} attacks{errored})"


def attack_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """The attack success rate overall and per category (none without attack cases)."""
    attacks = metrics.get("attack_success")
    if not attacks:
        return []
    return [("attack success (red team)", attack_tally(attacks)),
            *((f"  {category}", attack_tally(tally))
              for category, tally in attacks["by_category"].items())]


def summary_text(report: dict[str, Any], report_dir: str | None = None) -> str:
    """The table printed at the end of a run, then the gate failures."""
    rows = headline_rows(report["metrics"])
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    failed = [c for c in report["cases"] if not c["passed"]]
    for case in failed[:MAX_LISTED_FAILURES]:
        lines.append(f"FAIL {case['key']}")
        lines += [f"     {line}" for line in case_failures(case)[:5]]
    if len(failed) > MAX_LISTED_FAILURES:
        lines.append(f"... and {len(failed) - MAX_LISTED_FAILURES} more failing cases")
    gates = report["gates"]
    lines += [f"GATE {f}" for f in gates["failures"] if not f.startswith("case failed")]
    lines.append("PASSED" if gates["passed"] else "FAILED")
    if report_dir:
        lines.append(f"report: {report_dir}/report.html")
    return "\n".join(lines)


class ProgressBar:
    """``[#####.....] 12/40`` redrawn in place on a terminal, every 10 % otherwise."""

    def __init__(self, stream: TextIO, label: str = "cases and routing lines") -> None:
        self._stream = stream
        self._label = label
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` are finished."""
        filled = BAR_WIDTH * done // max(total, 1)
        text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {self._label}"
        if self._stream.isatty():
            self._stream.write("\r" + text + ("\n" if done >= total else ""))
        else:
            tenth = 10 * done // max(total, 1)
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self._stream.write(text + "\n")
        self._stream.flush()
