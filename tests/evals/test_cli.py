"""``customer-agent eval run`` end to end through ``agent.cli.main``: exit codes, reports,
baselines, routing thresholds, the LLM brain on the loopback fake, and parallel jobs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent import cli
from evals.embedding import SharedEmbedder
from tests.agent.llm_helpers import API_KEY, reworded, understood
from tests.evals.conftest import DATA
from tests.fakes.openai_server import FakeOpenAI

Eval = Callable[..., tuple[int, str, str]]


@pytest.fixture
def eval_run(monkeypatch: pytest.MonkeyPatch, shared_embedder: SharedEmbedder,
             capsys: pytest.CaptureFixture[str]) -> Eval:
    """``eval_run(*args)`` -> (exit code, stdout, stderr) of ``customer-agent eval run``."""
    monkeypatch.setattr("evals.driver.Embedder", lambda: shared_embedder)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(["eval", "run", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def read_report(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / "report.json").read_text())
    return data


def test_a_passing_suite_exits_0_with_a_summary_and_three_reports(eval_run: Eval,
                                                                  tmp_path: Path) -> None:
    code, out, err = eval_run(str(DATA / "basic.yaml"), "--report", str(tmp_path / "r"))
    assert code == 0, out + err
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.json", "report.html",
                                                            "junit.xml"}
    assert "task success (runs passed)  100.0%" in out and out.rstrip().endswith(
        f"report: {tmp_path / 'r'}/report.html")
    assert "PASSED" in out and "3/3" in err  # the progress bar goes to stderr


def test_a_failing_case_exits_1_and_says_what_failed(eval_run: Eval, tmp_path: Path) -> None:
    code, out, _ = eval_run(str(DATA / "failing.yaml"), "--report", str(tmp_path))
    assert code == 1
    assert "FAIL fixture-failing/wrong-skill" in out
    assert "skill: expected order_editing, observed faq" in out
    assert out.rstrip().splitlines()[-2] == "FAILED"
    assert not read_report(tmp_path)["gates"]["passed"]


def test_a_bad_suite_exits_2_naming_file_case_and_key(eval_run: Eval, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("suite: s\ncases:\n  - id: the-case\n    turns:\n"
                   "      - say: hi\n        expect: {stauts: resolved}\n")
    code, out, err = eval_run(str(bad), "--report", str(tmp_path / "r"))
    assert code == 2 and out == ""
    assert err.strip() == (f"customer-agent: bad suite file: {bad}: case 'the-case' turn 1: "
                           "expect: unknown key 'stauts' (allowed: cites, handoff, "
                           "handoff_reason, identity, link_contains, no_parts, parts, "
                           "redirect_to, shown_not_contains, skill, skill_in, status, "
                           "text_contains, text_not_contains, topics)")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("args", [["--k", "0"], ["--jobs", "two"], ["--brain", "gpt"]])
def test_bad_options_exit_2(eval_run: Eval, args: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        eval_run(str(DATA / "basic.yaml"), *args)
    assert raised.value.code == 2


def test_baseline_improvement_passes_and_regression_fails_naming_the_metric(
        eval_run: Eval, tmp_path: Path) -> None:
    code, _, _ = eval_run(str(DATA / "basic.yaml"), "--report", str(tmp_path / "first"))
    assert code == 0
    baseline = read_report(tmp_path / "first")

    worse = json.loads(json.dumps(baseline))
    worse["metrics"]["task_success"] = 0.5
    worse["metrics"]["latency_ms"].update(p50=60_000.0, p95=60_000.0)  # timing is not the test
    (tmp_path / "worse.json").write_text(json.dumps(worse))
    code, out, _ = eval_run(str(DATA / "basic.yaml"), "--baseline", str(tmp_path / "worse.json"),
                            "--report", str(tmp_path / "improved"))
    assert code == 0, out
    comparison = read_report(tmp_path / "improved")["gates"]["baseline"]
    assert comparison["regressions"] == [] and len(comparison["compared"]) >= 8

    better = json.loads(json.dumps(baseline))
    better["metrics"]["latency_ms"].update(p50=60_000.0, p95=0.5)  # only p95 can regress
    (tmp_path / "better.json").write_text(json.dumps(better))
    code, out, _ = eval_run(str(DATA / "basic.yaml"), "--baseline", str(tmp_path / "better.json"),
                            "--report", str(tmp_path / "regressed"))
    assert code == 1
    [gate] = [line for line in out.splitlines() if line.startswith("GATE")]
    assert gate.startswith("GATE regression: latency_ms.p95 0.5 -> ")


def test_a_baseline_that_is_not_a_report_exits_2(eval_run: Eval, tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"metrics": {}}')
    code, _, err = eval_run(str(DATA / "basic.yaml"), "--baseline", str(tmp_path / "notes.json"))
    assert code == 2 and "bad baseline" in err and "notes.json: not an eval report" in err


def test_a_missed_routing_threshold_exits_1(eval_run: Eval, tmp_path: Path) -> None:
    routing = tmp_path / "routing"
    shutil.copytree(DATA / "routing", routing)
    with (routing / "fixture_routing.jsonl").open("a") as lines:
        lines.write('{"id": "mislabelled", "text": "where is my parcel", '
                    '"expected_skill": "returns"}\n')
    (routing / "thresholds.json").write_text('{"min_accuracy": 0.95}')
    code, out, _ = eval_run(str(routing), "--report", str(tmp_path / "r"))
    assert code == 1
    assert "GATE routing below threshold" in out and "accuracy 0.833 (min 0.95)" in out
    junit = (tmp_path / "r" / "junit.xml").read_text()
    assert 'type="ThresholdMissed"' in junit


FAQ_SUITE = """\
suite: llm
cases:
  - id: delivery-question
    turns:
      - say: "how long does delivery to Germany take?"
        expect: {skill: faq, text_contains: ["Good question."]}
