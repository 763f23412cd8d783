"""A run of the fixture suites through the real engine, and the three report files it makes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evals.failures import expectation_line
from evals.loader import load_suites
from evals.report_html import write_html
from evals.report_json import report_problems, write_json
from evals.report_junit import write_junit
from tests.evals.conftest import DATA, RunSuites


@pytest.fixture(scope="module")
def report(run_suites: RunSuites) -> dict[str, Any]:
    return run_suites(DATA)


def by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in report["cases"]}


def test_a_case_that_must_fail_fails_with_the_observed_values(report: dict[str, Any]) -> None:
    failing = by_key(report)["fixture-failing/wrong-skill"]
    assert not failing["passed"] and failing["runs_passed"] == 0
    [turn] = failing["runs"][0]["turns"]
    failed = {o["name"]: o for o in turn["expectations"] if not o["passed"]}
    assert set(failed) == {"skill", "text_contains"}
    assert failed["skill"]["expected"] == "order_editing"
    assert failed["skill"]["observed"] == "faq" == turn["skill"]
    assert failed["text_contains"]["observed"]["missing"] == ["this text is not in the reply"]
    assert "trace" in turn  # kept for failing turns, to debug them
    assert report["gates"]["failed_cases"] == ["fixture-failing/wrong-skill"]
    assert not report["gates"]["passed"]


def test_the_passing_cases_pass_through_the_real_engine(report: dict[str, Any]) -> None:
    cases = by_key(report)
    assert all(cases[k]["passed"] for k in cases if k != "fixture-failing/wrong-skill")
    verification = cases["fixture-basic/status-anonymous-asks-verification"]["runs"][0]
    asked, answered = verification["turns"]
    assert asked["identity"] == "contact_matched" and asked["status"] == "needs_identity"
    assert answered["say_code"] and answered["said"].isdigit() and len(answered["said"]) == 6
    assert answered["identity"] == "verified"
    faq = cases["fixture-basic/faq-returns-window"]["runs"][0]["turns"][0]
    assert faq["grounding"]["grounded"] is True and faq["grounding"]["cited"]
    assert set(faq["grounding"]["cited"]) <= set(faq["grounding"]["retrieved"])


def test_the_report_has_every_case_turn_and_routing_line(report: dict[str, Any]) -> None:
    assert report_problems(report) == []
    suites = load_suites([DATA])
    expected_turns = {c.key: len(c.turns) for s in suites for c in s.cases}
    assert {c["key"]: len(c["runs"][0]["turns"]) for c in report["cases"]} == expected_turns
    assert len(report["routing"]) == 5 and all(r["correct"] for r in report["routing"])
    metrics = report["metrics"]
    assert metrics["cases"] == 5 and metrics["turns"] == sum(expected_turns.values())
    assert metrics["routing"]["n"] == 5 + 5  # routing lines + turns with a skill expectation
    assert metrics["latency_ms"]["p50"] > 0 and metrics["model_calls_per_turn"] == 0
    assert report["run"]["brain"] == "offline" and report["run"]["k"] == 1
    assert report["gates"]["routing_thresholds"][0]["passed"]


def test_k_runs_every_case_k_times(run_suites: RunSuites) -> None:
    report = run_suites(DATA / "failing.yaml", k=2)
    cases = by_key(report)
    assert [r["attempt"] for r in cases["fixture-failing/passes"]["runs"]] == [1, 2]
    assert cases["fixture-failing/passes"]["passed"]
    assert cases["fixture-failing/wrong-skill"]["runs_passed"] == 0
    assert report["metrics"]["pass_hat_k"] == 0.5 and report["metrics"]["runs"] == 4


class PageText(HTMLParser):
    """The text and tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_files_are_valid_and_complete(report: dict[str, Any], tmp_path: Path) -> None:
    for write in (write_json, write_html, write_junit):
        write(report, tmp_path)

    page = PageText()
    page.feed((tmp_path / "report.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    tags = {tag for tag, _ in page.tags}
    assert "script" not in tags and "svg" in tags and "link" not in tags
    assert not [a for _, a in page.tags if str(a.get("src", "")).startswith("http")]
    failing = by_key(report)["fixture-failing/wrong-skill"]
    assert "fixture-failing/wrong-skill" in text
    for outcome in failing["runs"][0]["turns"][0]["expectations"]:
        if not outcome["passed"]:
            assert expectation_line(outcome) in text
    assert "how long do I have to return something?" in text  # the transcript

    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"fixture-basic", "fixture-failing", "fixture_routing"}
    assert [c.get("name") for c in suites["fixture-basic"].findall("testcase")] == [
        "faq-returns-window", "status-anonymous-asks-verification", "edit-verified-webchat"]
    [failure] = root.iter("failure")
    assert "skill: expected order_editing, observed faq" in str(failure.get("message"))


def test_html_escapes_what_suites_and_replies_contain(report: dict[str, Any],
                                                      tmp_path: Path) -> None:
    hostile = by_key(report)["fixture-failing/wrong-skill"]
    hostile["description"] = "<script>alert(1)</script>"
    hostile["runs"][0]["turns"][0]["said"] = "<img src=x onerror=alert(1)>"
    page = PageText()
    page.feed(write_html(report, tmp_path).read_text(encoding="utf-8"))
    assert "script" not in {t for t, _ in page.tags} and "img" not in {t for t, _ in page.tags}
    assert "<script>alert(1)</script>" in " ".join(page.text)
