"""Returns & exchanges through the graph, every bullet of its behaviour, on each channel.

The clock is fixed at Friday 20 Nov 2026, 10:00 UTC (11:00 in Copenhagen); the demo
orders are named by ``DEMO_CASES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from agent.commerce.demo import DEMO_CASES, DemoStore
from agent.commerce.models import Order
from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from agent.turns import TurnResult
from knowledge_base.embedder import Embedder
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.scenarios.chat import (
    CHANNELS,
    Shopper,
    everything_shown,
    of_type,
    text_of,
    types,
    urls_shown,
    verified,
)

RETURNS_URL = "http://127.0.0.1:8000/returns?order={number}"


def demo_order(runtime: Runtime, case: str) -> Order:
    email, number = DEMO_CASES[case]
    customer = runtime.services.source.customer_by_email(email)
    assert customer is not None
    return next(o for o in runtime.services.source.orders_for_customer(customer.id)
                if o.number == number)


def line_ids(runtime: Runtime, case: str, *positions: int) -> list[str]:
    """The ids of the order's line items at ``positions`` (1-based), whatever the source."""
    items = demo_order(runtime, case).line_items
    return [items[p - 1].id for p in positions]


def return_url(number: str, lines: list[str], exchange: bool = False) -> str:
    url = RETURNS_URL.format(number=number) + "".join(f"&line={line}" for line in lines)
    return url + "&action=exchange" if exchange else url


def headings(result: TurnResult) -> list[str]:
    return [c["heading"] for c in of_type(result, "citation")]


def run_skills(result: TurnResult) -> list[str]:
    return [t["skill"] for t in result.trace if t["node"] == "run_skill"]


def quick_replies(result: TurnResult) -> list[dict[str, Any]]:
    return [o for p in of_type(result, "quick_replies") for o in p["options"]]


def assert_return_offer(result: TurnResult, channel: str, number: str, lines: list[str],
                        exchange: bool = True) -> list[dict[str, Any]]:
    """A card of the eligible items (webchat) or one returns link; the card's items."""
    url = return_url(number, lines)
    if channel != "webchat":
        assert not of_type(result, "order_card")
        assert [(p["label"], p["url"]) for p in of_type(result, "link")
                if "/returns" in p["url"]] == [(f"Start a return or exchange for #{number}", url)]
        return []
    assert not [p for p in of_type(result, "link") if "/returns" in p["url"]]
    (card,) = [c for c in of_type(result, "order_card") if c["purpose"] == "return"]
    assert card["order_number"] == number and card["link_url"] == url
    expected = [{"label": "Start a return", "url": url}]
    if exchange:
        expected.append({"label": "Exchange", "url": return_url(number, lines, exchange=True)})
    assert card["actions"] == expected
    assert all(item["allowed"] for item in card["items"])
    return list(card["items"])


@pytest.mark.parametrize("channel", CHANNELS)
def test_returns_needs_verification_before_any_order_data(runtime: Runtime,
                                                          channel: str) -> None:
    email, number = DEMO_CASES["delivered_recent"]
    shopper = Shopper(runtime, channel, as_email=email)
    first = shopper.say(f"I want to return the boots from order {number}")
    assert first.skill == "returns" and first.status == "needs_identity"
    assert types(first) == ["login_prompt"]
    assert "Kjerag" not in everything_shown(first)
    second = shopper.say_code()
    assert second.identity == "verified" and second.status == "resolved"
    assert "Kjerag Leather Hiking Boots (EU 46 / Brown)" in text_of(second)