"""


def test_the_llm_brain_reports_model_calls_and_tokens(
        eval_run: Eval, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = tmp_path / "llm.yaml"
    suite.write_text(FAQ_SUITE)
    with FakeOpenAI() as fake:
        for name, value in {"BASE_URL": fake.url, "API_KEY": API_KEY, "MODEL": "fake-model",
                            "BACKOFF_SECONDS": "0"}.items():
            monkeypatch.setenv(f"CUSTOMER_AGENT_LLM_{name}", value)
        fake.reply(understood("faq")).reply(reworded(lambda draft: f"Good question. {draft}"))
        code, out, _ = eval_run(str(suite), "--brain", "llm", "--report", str(tmp_path / "r"))
    assert code == 0, out
    report = read_report(tmp_path / "r")
    [turn] = report["cases"][0]["runs"][0]["turns"]
    assert [c["purpose"] for c in turn["model_calls"]] == ["understand", "compose"]
    assert turn["model_call_count"] == 2
    assert turn["prompt_tokens"] > 0 and turn["completion_tokens"] > 0
    assert report["metrics"]["model_calls_per_turn"] == 2
    assert report["metrics"]["tokens_per_turn"] == turn["prompt_tokens"] + \
        turn["completion_tokens"]
    assert report["run"]["brain"] == "llm" and report["run"]["llm_model"] == "fake-model"
    assert "model calls / turn          2" in out


def test_the_llm_brain_without_a_model_exits_2(eval_run: Eval) -> None:
    code, _, err = eval_run(str(DATA / "basic.yaml"), "--brain", "llm")
    assert code == 2
    assert err.strip() == "customer-agent: set CUSTOMER_AGENT_LLM_MODEL to use the LLM brain"


def test_parallel_jobs_give_the_same_results(eval_run: Eval, tmp_path: Path) -> None:
    code, _, _ = eval_run(str(DATA), "--jobs", "2", "--report", str(tmp_path / "two"))
    assert code == 1  # the fixture-failing suite
    parallel = read_report(tmp_path / "two")
    code, _, _ = eval_run(str(DATA), "--report", str(tmp_path / "one"))
    single = read_report(tmp_path / "one")

    def outcomes(report: dict[str, Any]) -> list[Any]:
        return [(c["key"], c["passed"], [(t["skill"], t["status"], t["identity"])
                                         for t in c["runs"][0]["turns"]])
                for c in report["cases"]] + [r["predicted_skill"] for r in report["routing"]]

    assert outcomes(parallel) == outcomes(single)
    assert parallel["run"]["jobs"] == 2
