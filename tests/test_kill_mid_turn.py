"""``customer-agent serve`` killed (SIGKILL) in the middle of a turn: the restarted server
takes the stored message up again and answers it exactly once, and Twilio's retry of the
same message gets no second reply.

The server runs as Twilio SMS is deployed: signed webhooks in, replies out through the
real ``twilio`` client to the loopback Twilio, and the LLM brain on the loopback OpenAI
endpoint. The first server's model holds the compose call (the last step before the reply
is recorded) until the process is killed, so the kill lands provably mid-turn: the message
is stored, the graph has run its skill, nothing is recorded or sent. The restarted server
keeps the same configuration (a crash does not change it) and its model answers promptly;
its housekeeping finds the turn abandoned and takes it once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

from agent.config import MIN_TURN_ABANDONED_SECONDS
from agent.conversations import ConversationStore
from agent.db import make_engine
from agent.outbox import OutboxMessage
from evals.load.audit import audit_messages
from tests.agent.llm_helpers import API_KEY, reworded, understood
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.twilio_server import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FakeTwilioServer,
    inbound_form,
    new_sid,
    signed_post,
)
from tests.knowledge_base.chroma_server import free_port

T = TypeVar("T")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
STARTUP_SECONDS = 240
TURN_SECONDS = 120
SHOPPER = "+4520123456"
SMS_FROM = "+4570000000"
CONVERSATION = f"sms:{SHOPPER}"
QUESTION = "how long does delivery to Germany take?"
HOUSEKEEPING_SECONDS = 0.5
HELD_FOR_SECONDS = 600.0
"""The first server's compose call answers only this late: long after the kill."""


def eventually(probe: Callable[[], T], what: str, within: float) -> T:
    """``probe``'s first truthy answer; fails the test after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not (found := probe()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)
    return found


def server_environment(data_dir: Path, base: str, demo_chroma: Path, model: FakeOpenAI,
                       twilio: FakeTwilioServer) -> dict[str, str]:
    """A deployment's environment: Twilio SMS and the LLM brain on the loopback fakes, a
    short housekeeping interval and the shortest abandonment age allowed."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("CUSTOMER_AGENT_")}
    env.update({
        "CUSTOMER_AGENT_DATA_DIR": str(data_dir),
        "CUSTOMER_AGENT_CHROMA_DIR": str(demo_chroma),
        "CUSTOMER_AGENT_SECRET_KEY": "test-secret",
        "CUSTOMER_AGENT_PUBLIC_BASE_URL": base,
        "CUSTOMER_AGENT_OUTBOX_RETRY_SECONDS": str(HOUSEKEEPING_SECONDS),
        "CUSTOMER_AGENT_TURN_ABANDONED_AFTER_SECONDS": str(MIN_TURN_ABANDONED_SECONDS),
        "CUSTOMER_AGENT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "CUSTOMER_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "CUSTOMER_AGENT_TWILIO_SMS_FROM": SMS_FROM,
        "CUSTOMER_AGENT_TWILIO_API_BASE_URL": twilio.base_url,
        "CUSTOMER_AGENT_BRAIN": "llm",
        "CUSTOMER_AGENT_LLM_BASE_URL": model.url,
        "CUSTOMER_AGENT_LLM_API_KEY": API_KEY,
        "CUSTOMER_AGENT_LLM_MODEL": "fake-model",
        "CUSTOMER_AGENT_LLM_TIMEOUT_SECONDS": str(HELD_FOR_SECONDS),
        "CUSTOMER_AGENT_LLM_MAX_RETRIES": "0",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
    })
    return env


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``customer-agent serve`` (one worker) once it answers ``/healthz``."""
    with log.open("ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "agent.cli", "--data-dir", env["CUSTOMER_AGENT_DATA_DIR"],
             "serve", "--port", str(port)], env=env, stdout=output, stderr=output)

    def healthy() -> bool:
        assert server.poll() is None, "the server exited:\n" + log.read_text()[-3000:]
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).is_success
        except httpx.HTTPError:
            return False

    try:
        eventually(healthy, "the server to answer /healthz", STARTUP_SECONDS)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: subprocess.Popen[bytes]) -> None:
    """End a server this test started, if it still runs."""
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=30)


def post_inbound(base: str, form: dict[str, str]) -> httpx.Response:
    """An inbound SMS webhook, signed over the public URL as Twilio signs it."""
    url = f"{base}/channels/twilio/messages"
    body, headers = signed_post(url, form)
    return httpx.post(url, content=body, headers=headers, timeout=30)


def replies_in_outbox(store: ConversationStore) -> list[OutboxMessage]:
    return [row for row in store.outbox()
            if row.conversation_id == CONVERSATION and row.kind == "reply"]


Environment = Callable[[FakeOpenAI], dict[str, str]]
"""The server's environment with its model endpoint on a given fake."""