@pytest.mark.parametrize("channel", CHANNELS)
def test_delivered_items_in_the_window_can_be_returned_or_exchanged(runtime: Runtime,
                                                                    channel: str) -> None:
    shopper, number = verified(runtime, "delivered_recent", channel)
    result = shopper.say(f"I want to return items from order {number}")
    assert result.skill == "returns" and result.status == "resolved"
    text = text_of(result)
    # delivered Sun 15 Nov 11:00 Copenhagen time + 30 days
    assert (f"From order #{number}, Kjerag Leather Hiking Boots (EU 46 / Brown) and Merino "
            "Hiking Socks (44-47 / Charcoal) can be returned or exchanged until 15 Dec 11:00"
            ) in text
    # the other sizes in stock; EU 42 is sold out and EU 46 is the pair bought
    assert ("Available to exchange for: Kjerag Leather Hiking Boots (EU 46 / Brown): EU 38 / "
            "Brown, EU 40 / Brown, EU 44 / Brown; Merino Hiking Socks (44-47 / Charcoal): "
            "36-39 / Charcoal.") in text
    assert headings(result) == ["Return window and condition"]
    items = assert_return_offer(result, channel, number,
                                line_ids(runtime, "delivered_recent", 1, 2))
    if channel == "webchat":
        assert [i["reason"] for i in items] == [
            "can be returned until 15 Dec 11:00; exchange for EU 38 / Brown, EU 40 / Brown, "
            "EU 44 / Brown",
            "can be returned until 15 Dec 11:00; exchange for 36-39 / Charcoal"]
    assert not re.search(r"€\d", everything_shown(result)), "no amount is promised"


