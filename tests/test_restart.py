"""A pending step survives a restart: the conversation picks up where it stopped.

One test runs the real console script in three separate processes (one-time code flow);
the other closes a runtime in-process and builds a new one on the same data directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from agent.turns import InboundMessage, TurnResult
from skills.parts import Channel
from tests.conftest import FIXED_NOW, RuntimeFactory

ASTRID = "astrid.nielsen@example.com"
CODE = re.compile(r"\b(\d{6})\b")


def console_script() -> str:
    """The installed ``customer-agent`` next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "customer-agent"
    if beside.exists():
        return str(beside)
    found = shutil.which("customer-agent")
    assert found is not None, "the customer-agent console script is not installed"
    return found


def order_numbers_shown(parts: list[dict[str, Any]]) -> set[str]:
    """Order numbers on cards, and ``#NNNN`` in text parts."""
    numbers = {p["order_number"] for p in parts if p["type"] == "order_card"}
    for part in parts:
        if part["type"] == "text":
            numbers.update(re.findall(r"#(\d{4})", part["text"]))
    return numbers


def test_a_pending_code_survives_new_processes(tmp_path: Path, demo_chroma: Path) -> None:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("CUSTOMER_AGENT_")
    }
    env.update(
        CUSTOMER_AGENT_DATA_DIR=str(tmp_path / "data"),
        CUSTOMER_AGENT_NOW=FIXED_NOW.isoformat(),
        CUSTOMER_AGENT_CHROMA_DIR=str(demo_chroma),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    script = console_script()

    def run(*argv: str) -> Any:
        done = subprocess.run(
            [script, *argv],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout)

    first = run(
        "say", "--conversation", "r1", "--as", ASTRID, "I want to cancel order 1036", "--json"
    )
    assert first["status"] == "needs_identity"
    assert first["identity"] == "contact_matched"
    assert "order_card" not in [p["type"] for p in first["parts"]]

    codes = [
        m
        for m in run("outbox", "--json")
        if m["conversation_id"] == "r1" and m["kind"] == "one_time_code"
    ]
    assert len(codes) == 1
    assert codes[0]["to"] == ASTRID
    match = CODE.search(codes[0]["body"])
    assert match is not None
    code = match.group(1)

    third = run("say", "--conversation", "r1", code, "--json")
    assert third["identity"] == "verified"
    assert third["skill"] == "order_editing"
    assert third["status"] == "resolved"
    parts = third["parts"]
    types = [p["type"] for p in parts]
    assert "login_prompt" not in types
    assert "quick_replies" not in types  # not asked for the order again
    assert order_numbers_shown(parts) == {"1036"}
    cards = [p for p in parts if p["type"] == "order_card"]
    assert [(c["order_number"], c["purpose"]) for c in cards] == [("1036", "cancel")]


def _turn(runtime: Runtime, conversation_id: str, text: str, token: str | None) -> TurnResult:
    return runtime.turns.handle(
        InboundMessage(
            conversation_id=conversation_id,
            channel=Channel.WEBCHAT,
            text=text,
            storefront_token=token,
        )
    )


@pytest.mark.parametrize("resend_token", [True, False], ids=["token-resent", "token-once"])
def test_a_pending_choice_survives_a_new_runtime(
    make_runtime: RuntimeFactory, tmp_path: Path, resend_token: bool
) -> None:
    email, number = DEMO_CASES["editable"]
    assert email == ASTRID
    data_dir = tmp_path / "shared-data"

    before = make_runtime(data_dir=data_dir)
    customer = before.services.source.customer_by_email(ASTRID)
    assert customer is not None
    token = before.services.tokens.issue(customer.id, FIXED_NOW)
    first = _turn(before, "restart-1", "I want to change my order", token)
    assert first.identity == "verified"
    assert first.status == "awaiting"
    options = [
        o["value"] for p in first.parts if p["type"] == "quick_replies" for o in p["options"]
    ]
    assert f"#{number}" in options and len(options) > 1
    before.close()

    after = make_runtime(data_dir=data_dir)
    second = _turn(after, "restart-1", f"#{number}", token if resend_token else None)

    assert second.identity == "verified"
    assert second.skill == "order_editing"
    assert second.status == "resolved"
    assert "quick_replies" not in [p["type"] for p in second.parts]
    cards = [p for p in second.parts if p["type"] == "order_card"]
    assert [c["order_number"] for c in cards] == [number]
    transcript = after.services.store.transcript("restart-1")
    assert [m["direction"] for m in transcript] == ["in", "out", "in", "out"]
