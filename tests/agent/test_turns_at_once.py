"""How many turns one process takes at once: one when a turn is all CPU (offline brain,
demo store), more when turns wait on a model or a shop; the rest wait for a place and are
then answered, none lost."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from agent.config import WAITING_TURNS_AT_ONCE, Settings
from agent.runtime import Runtime
from agent.turns import ClaimLost, InboundMessage
from skills.parts import Channel
from tests.conftest import RuntimeFactory


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, 1),
    ({"brain": "llm"}, WAITING_TURNS_AT_ONCE),
    ({"order_source": "shopify"}, WAITING_TURNS_AT_ONCE),
    ({"chroma_url": "http://127.0.0.1:8001"}, WAITING_TURNS_AT_ONCE),
    ({"database_url": "postgresql+psycopg://postgres@127.0.0.1:5432/test"},
     WAITING_TURNS_AT_ONCE),
    ({"database_url": "sqlite:////tmp/customer-agent.sqlite"}, 1),
    ({"turns_at_once": 4}, 4),
    ({"brain": "llm", "turns_at_once": 2}, 2),
])
def test_turns_at_once_follows_what_a_turn_waits_on(settings: dict[str, Any],
                                                     expected: int) -> None:
    assert Settings(**settings).resolved_turns_at_once() == expected


def test_turns_at_once_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_TURNS_AT_ONCE", "3")
    assert Settings().resolved_turns_at_once() == 3


class HeldTurns:
    """Holds every turn of a runtime for ``seconds`` (a context manager) and records the
    most turns that ran at the same time and the threads they ran on."""

    def __init__(self, runtime: Runtime, seconds: float) -> None:
        self.graph, self.seconds = runtime.turns._graph, seconds
        self.invoke, self.lock = self.graph.invoke, threading.Lock()
        self.running, self.most, self.threads = 0, 0, set[str]()

    def held_invoke(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(self.seconds)
            return self.invoke(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1

    def __enter__(self) -> HeldTurns:
        self.graph.invoke = self.held_invoke
        return self

    def __exit__(self, *exc: object) -> None:
        self.graph.invoke = self.invoke


def most_turns_running_at_once(runtime: Runtime, messages: int) -> tuple[int, list[str]]:
    """Send ``messages`` messages from as many threads at once, each turn held 0.5 s;
    the most turns that ran at the same time, and the skill each reply came from."""
    with HeldTurns(runtime, 0.5) as held, ThreadPoolExecutor(messages) as pool:
        results = list(pool.map(lambda i: runtime.turns.handle(InboundMessage(
            conversation_id=f"at-once-{i}", channel=Channel.WEBCHAT,
            text="do you ship to Germany?")), range(messages)))
    return held.most, [result.skill or "" for result in results]


def test_one_turn_at_a_time_and_every_message_answered(
        make_runtime: RuntimeFactory) -> None:
    most, skills = most_turns_running_at_once(make_runtime(turns_at_once=1), 4)
    assert most == 1
    assert skills == ["faq"] * 4


def test_more_turns_at_once_when_configured(make_runtime: RuntimeFactory) -> None:
    most, skills = most_turns_running_at_once(make_runtime(turns_at_once=3), 4)
    assert most == 3
    assert skills == ["faq"] * 4


def test_awaited_turns_queue_in_the_event_loop_not_on_threads_of_their_own(
        make_runtime: RuntimeFactory) -> None:
    """Async entry points await ``TurnService.run``: eight messages at once are each
    answered, one turn at a time, on the process's single turn thread."""
    runtime = make_runtime(turns_at_once=1)

    async def eight_at_once() -> list[str]:
        results = await asyncio.gather(*(runtime.turns.run(
            runtime.turns.handle, InboundMessage(conversation_id=f"queued-{i}",
                                                 channel=Channel.WEBCHAT,
                                                 text="can I pay with Klarna?"))
            for i in range(8)))
        return [result.skill or "" for result in results]

    with HeldTurns(runtime, 0.05) as held:
        skills = asyncio.run(eight_at_once())
    assert skills == ["faq"] * 8
    assert held.most == 1
    assert len(held.threads) == 1 and next(iter(held.threads)).startswith("turn")


def test_a_slow_provider_does_not_hold_up_other_turns(
        make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reply of an SMS turn is handed to its provider after the turn gave its place
    up: while that provider hangs, a webchat turn in the same process is answered."""
    runtime = make_runtime(turns_at_once=1)
    provider_called, release = threading.Event(), threading.Event()
    send = runtime.services.outbound.send

    def hanging_send(*args: Any, **kwargs: Any) -> Any:
        provider_called.set()
        release.wait(10)
        return send(*args, **kwargs)

    monkeypatch.setattr(runtime.services.outbound, "send", hanging_send)
    with ThreadPoolExecutor(1) as pool:
        sms_turn = pool.submit(runtime.turns.handle, InboundMessage(
            conversation_id="sms:+4520000001", channel=Channel.SMS, sender="+4520000001",
            text="do you ship to Germany?"))
        assert provider_called.wait(10)
        webchat = runtime.turns.handle(InboundMessage(
            conversation_id="web-while-sms-hangs", channel=Channel.WEBCHAT,
            text="can I pay with Klarna?"))
        assert webchat.skill == "faq" and not sms_turn.done()
        release.set()
        assert sms_turn.result(10).skill == "faq"


def test_a_message_taken_up_while_it_waited_is_not_taken_twice(
        make_runtime: RuntimeFactory) -> None:
    """A turn that waited for its place longer than the abandonment age finds its claim
    renewed by another worker: it raises ClaimLost, runs nothing, and leaves the message
    to the turn that holds it (not marked failed, no reply stored)."""
    runtime = make_runtime()
    store, now = runtime.services.store, runtime.services.clock.now()
    message = InboundMessage(conversation_id="sms:+4520000002", channel=Channel.SMS,
                             sender="+4520000002", text="where is my order?",
                             client_message_id="SM-waited")
    inbound_id = runtime.turns.accept(message)
    assert isinstance(inbound_id, int)
    claimed_at = store.claim_of(inbound_id)
    assert store.renew_claim(inbound_id, claimed_at, now + timedelta(minutes=3))
    with pytest.raises(ClaimLost):
        runtime.turns.process(message, inbound_id, claimed_at)
    assert [m.direction for m in store.messages("sms:+4520000002")] == ["in"]
    assert store.messages("sms:+4520000002")[0].delivery_state == "processing"
    answered = runtime.turns.process(message, inbound_id, store.claim_of(inbound_id))
    assert answered.skill is not None
    assert [m.direction for m in store.messages("sms:+4520000002")] == ["in", "out"]
