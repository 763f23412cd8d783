"""``customer-agent load`` against a server it starts on loopback: shoppers on webchat,
SMS and email, then the audit of the server's database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.cli import main
from agent.conversations import ConversationStore
from agent.db import make_engine
from evals.load.server import free_port


def test_a_short_load_run_answers_everything_once(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    report_path = tmp_path / "load.json"

    status = main(["load", "--conversations", "4", "--seconds", "10",
                   "--json", str(report_path)])

    report = json.loads(report_path.read_text())
    assert status == 0, report
    assert report["passed"] and report["audit"]["passed"]
    assert report["error_rate"] == 0.0
    channels = report["channels"]
    assert set(channels) == {"webchat", "sms", "sms_reply", "email"}
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in channels.values())
    sent = sum(channels[c]["requests"] for c in ("webchat", "sms", "email"))
    assert report["audit"]["inbound"] == sent, "every message sent is stored, once"
    assert channels["sms_reply"]["requests"] == channels["sms"]["requests"]
    assert report["audit"]["replied"] + report["audit"]["deliberately_unanswered"] == sent
    assert report["turns_still_running_at_audit"] == 0
    assert "audit PASSED" in capsys.readouterr().out


@pytest.mark.parametrize("option", [["--channels", "fax"], ["--conversations", "0"],
                                    ["--seconds", "-1"]])
def test_unusable_options_are_refused(option: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["load", *option])
    assert exit_info.value.code == 2
    assert option[0] in capsys.readouterr().err


def test_a_server_that_does_not_answer_fails_the_run(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    ConversationStore(make_engine(f"sqlite:///{data_dir / 'customer_agent.sqlite'}"))
    report_path = tmp_path / "load.json"

    status = main(["--data-dir", str(data_dir), "load", "--url", f"http://127.0.0.1:{free_port()}",
                   "--channels", "webchat", "--conversations", "2", "--seconds", "1",
                   "--json", str(report_path)])

    report = json.loads(report_path.read_text())
    assert status == 1
    assert report["error_rate"] == 1.0 and not report["passed"]
    assert report["audit"]["inbound"] == 0


def test_sms_against_a_server_given_by_url_needs_its_twilio_token(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMER_AGENT_TWILIO_AUTH_TOKEN", raising=False)

    status = main(["--data-dir", str(tmp_path), "load", "--url", "http://127.0.0.1:9",
                   "--channels", "webchat,sms", "--seconds", "1",
                   "--json", str(tmp_path / "load.json")])

    assert status == 2
    assert "CUSTOMER_AGENT_TWILIO_AUTH_TOKEN" in capsys.readouterr().err
    assert not (tmp_path / "load.json").exists()
