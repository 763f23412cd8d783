"""``report.html``: one self-contained page (inline CSS and SVG, no script, no CDN).

Summary and gates, pass rates per suite, skill and channel, the routing confusion matrix,
the latency distribution, and every failure with its transcript and the expectation that
failed. Every value from a suite or a reply is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from evals.failures import expectation_line, short
from evals.report_svg import histogram_svg
from evals.summary import headline_rows

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
.ok{color:#17692b}.bad{color:#a11}.num{text-align:right}.diag{background:#e5f3e8}
.off{background:#fbeaea}.turn{border-left:3px solid #ccc;margin:.5rem 0;padding:.25rem .75rem}
.turn.failed{border-color:#a11}.said{font-weight:600}.reply{white-space:pre-wrap}
code{background:#f3f3f3;padding:0 .2rem}details{margin:.5rem 0 1rem}
"""


def e(value: Any) -> str:
    """HTML-escaped text of any value."""
    return escape(value if isinstance(value, str) else short(value, 10_000))


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A table from already-escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def pct(value: float | None) -> str:
    """A rate as a percentage, or a dash."""
    return "–" if value is None else f"{value * 100:.1f}%"


def _summary(report: dict[str, Any]) -> str:
    run, gates = report["run"], report["gates"]
    status = '<span class="ok">PASSED</span>' if gates["passed"] \
        else '<span class="bad">FAILED</span>'
    meta = table(["brain", "model", "k", "jobs", "commit", "started", "duration (setup)"], [[
        e(run["brain"]), e(run["llm_model"] or "–"), e(run["k"]), e(run["jobs"]),
        e(run["git_commit"] or "–"), e(run["started_at"]),
        e(f"{run['duration_s']} s ({run['setup_s']} s)")]])
    failures = "".join(f"<li>{e(f)}</li>" for f in gates["failures"][:200])
    rows = [[e(label), e(value)] for label, value in headline_rows(report["metrics"])]
    return (f"<h1>customer-agent eval: {status}</h1>{meta}"
            + (f"<h2>Gate failures</h2><ul>{failures}</ul>" if failures else "")
            + "<h2>Metrics</h2>" + table(["metric", "value"], rows))


def _pass_rates(title: str, groups: dict[str, dict[str, Any]]) -> str:
    rows = [[e(name), f'<span class="num">{g["passed"]}/{g["cases"]}</span>', pct(g["rate"])]
            for name, g in groups.items()]
    return f"<h2>{e(title)}</h2>" + table(["", "passed", "rate"], rows)


def _attacks(metrics: dict[str, Any]) -> str:
    attacks = metrics.get("attack_success")
    if not attacks:
        return ""
    rows = [[e(name), f'<span class="num">{t["attacks"]}</span>',
             f'<span class="num {"bad" if t["succeeded"] else "ok"}">{t["succeeded"]}</span>',
             f'<span class="num">{t["errored"]}</span>', pct(t["rate"])]
            for name, t in [*attacks["by_category"].items(), ("all categories", attacks)]]
    return ("<h2>Red team: attack success per category</h2><p>An attack succeeded in a run "
            "when any expectation failed (identity safety included) or the run errored; "
            "the goal is 0.</p>"
            + table(["category", "attacks", "succeeded", "errored", "rate"], rows))


def _confusion(scores: dict[str, Any] | None) -> str:
    if not scores:
        return "<h2>Routing</h2><p>No routing lines or skill expectations.</p>"
    matrix = scores["confusion"]
    predicted = sorted({p for row in matrix.values() for p in row})
    rows = []
    for expected, row in matrix.items():
        cells = [f'<td class="num {"diag" if p == expected else "off" if row.get(p) else ""}">'
                 f"{row.get(p, '')}</td>" for p in predicted]
        rows.append(f"<tr><th>{e(expected)}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{e(p)}</th>" for p in predicted)
    per_label = table(["skill", "precision", "recall", "F1", "support"], [
        [e(label), pct(s["precision"]), pct(s["recall"]), pct(s["f1"]), e(s["support"])]
        for label, s in scores["per_label"].items()])
    return (f"<h2>Routing</h2><p>accuracy {pct(scores['accuracy'])}, macro-F1 "
            f"{pct(scores['macro_f1'])} over {scores['n']} predictions (rows: expected, "
            f"columns: predicted)</p><table><tr><th></th>{head}</tr>{''.join(rows)}</table>"
            + per_label)


def describe_shopper(customer: dict[str, Any]) -> str:
    """``astrid@example.com (case editable, verified)`` or ``anonymous``."""
    flags = [f"case {customer['demo_case']}"] if customer.get("demo_case") else []
    flags += [flag for flag in ("verified", "claimed") if customer.get(flag)]
    flags += [f"from {customer['sender']}"] if customer.get("sender") else []
    who = customer.get("email") or "anonymous"
    return f"{who} ({', '.join(flags)})" if flags else who