@pytest.mark.parametrize("channel", CHANNELS)
def test_final_sale_mix_says_which_qualify_and_cites_the_exception(runtime: Runtime,
                                                                   channel: str) -> None:
    shopper, number = verified(runtime, "delivered_with_final_sale", channel)
    result = shopper.say(f"I want to return items from order {number}")
    assert result.status == "resolved"
    text = text_of(result)
    assert "Merino Hiking Socks (40-43 / Charcoal) can be returned or exchanged" in text
    assert "Available to exchange for: 36-39 / Charcoal, 44-47 / Charcoal." in text
    assert ("Some items can't be returned: Fell Running Windbreaker (S / Lime): final-sale "
            "item: can't be returned.") in text
    assert headings(result) == ["Return window and condition", "Exceptions › Final-sale items"]
    items = assert_return_offer(result, channel, number,
                                line_ids(runtime, "delivered_with_final_sale", 2))
    if channel == "webchat":
        assert [i["title"] for i in items] == ["Merino Hiking Socks"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_personalised_items_are_explained_with_their_exception(runtime: Runtime,
                                                               channel: str) -> None:
    shopper, number = verified(runtime, "delivered_personalised", channel)
    result = shopper.say(f"I want to return order {number}")
    assert result.status == "resolved"
    assert (f"Nothing from order #{number} can be returned or exchanged: Embroidered Merino "
            "Beanie (Ochre): personalised item: can't be returned.") in text_of(result)
    assert headings(result) == ["Return window and condition",
                                "Exceptions › Personalised items"]
    assert urls_shown(result) == [] and "order_card" not in types(result)
    assert quick_replies(result) == [{"label": "Talk to a person",
                                      "value": "I want to talk to a person"}]


@pytest.mark.parametrize("channel", CHANNELS)
def test_outside_the_window_is_explained_and_cited(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "delivered_old", channel)
    result = shopper.say(f"I want to return order {number}")
    assert result.status == "resolved"
    assert "return window closed at 5 Nov 11:00" in text_of(result)
    assert headings(result) == ["Return window and condition"]
    assert urls_shown(result) == []


@pytest.mark.parametrize("channel", CHANNELS)
def test_already_returned_item_next_to_an_eligible_one(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "delivered_with_return", channel)
    result = shopper.say(f"I want to return something from order {number}")
    text = text_of(result)
    assert "Hardanger Grid Fleece (M / Rust) can be returned or exchanged" in text
    assert ("Some items can't be returned: Rondane Merino 200 Base Layer Top (M / Black): "
            "already returned.") in text
    assert_return_offer(result, channel, number, line_ids(runtime, "delivered_with_return", 1))


@pytest.mark.parametrize("channel", CHANNELS)
def test_nothing_in_stock_to_exchange_for_means_a_refund(runtime: Runtime,
                                                         channel: str) -> None:
    shopper, number = verified(runtime, "delivered_no_exchange", channel)
    result = shopper.say(f"I'd like to exchange something from order {number}")
    text = text_of(result)
    assert ("Available to exchange for: Merino Hiking Socks (40-43 / Charcoal): 36-39 / "
            "Charcoal, 44-47 / Charcoal; Rondane Merino 200 Base Layer Top (M / Glacier): "
            "XS / Black, S / Black, L / Black.") in text
    assert ("No other size or colour of Jotunheim 45L Trekking Pack (S/M / Slate) is in stock "
            "right now") in text
    assert headings(result) == ["Return window and condition", "Exchanges"]
    items = assert_return_offer(result, channel, number,
                                line_ids(runtime, "delivered_no_exchange", 1, 2, 3))
    if channel == "webchat":
        assert items[2]["reason"].endswith("; no other size or colour in stock")


@pytest.mark.parametrize("channel", CHANNELS)
def test_undelivered_order_is_explained_and_handed_to_order_status(runtime: Runtime,
                                                                   channel: str) -> None:
    shopper, number = verified(runtime, "fulfilled", channel)
    order = demo_order(runtime, "fulfilled")
    result = shopper.say(f"I want to return order {number}")
    assert result.status == "redirect" and result.redirect_to == "order_status"
    assert run_skills(result) == ["returns", "order_status"]
    text = text_of(result)
    assert ("Skagen 3L Shell Jacket (S / Fjord Blue) and Hardanger Grid Fleece (M / Heather "
            "Grey) have not been delivered yet. Once delivered, you have 30 days") in text
    assert f"Here is where order #{number} is" in text
    tracking = {li.tracking.url for li in order.line_items if li.tracking}
    assert set(urls_shown(result)) == tracking and len(tracking) == 1
    assert not any("/returns" in url for url in urls_shown(result))


@pytest.mark.parametrize("channel", CHANNELS)
def test_delivered_and_in_transit_mix_offers_one_and_tracks_the_other(runtime: Runtime,
                                                                      channel: str) -> None:
    shopper, number = verified(runtime, "delivered_with_in_transit", channel)
    result = shopper.say(f"I want to return order {number}")
    assert result.status == "redirect" and result.redirect_to == "order_status"
    text = text_of(result)
    assert "Hardanger Grid Fleece (S / Heather Grey) can be returned or exchanged" in text
    assert "Trolltunga 28L Daypack (Sand) has not been delivered yet" in text
    status_text = text[text.index(f"Here is where order #{number} is"):]
    assert "Trolltunga 28L Daypack (Sand): shipped on Tue 17 Nov" in status_text
    assert "Hardanger" not in status_text, "order_status shows only the items handed over"
    assert_return_offer(result, channel, number,
                        line_ids(runtime, "delivered_with_in_transit", 1))
    parcel = demo_order(runtime, "delivered_with_in_transit").line_items[1].tracking
    assert parcel is not None
    assert [u for u in urls_shown(result) if "/returns" not in u] == [parcel.url]


@pytest.mark.parametrize("channel", CHANNELS)
def test_where_is_my_refund_after_the_refund_was_issued(runtime: Runtime, channel: str) -> None:
    shopper, number = verified(runtime, "returned", channel)
    (line,) = demo_order(runtime, "returned").line_items
    amount = line.unit_price * line.returned_quantity
    assert amount == Decimal("299.00")
    result = shopper.say("where is my refund?")
    assert result.skill == "returns" and result.status == "resolved"
    assert (f"Here is where your return from order #{number} stands: Lofoten Down Jacket "
            f"(L / Black): returned on Tue 3 Nov; refund of €{amount} issued on Thu 5 Nov."
            ) == text_of(result)
    assert headings(result) == ["Refunds"]
    assert "order_card" not in types(result)
    assert [p["url"] for p in of_type(result, "link")] == [RETURNS_URL.format(number=number)]


@pytest.mark.parametrize("channel", CHANNELS)
def test_where_is_my_refund_while_it_is_processed(runtime: Runtime, channel: str) -> None:
    shopper, _ = verified(runtime, "delivered_with_return", channel)
    result = shopper.say("I haven't got my refund yet")
    assert result.skill == "returns" and result.status == "resolved"
    text = text_of(result)
    assert ("Rondane Merino 200 Base Layer Top (M / Black): returned on Wed 18 Nov; refund of "
            "€89.00 being processed, due by Wed 25 Nov.") in text
    assert "within 5 business days of the return arriving at our warehouse" in text
    assert "Hardanger" not in text, "only the returned item has a refund"
    assert headings(result) == ["Refunds"]
    refunds = next(t for t in result.trace if t["node"] == "run_skill")["facts"]["refunds"]
    assert [(r["amount"], r["currency"], r["stage"]) for r in refunds] == [
        ("89.00", "EUR", "processing")]


@pytest.fixture
def week_later(embedder: Embedder, demo_chroma: Path, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime whose demo store was built a week before its clock: returns age a week."""
    runtime = build_runtime(
        Settings(data_dir=tmp_path / "week-later", chroma_dir=demo_chroma, now=FIXED_NOW,
                 secret_key="test-secret"),
        embedder=embedder, source=DemoStore(FIXED_NOW - timedelta(days=7)))
    yield runtime
    runtime.close()


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_overdue_refund_apologises_and_offers_a_person(week_later: Runtime,
                                                          channel: str) -> None:
    shopper, number = verified(week_later, "delivered_with_return", channel)
    result = shopper.say(f"where is the refund for order {number}?")
    assert result.status == "resolved"
    text = text_of(result)
    # the return arrived Wed 11 Nov; 5 business days later is Wed 18 Nov
    assert ("returned on Wed 11 Nov; refund of €89.00 was due by Wed 18 Nov and hasn't been "
            "issued yet") in text
    assert "I'm sorry, that is taking longer than it should" in text
    assert quick_replies(result) == [{"label": "Talk to a person",
                                      "value": "I want to talk to a person"}]
    assert headings(result) == ["Refunds"]


def test_the_refund_section_states_the_figure_the_reply_uses(runtime: Runtime) -> None:
    (hit,) = runtime.services.knowledge.search(
        "How long do refunds take to reach my original payment method?", k=1)
    assert hit.heading == "Refunds" and "within 5 business days of your" in hit.text


@pytest.mark.parametrize("channel", CHANNELS)
def test_refund_question_with_nothing_returned_offers_the_return(runtime: Runtime,
                                                                 channel: str) -> None:
    shopper, number = verified(runtime, "delivered_recent", channel)
    result = shopper.say(f"where is my refund for order {number}?")
    text = text_of(result)
    assert text.startswith(f"Nothing from order #{number} has been returned yet")
    assert "can be returned or exchanged until" in text
    assert_return_offer(result, channel, number, line_ids(runtime, "delivered_recent", 1, 2))


@pytest.mark.parametrize("channel", CHANNELS)
def test_several_received_orders_ask_which_then_continue(runtime: Runtime,
                                                         channel: str) -> None:
    shopper, number = verified(runtime, "delivered_recent", channel)
    question = shopper.say("I want to return something I bought")
    assert question.status == "awaiting"
    values = [o["value"] for o in quick_replies(question)]
    assert f"#{number}" in values
    answer = shopper.say(str(values.index(f"#{number}") + 1) if channel in ("sms", "whatsapp")
                         else f"#{number}")
    assert answer.skill == "returns" and answer.status == "resolved"
    assert f"From order #{number}" in text_of(answer)


@pytest.mark.parametrize("channel", CHANNELS)
def test_order_editing_hands_shipped_items_over_with_the_same_order(runtime: Runtime,
                                                                    channel: str) -> None:
    shopper, number = verified(runtime, "fulfilled", channel)
    result = shopper.say(f"can I change the size in order {number}")
    assert run_skills(result) == ["order_editing", "returns"]
    assert result.redirect_to == "returns"
    assert "have not been delivered yet. Once delivered, you have 30 days" in text_of(result)
    assert "Return window and condition" in headings(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_without_a_returns_page_the_skill_is_unavailable_and_hands_off(
        make_runtime: RuntimeFactory, channel: str) -> None:
    runtime = make_runtime(returns_url_template="")
    status = {s.name: s for s in runtime.services.skills.statuses()}["returns"]
    assert not status.live and status.unmet == ("no returns page configured",)
    shopper, number = verified(runtime, "delivered_recent", channel)
    result = shopper.say(f"I want to return the boots from order {number}")
    assert result.status == "handoff" and result.handoff is not None
    assert result.handoff["reason"] == "skill_unavailable:returns"
    assert "handoff_notice" in types(result)
    assert "/returns" not in everything_shown(result)
    ticket = runtime.services.store.tickets(shopper.conversation_id)[0]
    assert ticket.id == result.handoff["ticket_id"]
