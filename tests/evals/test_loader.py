"""Loading suites: placeholders, defaults, and a readable error for every kind of mistake."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.commerce.demo import DEMO_CASES
from evals.loader import SuiteError, load_suite, load_suites, suite_files
from evals.schema_check import suite_schema
from tests.evals.conftest import DATA

GOOD = """\
suite: sample
defaults:
  channel: sms
  clock: "2026-11-21T20:00:00Z"
cases:
  - id: first
    customer: {case: editable, verified: true}
    turns:
      - say: "change order {order} for {email}, not {order:cancelled} of {email:cancelled}"
        expect:
          text_not_contains: ["{order:cancelled}"]
          link_contains: "/orders/{order}/"
  - id: second
    channel: email
    clock: "2026-11-20T12:00:00+01:00"
    customer: {email: someone@example.com, claimed: true, sender: someone@example.com}
    settings: {pinned_product_ids: ["prod-skagen-shell"]}
    turns:
      - say: "{a: 'json-looking injection'}"
      - say_code: true
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_placeholders_defaults_and_overrides(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    first, second = suite.cases
    email, number = DEMO_CASES["editable"]
    other_email, other_number = DEMO_CASES["cancelled"]

    assert first.turns[0].say == \
        f"change order {number} for {email}, not {other_number} of {other_email}"
    assert first.turns[0].expect == {"text_not_contains": [other_number],
                                     "link_contains": f"/orders/{number}/"}
    assert (first.channel, first.clock) == ("sms", datetime(2026, 11, 21, 20, tzinfo=UTC))
    assert first.shopper.verified and first.shopper.order == number
    assert second.channel == "email"
    assert second.clock == datetime(2026, 11, 20, 11, tzinfo=UTC)
    assert second.shopper.claimed and second.shopper.sender == "someone@example.com"
    assert second.settings == {"pinned_product_ids": ["prod-skagen-shell"]}
    assert second.turns[0].say == "{a: 'json-looking injection'}"
    assert second.turns[1].say is None and second.turns[1].say_code
    assert first.key == "sample/first"


BAD_CASES = [
    ("turns:\n      - say: hi\n        expect: {skil: faq}",
     ["case 'bad-one' turn 1", "expect", "unknown key 'skil'", "allowed: cites"]),
    ("turns:\n      - say: hi\n        expect: {status: done}",
     ["case 'bad-one' turn 1", "expect.status", "'done' is not one of"]),
    ("turns:\n      - say: hi\n        expect: {skill: refunds}",
     ["case 'bad-one' turn 1: expect: unknown skill 'refunds'"]),
    ("turns:\n      - say: hi\n        say_code: true",
     ["case 'bad-one' turn 1", "exactly one of 'say' or 'say_code'"]),
    ("turns:\n      - expect: {skill: faq}",
     ["case 'bad-one' turn 1", "exactly one of 'say' or 'say_code'"]),
    ("customer: {case: nope}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "customer.case", "no demo case named 'nope'"]),
    ("customer: {emial: a@b.example}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "customer", "unknown key 'emial'"]),
    ("customer: {verified: true}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "customer.verified needs customer.email"]),
    ("turns: [{say: 'my order {order}'}]",
     ["case 'bad-one' turn 1: {order} needs customer.case"]),
    ("turns: [{say: 'order {order:missing_case}'}]",
     ["case 'bad-one'", "turn 1", "no demo case named 'missing_case'"]),
    ("settings: {now: '2020-01-01T00:00:00Z'}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "settings", "'now' is set by the runner"]),
    ("settings: {edit_window_hourz: 3}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "settings: unknown key 'edit_window_hourz'"]),
    ("settings: {edit_window_hours: soon}\n    turns: [{say: hi}]",
     ["case 'bad-one'", "settings.edit_window_hours"]),
    ("channel: fax\n    turns: [{say: hi}]",
     ["case 'bad-one'", "channel", "'fax' is not one of"]),
    ("clock: tomorrow\n    turns: [{say: hi}]", ["case 'bad-one'", "clock", "does not match"]),
    ("turns: []", ["case 'bad-one'", "turns"]),
]


@pytest.mark.parametrize(("body", "fragments"), BAD_CASES)
def test_a_bad_case_names_file_case_and_key(tmp_path: Path, body: str,
                                            fragments: list[str]) -> None:
    path = write(tmp_path, f"suite: bad\ncases:\n  - id: ok\n    turns: [{{say: hi}}]\n"
                           f"  - id: bad-one\n    {body}\n")
    with pytest.raises(SuiteError) as raised:
        load_suite(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(("text", "fragment"), [
    ("cases: []\n", "'suite' is required"),
    ("suite: x\ncases: [{id: a, turns: [{say: hi}]}, {id: a, turns: [{say: yo}]}]\n",
     "case 'a': id is used twice"),
    ("suite: x\ncolour: blue\ncases: [{id: a, turns: [{say: hi}]}]\n", "unknown key 'colour'"),
    ("suite: x\ncases: [{id: a, turns: [{say: hi}]\n", "not valid YAML"),
])
def test_a_bad_file_is_named(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SuiteError, match=fragment) as raised:
        load_suite(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(("line", "fragment"), [
    ('{"text": "hi"}', "'expected_skill' is required"),
    ('{"id": "r9", "text": "hi", "expected_skill": "refunds"}', "unknown skill 'refunds'"),
    ('{"text": "hi", "expected_skill": "faq", "lang": "en"}', "unknown key 'lang'"),
    ('{"text": "hi", "expected_skill": "faq",}', "not valid JSON"),
])
def test_a_bad_routing_line_is_named_by_file_and_line(tmp_path: Path, line: str,
                                                      fragment: str) -> None:
    path = write(tmp_path, '{"text": "where is my parcel", "expected_skill": "order_status"}\n'
                           f"\n{line}\n", "routing.jsonl")
    with pytest.raises(SuiteError, match=fragment) as raised:
        load_suite(path)
    assert str(raised.value).startswith(f"{path}:3")


def test_routing_lines_ids_and_thresholds(tmp_path: Path) -> None:
    path = write(tmp_path, '{"id": "a", "text": "hi", "expected_skill": "faq"}\n'
                           '{"text": "where is it", "expected_skill": "order_status"}\n',
                 "lines.jsonl")
    (tmp_path / "thresholds.json").write_text(json.dumps({"min_accuracy": 0.8}))
    suite = load_suite(path)
    assert [r.id for r in suite.routing] == ["a", "lines-2"]
    assert suite.thresholds is not None and suite.thresholds.min_accuracy == 0.8
    assert suite.thresholds.min_macro_f1 is None

    (tmp_path / "thresholds.json").write_text(json.dumps({"min_accuracy": 80}))
    with pytest.raises(SuiteError, match=r"thresholds\.json: min_accuracy: 80 is greater than"):
        load_suite(path)


def test_directories_are_searched_recursively_and_names_must_be_unique(tmp_path: Path) -> None:
    files = suite_files([DATA])
    assert [p.name for p in files] == ["basic.yaml", "failing.yaml", "fixture_routing.jsonl"]
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    write(nested, "suite: fixture-basic\ncases: [{id: a, turns: [{say: hi}]}]\n", "dup.yml")
    with pytest.raises(SuiteError, match="suite name 'fixture-basic' is also used by"):
        load_suites([DATA, tmp_path])


@pytest.mark.parametrize(("name", "fragment"), [
    ("missing.yaml", "no such file or directory"), ("notes.txt", "not a suite file")])
def test_paths_that_are_not_suites(tmp_path: Path, name: str, fragment: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SuiteError, match=fragment):
        suite_files([tmp_path / name])
    with pytest.raises(SuiteError, match="no suite files under"):
        suite_files([tmp_path])


def test_the_schema_lists_every_expectation_the_checker_knows() -> None:
    from evals.expectations import CHECKS

    expect = suite_schema()["$defs"]["expect"]["properties"]
    assert set(expect) == set(CHECKS)
