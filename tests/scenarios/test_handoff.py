"""Handoff through the graph: triggers, tickets, business hours, contact, human ownership."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.cli import main
from agent.runtime import Runtime
from tests.conftest import RuntimeFactory, cli_location
from tests.scenarios.chat import CHANNELS, Shopper, of_type, text_of, types

SATURDAY_EVENING = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("text", "reason"), [
    ("I'm going to contact my lawyer about this order", "legal_threat"),
    ("This is ridiculous, where is my order", "anger"),
    ("I want to make a complaint about your service", "complaint"),
    ("You charged me twice for the same jacket", "billing"),
    ("I can't log in to my account", "account"),
    ("Can I speak to a real person?", "customer_request"),
])
def test_triggers_file_a_ticket_with_reason_topics_and_transcript(
        runtime: Runtime, channel: str, text: str, reason: str) -> None:
    shopper = Shopper(runtime, channel)
    shopper.say("where is my parcel?")
    result = shopper.say(text)
    assert result.status == "handoff" and result.skill == "handoff"
    assert result.handoff is not None and result.handoff["reason"] == reason
    ticket = runtime.services.store.tickets(shopper.conversation_id)[0]
    assert ticket.reason == reason and text[:40] in ticket.summary
    assert "Order status" in ticket.topics
    assert [m["text"] for m in ticket.transcript if m["direction"] == "in"] == [
        "where is my parcel?", text]
    notice = of_type(result, "handoff_notice")[0]
    assert notice["expected_reply"] == "within 1 business day"
    assert notice["ticket_id"] == ticket.id


@pytest.mark.parametrize("channel", CHANNELS)
def test_outside_business_hours_the_notice_says_when(make_runtime: RuntimeFactory,
                                                     channel: str) -> None:
    runtime = make_runtime(now=SATURDAY_EVENING)
    result = Shopper(runtime, channel).say("I want to talk to a human")
    notice = of_type(result, "handoff_notice")[0]
    assert notice["expected_reply"] == "on Monday at 09:00 (Europe/Copenhagen time)"
    assert "offline right now" in notice["text"]
    assert "on Monday at 09:00" in notice["text"]


def test_webchat_visitor_without_email_is_asked_for_one(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    result = shopper.say("I want to talk to a human")
    assert "what email address can we answer you at?" in text_of(result)
    noted = shopper.say("sure, it's visitor@example.org")
    assert text_of(noted) == "Thanks, if you've left by then we'll answer you at " \
                             "visitor@example.org."
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.contact_email == "visitor@example.org"
    assert shopper.say("hello?").parts == []


@pytest.mark.parametrize(("channel", "email"), [
    ("webchat", "astrid.nielsen@example.com"), ("sms", None), ("email", None)])
def test_no_email_question_when_one_is_known_or_off_webchat(runtime: Runtime, channel: str,
                                                            email: str | None) -> None:
    result = Shopper(runtime, channel, as_email=email).say("I want to talk to a human")
    assert types(result) == ["handoff_notice"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_human_owned_thread_gets_no_agent_reply_until_handed_back(
        runtime: Runtime, channel: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    shopper = Shopper(runtime, channel, as_email="astrid.nielsen@example.com")
    shopper.say("get me a human please")
    outbox_before = len(runtime.services.store.outbox())
    for text in ("hello?", "what are your opening hours", "cancel order 1043"):
        quiet = shopper.say(text)
        assert quiet.parts == [] and quiet.status == "handoff"
        assert quiet.rendered.payload.get("messages", []) in ([], None) or \
            quiet.rendered.channel != "webchat"
    assert len(runtime.services.store.outbox()) == outbox_before
    inbound = [m["text"] for m in runtime.services.store.transcript(shopper.conversation_id)
               if m["direction"] == "in"]
    assert inbound[-3:] == ["hello?", "what are your opening hours", "cancel order 1043"]

    assert main([*cli_location(runtime), "conversations", "hand-back",
                 shopper.conversation_id]) == 0
    answered = shopper.say("what are your opening hours")
    assert answered.skill == "faq" and answered.parts


def test_a_closed_conversation_reopens_with_the_agent(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms")
    shopper.say("I want to talk to a person")
    assert main([*cli_location(runtime), "conversations", "close",
                 shopper.conversation_id]) == 0
    again = shopper.say("do you ship to Germany?")
    assert again.skill == "faq" and again.parts
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.status == "open"
