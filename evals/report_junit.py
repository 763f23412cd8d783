"""``junit.xml``: one testcase per case (and one per routing file), for CI dashboards.

The shape is the common JUnit XML that CI systems read: ``testsuites`` > ``testsuite``
(one per suite file) > ``testcase``, with ``failure`` for unmet expectations and
``error`` for a run that could not finish.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from evals.failures import case_failures

NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("\ufffd", text)


def _seconds(turns: list[dict[str, Any]]) -> str:
    return f"{sum(t['latency_ms'] for t in turns) / 1000:.3f}"


def _case_element(case: dict[str, Any]) -> ET.Element:
    turns = [t for run in case["runs"] for t in run["turns"]]
    element = ET.Element("testcase", classname=f"evals.{case['suite']}", name=case["id"],
                         time=_seconds(turns), file=case["path"])
    if case["passed"]:
        return element
    lines = case_failures(case)
    errored = any(run["error"] for run in case["runs"])
    kind = "error" if errored and not any(not t["passed"] for t in turns) else "failure"
    detail = ET.SubElement(element, kind, message=clean(lines[0] if lines else "failed"),
                           type="EvalError" if kind == "error" else "ExpectationFailed")
    errors = [run["error"] for run in case["runs"] if run["error"]]
    detail.text = clean("\n".join([*lines, *errors]))
    return element


def _routing_element(suite: dict[str, Any], report: dict[str, Any]) -> ET.Element:
    records = [r for r in report["routing"] if r["suite"] == suite["name"]]
    element = ET.Element("testcase", classname=f"evals.{suite['name']}", name="routing",
                         time=_seconds(records), file=suite["path"])
    correct = sum(r["correct"] for r in records)
    ET.SubElement(element, "system-out").text = clean(
        f"{correct}/{len(records)} routed to the expected skill")
    for gate in report["gates"]["routing_thresholds"]:
        if suite["name"] in gate["suites"] and not gate["passed"]:
            ET.SubElement(element, "failure", type="ThresholdMissed", message=clean(
                f"accuracy {gate['accuracy']:.3f} (min {gate['min_accuracy']}), macro-F1 "
                f"{gate['macro_f1']:.3f} (min {gate['min_macro_f1']})"))
    return element


def junit_tree(report: dict[str, Any]) -> ET.ElementTree[ET.Element]:
    """The JUnit document of a report."""
    root = ET.Element("testsuites", name="customer-agent eval")
    for suite in report["suites"]:
        if suite["kind"] == "conversation":
            cases = [_case_element(c) for c in report["cases"] if c["suite"] == suite["name"]]
        else:
            cases = [_routing_element(suite, report)]
        element = ET.SubElement(root, "testsuite", name=suite["name"],
                                timestamp=report["run"]["started_at"][:19],
                                time=f"{sum(float(c.get('time', 0)) for c in cases):.3f}")
        properties = ET.SubElement(element, "properties")
        for name in ("brain", "k", "git_commit"):
            ET.SubElement(properties, "property", name=name, value=str(report["run"][name]))
        element.extend(cases)
        _count(element, cases)
    _count(root, list(root.iter("testcase")))
    return ET.ElementTree(root)


def _count(element: ET.Element, cases: list[ET.Element]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    if element.tag == "testsuite":
        element.set("skipped", "0")
    else:
        element.set("time", f"{sum(float(c.get('time', 0)) for c in cases):.3f}")


def write_junit(report: dict[str, Any], directory: Path) -> Path:
    """Write ``junit.xml`` into ``directory``."""
    path = directory / "junit.xml"
    tree = junit_tree(report)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path
