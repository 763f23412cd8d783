"""The first versions of returns and order status, through the graph on every channel.

The FAQ scenarios live in ``test_faq.py``.
"""

from __future__ import annotations

import pytest

from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from tests.scenarios.chat import CHANNELS, Shopper, text_of, types, urls_shown


@pytest.mark.parametrize("channel", CHANNELS)
def test_returns_lists_eligible_and_ineligible_items(runtime: Runtime, channel: str) -> None:
    email, number = DEMO_CASES["delivered_with_final_sale"]
    result = Shopper(runtime, channel, verified_email=email).say(
        f"I want to return items from order {number}")
    assert result.skill == "returns" and result.status == "resolved"
    assert "Merino Hiking Socks (40-43 / Charcoal) can be returned" in text_of(result)
    assert "final-sale item: can't be returned" in text_of(result)
    assert f"/returns?order={number}&line=" in urls_shown(result)[0]
    assert ("order_card" in types(result)) == (channel == "webchat")


@pytest.mark.parametrize("channel", CHANNELS)
def test_order_status_shows_tracking_per_item(runtime: Runtime, channel: str) -> None:
    email, number = DEMO_CASES["fulfilled"]
    result = Shopper(runtime, channel, verified_email=email).say(
        f"where is my order {number}?")
    assert result.skill == "order_status" and result.status == "resolved"
    urls = urls_shown(result)
    assert urls and all(u.startswith("https://tracking.example/") for u in urls)
    assert "shipped" in text_of(result)


def test_order_status_needs_verification_first(runtime: Runtime) -> None:
    result = Shopper(runtime, "sms").say("where is my order 1029?")
    assert result.status == "needs_identity" and types(result) == ["login_prompt"]