def kill_during_compose(port: int, environment: Environment, form: dict[str, str],
                        log: Path) -> None:
    """Start a server whose model holds the compose call, post the webhook, and SIGKILL
    the server once that call is in flight."""
    with FakeOpenAI() as held_model:
        held_model.reply(understood("faq"), schema="understanding")
        held_model.reply(reworded(str), schema="composition", delay=HELD_FOR_SECONDS)
        server = start_server(port, environment(held_model), log)
        try:
            acknowledged = post_inbound(f"http://127.0.0.1:{port}", form)
            assert (acknowledged.status_code, acknowledged.text) == (200, EMPTY_TWIML)
            eventually(lambda: len(held_model.requests) == 2,
                       "the turn to reach its compose call", TURN_SECONDS)
            server.send_signal(signal.SIGKILL)
            assert server.wait(timeout=30) == -signal.SIGKILL
        finally:
            stop(server)
        assert held_model.purposes == ["understanding", "composition"]


def test_a_server_killed_mid_turn_answers_the_message_once_after_a_restart(
        tmp_path: Path, demo_chroma: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    form = inbound_form(SHOPPER, QUESTION, to=SMS_FROM, sid=new_sid())
    with FakeTwilioServer() as twilio:
        def environment(model: FakeOpenAI) -> dict[str, str]:
            return server_environment(data_dir, base, demo_chroma, model, twilio)

        kill_during_compose(port, environment, form, log)
        store = ConversationStore(make_engine(f"sqlite:///{data_dir}/customer_agent.sqlite"))
        cut_off = store.transcript(CONVERSATION)
        assert [(m["direction"], m["delivery_state"]) for m in cut_off] == [
            ("in", "processing")]
        assert replies_in_outbox(store) == [] and twilio.attempts == []

        with FakeOpenAI() as model:
            model.reply(understood("faq"), schema="understanding")
            model.reply(reworded(lambda draft: f"Happy to help. {draft}"),
                        schema="composition")
            restarted = start_server(port, environment(model), log)
            try:
                [sent] = eventually(lambda: twilio.messages,
                                    "the resumed turn's reply to reach Twilio",
                                    MIN_TURN_ABANDONED_SECONDS + TURN_SECONDS)
                eventually(lambda: [r for r in replies_in_outbox(store) if r.state == "sent"],
                           "the outbox to record the reply as sent", TURN_SECONDS)

                retried = post_inbound(base, form)
                assert (retried.status_code, retried.text) == (200, EMPTY_TWIML)
                # a few housekeeping rounds, in which a wrongly resumed turn would send again
                time.sleep(4 * HOUSEKEEPING_SECONDS)
            finally:
                stop(restarted)
            assert model.purposes == ["understanding", "composition"]

    assert (sent.to, sent.from_) == (SHOPPER, SMS_FROM)
    assert sent.body is not None and sent.body.startswith("Happy to help. ")
    assert twilio.messages == [sent]
    [reply] = replies_in_outbox(store)
    assert (reply.state, reply.provider_id, reply.recipient) == ("sent", sent.sid, SHOPPER)
    transcript = store.transcript(CONVERSATION)
    assert [(m["direction"], m["delivery_state"]) for m in transcript] == [
        ("in", "processed"), ("out", "sent")]
    audit = audit_messages(store.engine)
    assert audit.passed, audit.to_json()
    store.engine.dispose()
