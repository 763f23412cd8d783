"""STOP / START / HELP keywords: recognised before the agent, and what they do end to end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agent.runtime import Runtime
from agent.turns import InboundMessage, TurnResult
from channels.twilio_keywords import Keyword, keyword_of, keyword_reply
from skills.parts import Channel
from tests.channels.twilio_helpers import (  # noqa: F401 (fixtures)
    RETURN_QUESTION,
    SHOPPER,
    AppFactory,
    clock_fixture,
    fake_twilio_fixture,
    messages_of,
    outbox_rows,
    teammate_reply,
    text_in,
    twilio_app_fixture,
)
from tests.fakes.twilio_server import FakeTwilioServer, new_sid

CONVERSATION = f"sms:{SHOPPER}"
WHATSAPP_SHOPPER = f"whatsapp:{SHOPPER}"


@pytest.mark.parametrize(("text", "opted_out", "keyword"), [
    ("STOP", False, Keyword.OPT_OUT),
    ("stop", False, Keyword.OPT_OUT),
    ("  Stop!  ", False, Keyword.OPT_OUT),
    ("stop all", False, Keyword.OPT_OUT),
    ("StopAll", False, Keyword.OPT_OUT),
    ("Unsubscribe.", False, Keyword.OPT_OUT),
    ("end", False, Keyword.OPT_OUT),
    ("QUIT", False, Keyword.OPT_OUT),
    ("cancel", False, Keyword.OPT_OUT),
    ("opt-out", False, None),
    ("OPTOUT", False, Keyword.OPT_OUT),
    ("revoke", False, Keyword.OPT_OUT),
    ("START", True, Keyword.OPT_IN),
    ("start", False, Keyword.OPT_IN),
    ("Unstop", True, Keyword.OPT_IN),
    ("yes", True, Keyword.OPT_IN),
    ("yes", False, None),  # an answer to the agent, unless the number opted out
    ("HELP", False, Keyword.HELP),
    ("help?", False, Keyword.HELP),
    ("info", True, Keyword.HELP),
    ("please stop", False, None),
    ("cancel my order", False, None),
    ("I need help with my order", False, None),
    ("", False, None),
])
def test_keyword_of(text: str, opted_out: bool, keyword: Keyword | None) -> None:
    assert keyword_of(text, opted_out=opted_out) is keyword


@pytest.mark.parametrize(("keyword", "channel", "replies"), [
    (Keyword.HELP, Channel.SMS, True),
    (Keyword.HELP, Channel.WHATSAPP, True),
    (Keyword.OPT_OUT, Channel.SMS, False),  # Twilio's opt-out handling confirms on SMS
    (Keyword.OPT_IN, Channel.SMS, False),
    (Keyword.OPT_OUT, Channel.WHATSAPP, True),  # WhatsApp has no such handling
    (Keyword.OPT_IN, Channel.WHATSAPP, True),
])
def test_keyword_reply(keyword: Keyword, channel: Channel, replies: bool) -> None:
    reply = keyword_reply(keyword, channel, "Fjord & Fell", "help@shop.example")
    assert (reply is not None) is replies
    if reply is not None:
        assert "Fjord & Fell" in reply


def count_agent_turns(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the text of every message the engine takes a turn on."""
    seen: list[str] = []
    process: Callable[..., TurnResult] = runtime.turns.process

    def counting(message: InboundMessage, inbound_id: int, *claim: Any) -> TurnResult:
        seen.append(message.text)
        return process(message, inbound_id, *claim)

    monkeypatch.setattr(runtime.turns, "process", counting)
    return seen


def keyword_events(runtime: Runtime, conversation_id: str) -> list[dict[str, Any]]:
    return [e.detail for e in runtime.services.store.events(conversation_id)
            if e.kind == "keyword"]


@pytest.mark.parametrize("stop", ["STOP", "stop", " Stop! ", "Unsubscribe.", "stop all"])
def test_after_stop_nothing_is_sent_until_start(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer,
        monkeypatch: pytest.MonkeyPatch, stop: str) -> None:
    runtime, client = twilio_app()
    turns = count_agent_turns(runtime, monkeypatch)
    store = runtime.services.store

    assert text_in(client, SHOPPER, stop).status_code == 200
    assert turns == []  # the agent never saw it
    assert store.suppression_reasons(SHOPPER) == ["opt_out"]
    [stored] = messages_of(runtime, CONVERSATION)
    assert (stored.direction, stored.text, stored.delivery_state) == ("in", stop, "processed")

    text_in(client, SHOPPER, RETURN_QUESTION)
    assert teammate_reply(runtime, "Hi, this is Maja from the team.") == "suppressed"
    assert turns == [RETURN_QUESTION]  # the agent answers, but the answer is not sent
    assert [r.state for r in outbox_rows(runtime)] == ["suppressed", "suppressed"]
    assert fake_twilio.attempts == []

    text_in(client, SHOPPER, "START")
    assert store.suppression_reasons(SHOPPER) == []
    assert turns == [RETURN_QUESTION]
    text_in(client, SHOPPER, RETURN_QUESTION)
    [sent] = fake_twilio.messages
    assert sent.to == SHOPPER and sent.body is not None and "30 days" in sent.body
    assert [e["action"] for e in keyword_events(runtime, CONVERSATION)] == ["opt_out", "opt_in"]


def test_help_answers_with_the_store_and_its_support_contact(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, client = twilio_app(support_email="care@shop.example")
    turns = count_agent_turns(runtime, monkeypatch)
    sid = new_sid()
    text_in(client, SHOPPER, "Help", sid=sid)
    text_in(client, SHOPPER, "Help", sid=sid)  # Twilio retrying the webhook

    assert turns == []
    [sent] = fake_twilio.messages
    assert sent.to == SHOPPER and sent.body is not None
    assert "Fjord & Fell" in sent.body and "care@shop.example" in sent.body
    [row] = outbox_rows(runtime)
    assert (row.kind, row.payload["encoding"], row.payload["segments"]) == (
        "keyword_reply", "GSM-7", 1)
    assert runtime.services.store.suppression_reasons(SHOPPER) == []


def test_yes_is_an_answer_for_the_agent_unless_the_number_opted_out(
        twilio_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, client = twilio_app()
    turns = count_agent_turns(runtime, monkeypatch)
    text_in(client, SHOPPER, "yes")
    assert turns == ["yes"]

    text_in(client, SHOPPER, "STOP")
    text_in(client, SHOPPER, "Yes")
    assert turns == ["yes"]
    assert runtime.services.store.suppression_reasons(SHOPPER) == []


def test_on_whatsapp_stop_is_confirmed_once_and_then_nothing_follows(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, WHATSAPP_SHOPPER, "stop")
    text_in(client, WHATSAPP_SHOPPER, RETURN_QUESTION)

    [confirmation] = fake_twilio.messages
    assert confirmation.to == WHATSAPP_SHOPPER
    assert confirmation.body is not None and "Reply START" in confirmation.body
    assert [r.state for r in outbox_rows(runtime)] == ["sent", "suppressed"]

    text_in(client, WHATSAPP_SHOPPER, "start")
    assert len(fake_twilio.messages) == 2
    assert "again" in (fake_twilio.messages[-1].body or "")


def test_stop_on_whatsapp_also_silences_sms_to_the_same_number(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, WHATSAPP_SHOPPER, "STOP")
    text_in(client, SHOPPER, RETURN_QUESTION)

    assert outbox_rows(runtime, CONVERSATION)[0].state == "suppressed"
    assert len(fake_twilio.messages) == 1  # only the WhatsApp confirmation