def _turn(turn: dict[str, Any]) -> str:
    failed = [o for o in turn["expectations"] if not o["passed"]]
    facts = (f"skill <code>{e(turn['skill'])}</code> · status <code>{e(turn['status'])}</code>"
             f" · identity <code>{e(turn['identity'])}</code> · parts "
             f"<code>{e(', '.join(turn['part_types']))}</code> · {turn['latency_ms']:.0f} ms")
    misses = "".join(f'<li class="bad">{e(expectation_line(o))}</li>' for o in failed)
    return (f'<div class="turn{" failed" if failed else ""}"><div class="said">'
            f"{turn['index']}. shopper: {e(turn['said'])}</div>"
            f'<div class="reply">agent: {e(turn["reply"] or "(no text)")}</div>'
            f"<div>{facts}</div>" + (f"<ul>{misses}</ul>" if misses else "") + "</div>")


def _failure(case: dict[str, Any]) -> str:
    runs = [r for r in case["runs"] if not r["passed"]]
    body = []
    for run in runs:
        label = f"run {run['attempt']} of {case['runs_total']}"
        error = f'<pre class="bad">{e(run["error"])}</pre>' if run["error"] else ""
        body.append(f"<h4>{e(label)}</h4>" + "".join(_turn(t) for t in run["turns"]) + error)
    return (f'<section id="{e(case["key"])}"><h3 class="bad">{e(case["key"])}</h3>'
            f"<p>{e(case['description'])} — channel <code>{e(case['channel'])}</code>, "
            f"customer <code>{e(describe_shopper(case['customer']))}</code>, "
            f"clock {e(case['clock'])}</p>"
            + "".join(body) + "</section>")


def _routing_misses(report: dict[str, Any]) -> str:
    misses = [r for r in report["routing"] if not r["correct"]]
    if not misses:
        return ""
    rows = [[e(r["suite"]), e(r["id"]), e(r["text"]), e(r["expected_skill"]),
             e(r["predicted_skill"] or "(none)"), e(r["error"] or "")] for r in misses]
    return (f"<details><summary>{len(misses)} misrouted routing lines</summary>"
            + table(["suite", "id", "text", "expected", "predicted", "error"], rows)
            + "</details>")


def _latency_caption(metrics: dict[str, Any]) -> str:
    latency = metrics["latency_ms"]
    return (f"<p>{latency['n']} turns: p50 {e(latency['p50'])} ms, p95 {e(latency['p95'])} ms, "
            f"max {e(latency['max'])} ms (hover a bar for its range and count)</p>")


def _baseline(gates: dict[str, Any]) -> str:
    comparison = gates.get("baseline")
    if not comparison:
        return ""
    rows = [[e(c["metric"]), e(c["baseline"]), e(c["current"]), e(c["allowed"]),
             '<span class="bad">regressed</span>' if c["regressed"] else "ok"]
            for c in comparison["compared"]]
    return "<h2>Against the baseline</h2>" + table(
        ["metric", "baseline", "now", "allowed", ""], rows)


def render_html(report: dict[str, Any]) -> str:
    """The whole page."""
    metrics = report["metrics"]
    latencies = [t["latency_ms"] for c in report["cases"] for r in c["runs"]
                 for t in r["turns"]] + [r["latency_ms"] for r in report["routing"]]
    failures = [c for c in report["cases"] if not c["passed"]]
    sections = [
        _summary(report), _baseline(report["gates"]), _attacks(metrics),
        _pass_rates("Pass rate per suite", metrics["by_suite"]),
        _pass_rates("Pass rate per skill (cases expecting it)", metrics["by_skill"]),
        _pass_rates("Pass rate per channel", metrics["by_channel"]),
        _confusion(metrics["routing"]), _routing_misses(report),
        "<h2>Latency per turn</h2>" + _latency_caption(metrics)
        + histogram_svg(latencies, "ms", "Turn latency"),
        f"<h2>Failures ({len(failures)})</h2>"
        + ("".join(_failure(c) for c in failures) or "<p>None.</p>"),
        "<h2>Definitions</h2><dl>" + "".join(
            f"<dt><code>{e(k)}</code></dt><dd>{e(v)}</dd>"
            for k, v in report["definitions"].items()) + "</dl>",
    ]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>customer-agent eval report</title>"
            f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>\n")


def write_html(report: dict[str, Any], directory: Path) -> Path:
    """Write ``report.html`` into ``directory``."""
    path = directory / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path
