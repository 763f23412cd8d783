"""Order status through the graph, every bullet of its behaviour, on each channel.

The clock is fixed at Friday 20 Nov 2026, 10:00 UTC; the shipping policy promises
dispatch within 2 business days of the order and delivery within 5 business days of
dispatch, so an order placed this Friday morning is due to leave by Tuesday 24 Nov.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.commerce.models import Order
from agent.runtime import Runtime
from agent.turns import TurnResult
from tests.scenarios.chat import (
    CHANNELS,
    Shopper,
    everything_shown,
    of_type,
    text_of,
    types,
    verified,
)

TALK_TO_A_PERSON = {"label": "Talk to a person", "value": "I want to talk to a person"}


def demo_order(runtime: Runtime, case: str) -> Order:
    email, number = DEMO_CASES[case]
    customer = runtime.services.source.customer_by_email(email)
    assert customer is not None
    return next(o for o in runtime.services.source.orders_for_customer(customer.id)
                if o.number == number)


def headings(result: TurnResult) -> list[str]:
    return [c["heading"] for c in of_type(result, "citation")]


def quick_replies(result: TurnResult) -> list[dict[str, Any]]:
    return [o for p in of_type(result, "quick_replies") for o in p["options"]]


def status_items(result: TurnResult, channel: str, number: str) -> list[dict[str, Any]]:
    """The status card's items on webchat (and no card elsewhere)."""
    cards = of_type(result, "order_card")
    if channel != "webchat":
        assert cards == []
        return []
    (card,) = cards
    assert card["purpose"] == "status" and card["order_number"] == number
    return list(card["items"])


