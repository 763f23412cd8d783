"""A process killed mid-turn: the stored message is taken up again after a restart, its
reply is sent once, and a provider's retry of the same message gets no second reply.

Here the crash is simulated (a message accepted and never processed, then a new runtime on
the same data); tests/test_kill_mid_turn.py kills a real server process. A turn that was
not dead after all, only slower than ``turn_abandoned_after_seconds``, finishes without a
second reply.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from agent.config import Settings
from agent.runtime import Runtime
from agent.turns import InboundMessage
from skills.parts import Channel
from tests.conftest import FIXED_NOW, RuntimeFactory


def message(sid: str) -> InboundMessage:
    return InboundMessage(conversation_id="sms:+4520123456", channel=Channel.SMS,
                          text="how long do I have to return something?",
                          sender="+4520123456", client_message_id=sid)


def replies(runtime: Runtime, conversation_id: str) -> list[str]:
    store = runtime.services.store
    return [m.recipient for m in store.outbox()
            if m.conversation_id == conversation_id and m.kind == "reply"]


def test_a_turn_cut_off_after_the_message_was_stored_is_resumed_once_after_a_restart(
        make_runtime: RuntimeFactory) -> None:
    crashed = make_runtime(turn_abandoned_after_seconds=45)
    same_data = {"data_dir": crashed.settings.data_dir,
                 "database_url": crashed.settings.database_url,
                 "turn_abandoned_after_seconds": 45}
    inbound_id = crashed.turns.accept(message("SM-crash-1"))
    assert isinstance(inbound_id, int)
    crashed.close()  # the process dies before the turn ran

    too_soon = make_runtime(**same_data, now=FIXED_NOW + timedelta(seconds=40))
    assert too_soon.turns.resume_abandoned() == []
    too_soon.close()

    restarted = make_runtime(**same_data, now=FIXED_NOW + timedelta(seconds=50))
    assert restarted.turns.resume_abandoned() == [inbound_id]
    assert restarted.turns.resume_abandoned() == []
    assert replies(restarted, "sms:+4520123456") == ["+4520123456"]
    retried = restarted.turns.handle(message("SM-crash-1"))
    assert retried.skill == "faq"
    assert replies(restarted, "sms:+4520123456") == ["+4520123456"]
    transcript = restarted.services.store.transcript("sms:+4520123456")
    assert [(m["direction"], m["delivery_state"]) for m in transcript] == [
        ("in", "processed"), ("out", "held")]


def test_the_abandonment_age_cannot_be_set_below_a_slow_models_turn() -> None:
    with pytest.raises(ValidationError, match="turn_abandoned_after_seconds"):
        Settings(turn_abandoned_after_seconds=5)


def test_a_slow_turn_taken_up_as_abandoned_while_it_runs_is_answered_once(
        make_runtime: RuntimeFactory) -> None:
    slow = make_runtime()
    same_data = {"data_dir": slow.settings.data_dir,
                 "database_url": slow.settings.database_url}
    inbound_id = slow.turns.accept(message("SM-slow-1"))
    assert isinstance(inbound_id, int)

    housekeeper = make_runtime(**same_data, now=FIXED_NOW + timedelta(minutes=3))
    assert housekeeper.turns.resume_abandoned() == [inbound_id]
    assert replies(housekeeper, "sms:+4520123456") == ["+4520123456"]

    finished_late = slow.turns.process(message("SM-slow-1"), inbound_id)

    assert replies(housekeeper, "sms:+4520123456") == ["+4520123456"]
    answered = housekeeper.services.store.result_for(inbound_id)
    assert finished_late.model_dump(mode="json") == answered
    transcript = housekeeper.services.store.transcript("sms:+4520123456")
    assert [(m["direction"], m["delivery_state"]) for m in transcript] == [
        ("in", "processed"), ("out", "held")]
