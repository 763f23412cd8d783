"""A reply stored by a process that died before handing it to the outbox is sent by the
housekeeping once it is older than the abandonment age: once, and only such replies."""

from __future__ import annotations

import pytest

from agent.turns import InboundMessage
from agent.unsent_replies import send_unsent_replies
from skills.parts import Channel
from tests.channels.twilio_helpers import MovableClock, clock_fixture  # noqa: F401
from tests.conftest import RuntimeFactory

SHOPPER = "+4520000003"


def sms(text: str) -> InboundMessage:
    return InboundMessage(conversation_id=f"sms:{SHOPPER}", channel=Channel.SMS,
                          sender=SHOPPER, text=text)


def test_a_reply_left_unsent_by_a_dead_process_is_sent_once(
        make_runtime: RuntimeFactory, clock: MovableClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = make_runtime()
    store = runtime.services.store
    monkeypatch.setattr(runtime.turns, "_send", lambda *args: None)  # killed right here
    runtime.turns.handle(sms("do you ship to Germany?"))
    [reply] = [m for m in store.messages(f"sms:{SHOPPER}") if m.direction == "out"]
    assert reply.delivery_state == "pending" and store.outbox() == []

    assert send_unsent_replies(runtime.services) == []  # a live turn may still be writing
    clock.advance(minutes=3)
    assert send_unsent_replies(runtime.services) == [reply.id]
    [row] = store.outbox()
    assert (row.message_id, row.recipient, row.kind, row.state) == (
        reply.id, SHOPPER, "reply", "held")
    assert "Germany" in row.body
    assert send_unsent_replies(runtime.services) == []  # never twice
    assert len(store.outbox()) == 1
    assert [m.delivery_state for m in store.messages(f"sms:{SHOPPER}")
            if m.id == reply.id] == ["held"]


def test_replies_that_reached_the_outbox_are_left_alone(
        make_runtime: RuntimeFactory, clock: MovableClock) -> None:
    runtime = make_runtime()
    runtime.turns.handle(sms("do you ship to Germany?"))
    assert len(runtime.services.store.outbox()) == 1
    clock.advance(minutes=3)
    assert send_unsent_replies(runtime.services) == []
    assert len(runtime.services.store.outbox()) == 1
