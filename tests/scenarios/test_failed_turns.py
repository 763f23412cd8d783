"""A turn that fails is not lost: if nobody takes the message up again (a webhook provider
never retries after its acknowledgement), it goes to a person with a ticket and the
shopper is told on their own channel; once, however often the housekeeping runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from agent.app import housekeeping
from agent.failed_turns import hand_failed_turns_to_people
from agent.runtime import Runtime
from agent.turns import InboundMessage
from skills.parts import Channel
from tests.conftest import FIXED_NOW, RuntimeFactory

SHOPPER = "+4520123456"
NOTICE = "passed this to our customer care team"


def sms(text: str, sid: str) -> InboundMessage:
    return InboundMessage(conversation_id=f"sms:{SHOPPER}", channel=Channel.SMS, text=text,
                          sender=SHOPPER, client_message_id=sid)


def fail_one_turn(runtime: Runtime, message: InboundMessage,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Take a turn whose understanding raises, as a bug would."""
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug in understanding")

    with monkeypatch.context() as patch:
        patch.setattr(runtime.services.brain, "understand", broken)
        with pytest.raises(RuntimeError):
            runtime.turns.handle(message)


def later(make_runtime: RuntimeFactory, first: Runtime, seconds: float) -> Runtime:
    """Another process on the same data, ``seconds`` after the failure."""
    return make_runtime(data_dir=first.settings.data_dir,
                        database_url=first.settings.database_url,
                        turn_abandoned_after_seconds=60,
                        now=FIXED_NOW + timedelta(seconds=seconds))


def test_a_failed_sms_turn_goes_to_a_person_and_the_shopper_is_told_once(
        make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = make_runtime(turn_abandoned_after_seconds=60)
    fail_one_turn(failing, sms("where is my order 1043?", "SM-fail-1"), monkeypatch)
    conversation_id = f"sms:{SHOPPER}"

    too_soon = later(make_runtime, failing, 30)
    assert hand_failed_turns_to_people(too_soon.services) == []

    housekeeping = later(make_runtime, failing, 90)
    store = housekeeping.services.store
    assert len(hand_failed_turns_to_people(housekeeping.services)) == 1
    assert hand_failed_turns_to_people(housekeeping.services) == []
    [ticket] = store.tickets(conversation_id)
    assert ticket.reason == "agent_error" and "where is my order 1043?" in ticket.summary
    conversation = store.conversation(conversation_id)
    assert conversation is not None and conversation.owner == "human"
    [notice] = [m for m in store.outbox() if m.conversation_id == conversation_id]
    assert notice.recipient == SHOPPER and NOTICE in notice.body
    transcript = store.transcript(conversation_id)
    assert [(m["direction"], m["delivery_state"]) for m in transcript] == [
        ("in", "processed"), ("out", "held")]

    follow_up = housekeeping.turns.handle(sms("hello?", "SM-fail-2"))
    assert follow_up.handoff == {"reason": "human_owned", "ticket_id": None}
    assert len([m for m in store.outbox() if m.conversation_id == conversation_id]) == 1


def test_a_failed_turn_taken_up_again_by_the_client_is_not_handed_over(
        make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = make_runtime(turn_abandoned_after_seconds=60)
    message = InboundMessage(conversation_id="web-retry", channel=Channel.WEBCHAT,
                             text="do you ship to Norway?", client_message_id="c-1")
    fail_one_turn(failing, message, monkeypatch)
    assert failing.turns.handle(message).skill == "faq"  # the widget's retry, same id

    housekeeping = later(make_runtime, failing, 90)
    assert hand_failed_turns_to_people(housekeeping.services) == []
    assert housekeeping.services.store.tickets("web-retry") == []


def test_a_failed_webchat_turn_tells_the_visitor_in_the_chat(
        make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = make_runtime(turn_abandoned_after_seconds=60)
    message = InboundMessage(conversation_id="web-broken", channel=Channel.WEBCHAT,
                             text="do you ship to Norway?", client_message_id="c-broken")
    fail_one_turn(failing, message, monkeypatch)
    restarted = later(make_runtime, failing, 90)
    housekeeping(restarted)  # what the server runs every few seconds
    [_, notice] = restarted.services.store.transcript("web-broken")
    assert (notice["direction"], notice["delivery_state"]) == ("out", "delivered")
    assert NOTICE in notice["text"]
    assert [p["type"] for p in notice["parts"]] == ["handoff_notice"]
    retried = restarted.turns.handle(message)  # the widget retries late: it gets the notice
    assert retried.handoff is not None and retried.handoff["reason"] == "agent_error"
