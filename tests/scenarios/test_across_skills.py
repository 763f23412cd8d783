"""Across skills: several requests in one message, and inbox topics on the TurnResult."""

from __future__ import annotations

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from tests.scenarios.chat import CHANNELS, Shopper, of_type, text_of, types


@pytest.mark.parametrize("channel", CHANNELS)
def test_two_requests_first_is_handled_then_the_second(runtime: Runtime,
                                                       channel: str) -> None:
    email, number = DEMO_CASES["editable"]
    shopper = Shopper(runtime, channel, verified_email=email)
    result = shopper.say(f"I want to change order {number} and also what are your "
                         "opening hours?")
    run = [t["skill"] for t in result.trace if t["node"] == "run_skill"]
    assert run == ["order_editing", "faq"]
    assert result.skill == "order_editing"
    text = text_of(result)
    assert text.index("can still be changed") < text.index("Now, your other question:") \
        < text.index("Monday to Friday")
    assert {c["source"] for c in of_type(result, "citation")} == {
        "order-changes-and-cancellations.md", "store-information.md"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_second_request_waits_for_verification_then_follows(runtime: Runtime,
                                                                channel: str) -> None:
    shopper = Shopper(runtime, channel, as_email=DEMO_CASES["editable"][0])
    first = shopper.say("Where is my order? Also do you ship to Germany?")
    assert first.skill == "order_status" and first.status == "needs_identity"
    assert "I'll come to your other question" in text_of(first)
    assert "Germany" not in text_of(first)
    after = shopper.say_code()
    run = [t["skill"] for t in after.trace if t["node"] == "run_skill"]
    assert run == ["order_status", "faq"]
    assert "We ship to every EU country, including Germany" in text_of(after)


def test_one_request_is_not_split(runtime: Runtime) -> None:
    result = Shopper(runtime, "webchat").say("Where is my order? It's been a week.")
    assert [t["skill"] for t in result.trace if t["node"] == "run_skill"] == ["order_status"]
    assert "other question" not in text_of(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_topics_threshold_cap_and_order(runtime: Runtime, channel: str) -> None:
    shopper = Shopper(runtime, channel)
    assert shopper.say("hi").topics == []
    assert shopper.say("do you ship to Norway?").topics == ["Delivery & shipping"]
    assert shopper.say("thanks!").topics == ["Delivery & shipping"]
    assert shopper.say("what is the fleece made of?").topics == [
        "Product details", "Delivery & shipping"]
    third = shopper.say("are you open on saturday?")
    assert third.topics == ["Store information", "Product details"]
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.topics == third.topics


def test_a_skill_whose_prerequisites_fail_hands_off(make_runtime) -> None:  # type: ignore[no-untyped-def]
    runtime = make_runtime(returns_url_template="")
    email, number = DEMO_CASES["delivered_recent"]
    result = Shopper(runtime, "webchat", verified_email=email).say(
        f"I want to return the boots from order {number}")
    assert result.status == "handoff"
    assert result.handoff is not None
    assert result.handoff["reason"] == "skill_unavailable:returns"
    assert "handoff_notice" in types(result)


@pytest.mark.parametrize("closing", [["thanks!", "bye"], ["ok great, thank you"],
                                     ["have a nice day"], ["thanks", "that's all, bye"]])
def test_thanks_and_goodbye_are_acknowledged_without_a_ticket(
        runtime: Runtime, closing: list[str]) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("do you ship to Norway?")
    for text in closing:
        reply = shopper.say(text)
        assert (reply.status, reply.handoff) == ("resolved", None)
        assert "welcome" in text_of(reply).lower()
    assert runtime.services.store.tickets(shopper.conversation_id) == []
    again = shopper.say("how long do I have to return something?")
    assert again.skill == "faq" and of_type(again, "citation")


def test_a_number_picks_from_the_menu_shown_after_a_greeting_on_sms(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender="+4520999999")
    greeted = shopper.say("hi")
    assert "quick_replies" in types(greeted)
    picked = shopper.say("5")
    assert (picked.skill, picked.handoff is not None) == ("handoff", True)


def test_after_a_greeting_a_real_question_is_routed_as_usual(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("hello")
    answer = shopper.say("how long do I have to return something?")
    assert answer.skill == "faq" and of_type(answer, "citation")