def tracking_shown(result: TurnResult, channel: str) -> list[tuple[str, str]]:
    """Tracking (label, URL) pairs: card buttons on webchat, link parts elsewhere."""
    if channel == "webchat":
        assert not of_type(result, "link")
        return [(a["label"], a["url"]) for c in of_type(result, "order_card")
                for a in c["actions"]]
    return [(p["label"], p["url"]) for p in of_type(result, "link")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_status_needs_verification_then_answers(runtime: Runtime, channel: str) -> None:
    email, number = DEMO_CASES["fulfilled"]
    shopper = Shopper(runtime, channel, as_email=email)
    first = shopper.say(f"where is my order {number}?")
    assert first.status == "needs_identity" and types(first) == ["login_prompt"]
    assert "GLS" not in everything_shown(first)
    second = shopper.say_code()
    assert second.skill == "order_status" and second.status == "resolved"
    assert "with GLS" in text_of(second)


@pytest.mark.parametrize("channel", CHANNELS)
def test_unfulfilled_items_get_the_expected_dispatch_after_the_weekend(runtime: Runtime,
                                                                       channel: str) -> None:
    shopper, number = verified(runtime, "editable", channel)
    result = shopper.say(f"where is my order {number}?")
    assert result.skill == "order_status" and result.status == "resolved"
    assert text_of(result) == (
        f"Here is where order #{number} is: Skagen 3L Shell Jacket (L / Fjord Blue): "
        "expected to be dispatched by Tue 24 Nov; Rondane Merino 200 Base Layer Top "
        "(M / Glacier): expected to be dispatched by Tue 24 Nov.")
    assert headings(result) == ["Dispatch times"]
    assert tracking_shown(result, channel) == []
    items = status_items(result, channel, number)
    if channel == "webchat":
        assert [(i["status_label"], i["allowed"]) for i in items] == [
            ("Not shipped yet", True), ("Not shipped yet", True)]


@pytest.mark.parametrize("channel", CHANNELS)
def test_shipped_items_get_carrier_tracking_number_and_link(runtime: Runtime,
                                                            channel: str) -> None:
    shopper, number = verified(runtime, "fulfilled", channel)
    order = demo_order(runtime, "fulfilled")
    parcel = order.line_items[0].tracking
    assert parcel is not None and all(li.tracking == parcel for li in order.line_items)
    result = shopper.say(f"can you send me the tracking for order {number}")
    assert result.skill == "order_status" and result.status == "resolved"
    text = text_of(result)
    assert (f"Skagen 3L Shell Jacket (S / Fjord Blue): shipped on Wed 18 Nov with GLS "
            f"({parcel.number}), expected by Wed 25 Nov") in text
    assert tracking_shown(result, channel) == [(f"Track GLS {parcel.number}", parcel.url)]
    assert headings(result) == ["Delivery times and carriers › Denmark and the Nordics"]
    assert "sorry" not in text and quick_replies(result) == []
    items = status_items(result, channel, number)
    if channel == "webchat":
        assert {i["status_label"] for i in items} == {"Shipped"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_delivered_cancelled_and_returned_items(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "delivered_recent", channel)
    delivered = shopper.say(f"where is order {number}")
    assert "Kjerag Leather Hiking Boots (EU 46 / Brown): delivered on Sun 15 Nov" in text_of(
        delivered)
    assert headings(delivered) == [] and tracking_shown(delivered, channel) == []

    shopper, number = verified(runtime, "cancelled", channel)
    cancelled = shopper.say(f"what's the status of order {number}")
    assert "Lofoten Down Jacket (S / Black): cancelled on Fri 20 Nov" in text_of(cancelled)

    shopper, number = verified(runtime, "line_cancelled", channel)
    one_line = shopper.say(f"what's the status of order {number}")
    assert ("Kjerag Leather Hiking Boots (EU 40 / Brown): delivered on Mon 9 Nov; Trolltunga "
            "28L Daypack (Black): cancelled.") in text_of(one_line)

    shopper, number = verified(runtime, "returned", channel)
    returned = shopper.say(f"what's the status of order {number}")
    assert "Lofoten Down Jacket (L / Black): returned on Tue 3 Nov" in text_of(returned)
    items = status_items(returned, channel, number)
    if channel == "webchat":
        assert [i["status_label"] for i in items] == ["Returned"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_late_dispatch_apologises_says_what_is_known_and_offers_a_person(
        runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "late_unfulfilled", channel)
    result = shopper.say(f"where is my order {number}? it's been ages")
    assert result.status == "resolved"
    text = text_of(result)
    assert text.startswith(f"I'm sorry, order #{number} is running late: Jotunheim 45L "
                           "Trekking Pack (M/L / Slate) should have been dispatched by Tue 17 "
                           "Nov")
    assert "Merino Hiking Socks (40-43 / Charcoal): not dispatched yet, due by Tue 17 Nov" in text
    assert "A person from our team can check" in text
    assert headings(result) == ["Dispatch times", "Late or missing orders"]
    assert quick_replies(result) == [TALK_TO_A_PERSON]
    items = status_items(result, channel, number)
    if channel == "webchat":
        assert [(i["status_label"], i["allowed"]) for i in items] == [
            ("Delayed", False), ("Delayed", False)]


@pytest.mark.parametrize("channel", CHANNELS)
def test_late_delivery_apologises_tracks_and_offers_a_person(runtime: Runtime,
                                                             channel: str) -> None:
    shopper, number = verified(runtime, "late_in_transit", channel)
    (line,) = demo_order(runtime, "late_in_transit").line_items
    assert line.tracking is not None
    result = shopper.say(f"my order {number} still hasn't arrived")
    assert result.skill == "order_status"
    text = text_of(result)
    assert ("Skagen 3L Shell Jacket (L / Fjord Blue) should have arrived by Tue 17 Nov") in text
    assert (f"shipped on Tue 10 Nov with PostNord ({line.tracking.number}), due by Tue 17 Nov "
            "and not delivered yet") in text
    assert tracking_shown(result, channel) == [
        (f"Track PostNord {line.tracking.number}", line.tracking.url)]
    assert headings(result) == ["Late or missing orders"]
    assert quick_replies(result) == [TALK_TO_A_PERSON]


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_offered_person_takes_over(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "late_in_transit", channel)
    shopper.say(f"where is my order {number}")
    handed = shopper.say(TALK_TO_A_PERSON["value"])
    assert handed.status == "handoff" and "handoff_notice" in types(handed)


@pytest.mark.parametrize("channel", CHANNELS)
def test_pre_order_and_partly_shipped_items(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "partially_fulfilled_pre_order", channel)
    result = shopper.say(f"where is my order {number}")
    text = text_of(result)
    assert ("Svalbard Expedition Parka (M / Black): pre-order, ships when it arrives from "
            "production") in text
    assert "sorry" not in text
    assert headings(result) == ["Dispatch times",
                                "Delivery times and carriers › Denmark and the Nordics"]
    items = status_items(result, channel, number)
    if channel == "webchat":
        assert [i["status_label"] for i in items] == ["Shipped", "Pre-order"]

    shopper, number = verified(runtime, "partially_fulfilled_line", channel)
    partly = shopper.say(f"where is my order {number}")
    assert ("Rondane Merino 200 Base Layer Top (S / Black): shipped 1 of 2 on Thu 19 Nov "
            "with GLS") in text_of(partly)
    assert "the rest: expected to be dispatched by Fri 20 Nov" in text_of(partly)
    assert len(tracking_shown(partly, channel)) == 1, "one parcel, one tracking link"


@pytest.mark.parametrize("channel", CHANNELS)
def test_without_a_number_the_newest_order_on_its_way_is_shown(runtime: Runtime,
                                                               channel: str) -> None:
    shopper, number = verified(runtime, "editable", channel)
    result = shopper.say("where is my order?")
    assert result.status == "resolved"
    assert text_of(result).startswith(f"Here is where order #{number} is")

    shopper, number = verified(runtime, "single_order_customer", channel)
    only = shopper.say("where is my order?")
    assert f"#{number}" in text_of(only) and "delivered on" in text_of(only)
