"""``customer-agent say --brain llm`` end to end: settings from the environment, the real
``openai`` client, the loopback fake, and the offline brain when the model fails."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent import cli
from knowledge_base.embedder import Embedder
from tests.agent.llm_helpers import API_KEY, reworded, understood
from tests.conftest import FIXED_NOW
from tests.fakes.openai_server import FakeOpenAI

Say = Callable[..., Any]
QUESTION = "how long does delivery to Germany take?"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def say(monkeypatch: pytest.MonkeyPatch, embedder: Embedder, demo_chroma: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], fake: FakeOpenAI) -> Say:
    """``say(text, *options)`` -> the TurnResult JSON of ``say --brain llm --json``."""
    for name in list(os.environ):
        if name.startswith("CUSTOMER_AGENT_"):
            monkeypatch.delenv(name)
    env = {"NOW": FIXED_NOW.isoformat(), "CHROMA_DIR": str(demo_chroma),
           "LLM_BASE_URL": fake.url, "LLM_API_KEY": API_KEY, "LLM_MODEL": "fake-model",
           "LLM_BACKOFF_SECONDS": "0"}
    for name, value in env.items():
        monkeypatch.setenv(f"CUSTOMER_AGENT_{name}", value)
    monkeypatch.setattr("agent.runtime.Embedder", lambda: embedder)

    def run(text: str, *options: str) -> Any:
        capsys.readouterr()
        code = cli.main(["--data-dir", str(tmp_path / "data"), "say", "--conversation", "c1",
                         "--brain", "llm", "--json", *options, text])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out)

    return run


def model_calls(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for entry in result["trace"] for c in entry.get("model_calls", [])]


def test_say_with_the_llm_brain_uses_the_configured_model(say: Say, fake: FakeOpenAI) -> None:
    fake.reply(understood("faq")).reply(reworded(lambda draft: f"Good question. {draft}"))
    result = say(QUESTION)

    assert result["skill"] == "faq"
    assert next(p for p in result["parts"] if p["type"] == "text")["text"].startswith(
        "Good question. ")
    assert [c["purpose"] for c in model_calls(result)] == ["understand", "compose"]
    assert next(e for e in result["trace"] if e["node"] == "understand")["brain"] == "llm"


def test_say_answers_when_the_model_is_down(say: Say, fake: FakeOpenAI) -> None:
    fake.fail(503, times=4)
    result = say(QUESTION, "--channel", "sms")

    assert result["skill"] == "faq" and result["rendered"]["payload"]
    assert [c["outcome"] for c in model_calls(result)] == ["server_error", "server_error"]


def test_the_llm_brain_without_a_model_is_a_clear_error(
        say: Say, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CUSTOMER_AGENT_LLM_MODEL")
    capsys.readouterr()
    code = cli.main(["--data-dir", str(tmp_path / "data"), "say", "--conversation", "c1",
                     "--brain", "llm", QUESTION])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == "customer-agent: set CUSTOMER_AGENT_LLM_MODEL to use the LLM brain"
