"""Order editing through the graph, every bullet of its behaviour, on each of the four channels."""

from __future__ import annotations

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from tests.conftest import RuntimeFactory
from tests.scenarios.chat import (
    CHANNELS,
    Shopper,
    of_type,
    text_of,
    types,
    urls_shown,
    verified,
)

EDIT_URL = "http://127.0.0.1:8000/account/orders/{number}/edit"


def assert_edit_link(result, channel: str, number: str, label: str = "Edit order") -> None:  # type: ignore[no-untyped-def]
    url = EDIT_URL.format(number=number)
    if channel == "webchat":
        cards = of_type(result, "order_card")
        assert len(cards) == 1 and cards[0]["order_number"] == number
        assert {"label": label, "url": url} in cards[0]["actions"]
        assert not of_type(result, "link")
    else:
        assert not of_type(result, "order_card")
        assert [p["url"] for p in of_type(result, "link")] == [url]


def citation_headings(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["heading"] for c in of_type(result, "citation")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_unverified_shopper_verifies_and_the_request_continues(runtime: Runtime,
                                                               channel: str) -> None:
    email, number = DEMO_CASES["editable"]
    shopper = Shopper(runtime, channel, as_email=email)
    first = shopper.say(f"I need to change the size on order #{number}")
    assert first.status == "needs_identity" and first.identity == "contact_matched"
    assert types(first) == ["login_prompt"]
    assert first.skill == "order_editing"

    second = shopper.say_code()
    assert second.identity == "verified"
    assert second.status == "resolved"
    assert "login_prompt" not in types(second)
    assert_edit_link(second, channel, number)
    assert "Changing an order" in citation_headings(second)


@pytest.mark.parametrize("channel", CHANNELS)
def test_anonymous_shopper_gives_email_then_code(runtime: Runtime, channel: str) -> None:
    email, number = DEMO_CASES["editable"]
    shopper = Shopper(runtime, channel)
    first = shopper.say(f"can I change my order {number}?")
    assert first.identity == "anonymous" and first.status == "needs_identity"
    prompt = of_type(first, "login_prompt")[0]
    assert (prompt["login_url"] is not None) == (channel == "webchat")

    second = shopper.say(f"it's {email}")
    assert second.status == "needs_identity" and types(second) == ["login_prompt"]
    sent = [m for m in runtime.services.store.outbox()
            if m.conversation_id == shopper.conversation_id and m.kind == "one_time_code"]
    assert [m.recipient for m in sent] == [email]

    third = shopper.say_code()
    assert third.identity == "verified" and third.status == "resolved"
    assert_edit_link(third, channel, number)


@pytest.mark.parametrize("channel", CHANNELS)
def test_editable_order_links_to_the_self_service_page(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "editable", channel)
    result = shopper.say(f"I want to change the colour on order {number}")
    assert result.status == "resolved" and result.skill == "order_editing"
    assert_edit_link(result, channel, number)
    assert "can still be changed until" in text_of(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_partially_fulfilled_names_both_sides_and_redirects_shipped_items(
        runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "partially_fulfilled_editable", channel)
    result = shopper.say(f"I need to change my order #{number}")
    text = text_of(result)
    assert result.status == "redirect" and result.redirect_to == "returns"
    assert "already shipped: Merino Hiking Socks" in text
    assert "Hardanger Grid Fleece (S / Heather Grey) can still be changed" in text
    assert_edit_link(result, channel, number)
    run_skills = [t.get("skill") for t in result.trace if t["node"] == "run_skill"]
    assert run_skills == ["order_editing", "returns"]
    if channel == "webchat":
        items = {i["title"]: i["allowed"] for i in of_type(result, "order_card")[0]["items"]}
        assert items == {"Merino Hiking Socks": False, "Hardanger Grid Fleece": True}


@pytest.mark.parametrize("channel", CHANNELS)
def test_shipped_order_redirects_to_returns(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "fulfilled", channel)
    result = shopper.say(f"can I change the size in order {number}")
    assert result.status == "redirect" and result.redirect_to == "returns"
    assert result.skill == "order_editing"
    assert "has already shipped" in text_of(result)
    assert not any("/edit" in url for url in urls_shown(result))


@pytest.mark.parametrize("channel", CHANNELS)
def test_closed_edit_window_is_explained_and_cited(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "edit_window_closed", channel)
    result = shopper.say(f"please change the address on order {number}")
    assert result.status == "resolved"
    assert "edit window closed at" in text_of(result)
    assert urls_shown(result) == []
    assert "Changing an order" in citation_headings(result)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(("case", "words"), [
    ("editable_with_personalised", "personalised item: can't be changed"),
    ("editable_with_pre_order", "pre-order item: can't be changed"),
    ("editable_with_final_sale", "final-sale item: can't be changed"),
])
def test_excluded_items_are_explained_per_item(runtime: Runtime, channel: str, case: str,
                                               words: str) -> None:
    shopper, number = verified(runtime, case, channel)
    result = shopper.say(f"I want to edit order {number}")
    assert result.status == "resolved"
    assert words in text_of(result)
    assert "Changing an order" in citation_headings(result)
    assert_edit_link(result, channel, number)
    if channel == "webchat":
        decisions = [i["allowed"] for i in of_type(result, "order_card")[0]["items"]]
        assert sorted(decisions) == [False, True]


@pytest.mark.parametrize("channel", CHANNELS)
def test_adding_items_is_not_supported_and_needs_no_verification(runtime: Runtime,
                                                                 channel: str) -> None:
    result = Shopper(runtime, channel).say("can I add another beanie to my existing order?")
    assert result.skill == "order_editing" and result.status == "resolved"
    assert result.identity == "anonymous" and "login_prompt" not in types(result)
    assert "can't add items" in text_of(result) and "new order" in text_of(result)
    options = [o["label"] for p in of_type(result, "quick_replies") for o in p["options"]]
    assert "Talk to a person" in options


@pytest.mark.parametrize("channel", CHANNELS)
def test_cancellation_follows_the_cancellation_policy(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "edit_window_closed", channel)
    allowed = shopper.say(f"please cancel order {number}")
    assert allowed.status == "resolved"
    assert "can still be cancelled until" in text_of(allowed)
    assert_edit_link(allowed, channel, number, label="Cancel order")
    assert "Cancelling an order" in citation_headings(allowed)

    shopper, number = verified(runtime, "cancel_window_closed", channel)
    closed = shopper.say(f"I want to cancel order {number}")
    assert "cancellation window closed at" in text_of(closed)
    assert urls_shown(closed) == []
    assert "Cancelling an order" in citation_headings(closed)

    shopper, number = verified(runtime, "editable_with_final_sale", channel)
    mixed = shopper.say(f"cancel order {number} please")
    assert "final-sale item: can't be cancelled" in text_of(mixed)


@pytest.mark.parametrize("channel", CHANNELS)
def test_several_open_orders_ask_which_then_continue(runtime: Runtime, channel: str) -> None:
    shopper, _ = verified(runtime, "editable", channel)
    question = shopper.say("I want to change my order")
    assert question.status == "awaiting"
    options = of_type(question, "quick_replies")[0]["options"]
    assert [o["value"] for o in options] == ["#1043", "#1038", "#1036"]
    answer = shopper.say("1" if channel in ("sms", "whatsapp") else "#1043")
    assert answer.status == "resolved"
    assert_edit_link(answer, channel, "1043")


def test_a_single_order_is_used_without_asking(runtime: Runtime) -> None:
    shopper, number = verified(runtime, "single_order_customer", "webchat")
    result = shopper.say("I want to change my order")
    assert result.status == "redirect" and result.redirect_to == "returns"
    assert f"#{number}" in text_of(result)


def test_an_order_number_not_on_the_account_is_not_found(runtime: Runtime) -> None:
    shopper, _ = verified(runtime, "editable", "webchat")
    result = shopper.say("change order 9999")
    assert result.status == "awaiting"
    assert "couldn't find order #9999 on your account" in text_of(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_without_self_service_page_the_skill_is_unavailable_and_hands_off(
        make_runtime: RuntimeFactory, channel: str) -> None:
    runtime = make_runtime(order_edit_url_template="")
    status = {s.name: s for s in runtime.services.skills.statuses()}["order_editing"]
    assert not status.live and status.unmet == ("no self-service order page configured",)

    shopper, number = verified(runtime, "editable", channel)
    result = shopper.say(f"I want to change the size on order {number}")
    assert result.status == "handoff" and result.skill == "handoff"
    assert result.handoff is not None
    assert result.handoff["reason"] == "skill_unavailable:order_editing"
    assert "handoff_notice" in types(result)
    ticket = runtime.services.store.tickets(shopper.conversation_id)[0]
    assert ticket.id == result.handoff["ticket_id"]
    assert any(number in m["text"] for m in ticket.transcript)


@pytest.mark.parametrize("channel", CHANNELS)
def test_asking_for_a_person_files_a_ticket_and_the_agent_goes_quiet(runtime: Runtime,
                                                                     channel: str) -> None:
    shopper = Shopper(runtime, channel)
    result = shopper.say("I want to talk to a real person please")
    assert result.status == "handoff" and result.handoff is not None
    notice = of_type(result, "handoff_notice")[0]
    assert notice["expected_reply"] == runtime.settings.support_reply_time
    ticket = runtime.services.store.tickets(shopper.conversation_id)[0]
    assert ticket.reason == "customer_request"
    assert ticket.transcript[0]["text"] == "I want to talk to a real person please"

    later = shopper.say("hello? are you there?")
    assert later.parts == [] and later.status == "handoff"
    transcript = runtime.services.store.transcript(shopper.conversation_id)
    assert transcript[-2]["text"] == "hello? are you there?"


def test_unclear_messages_get_one_clarifying_question_then_a_person(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    first = shopper.say("blorf wibble zzz")
    assert first.status == "awaiting" and "quick_replies" in types(first)
    second = shopper.say("qwxz plonk")
    assert second.status == "handoff"
    assert second.handoff is not None and second.handoff["reason"] == "not_understood"


def test_a_clarifying_choice_routes_to_its_skill(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("blorf wibble zzz")
    chosen = shopper.say("Change or cancel an order")
    assert chosen.skill == "order_editing" and chosen.status == "needs_identity"
