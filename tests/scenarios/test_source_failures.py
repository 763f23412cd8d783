"""When the order source fails or answers in a state the agent does not know: a person."""

from __future__ import annotations

import pytest

from agent.commerce.demo import DEMO_CASES, DemoStore
from agent.commerce.models import UNKNOWN_STATE_TAG, Customer, Order, Product
from agent.commerce.source import OrderSourceUnavailable
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.scenarios.chat import CHANNELS, Shopper, of_type


class DownSource:
    """Customers resolve, but every order read fails as a throttled or dead shop would."""

    def __init__(self) -> None:
        self.store = DemoStore(FIXED_NOW)

    def customer_by_email(self, email: str) -> Customer | None:
        return self.store.customer_by_email(email)

    def customer_by_phone(self, phone: str) -> Customer | None:
        raise OrderSourceUnavailable("shop unreachable")

    def customer(self, customer_id: str) -> Customer | None:
        return self.store.customer(customer_id)

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        raise OrderSourceUnavailable("shop unreachable")

    def products(self) -> list[Product]:
        return self.store.products()


class NewStateSource(DownSource):
    """Orders come back, one with a line in a state from a newer API version."""

    def customer_by_phone(self, phone: str) -> Customer | None:
        return self.store.customer_by_phone(phone)

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        orders = self.store.orders_for_customer(customer_id)
        first = orders[0]
        line = first.line_items[0].model_copy(update={"tags": (UNKNOWN_STATE_TAG,)})
        marked = first.model_copy(update={"line_items": (line, *first.line_items[1:])})
        return [marked, *orders[1:]]


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_unreachable_shop_hands_off_softly(make_runtime: RuntimeFactory,
                                              channel: str) -> None:
    runtime = make_runtime(source=DownSource())
    email, number = DEMO_CASES["editable"]
    result = Shopper(runtime, channel, verified_email=email).say(f"change order {number}")
    assert result.status == "handoff"
    assert result.handoff is not None
    assert result.handoff["reason"] == "order_source_unavailable"
    assert of_type(result, "handoff_notice")


def test_a_failing_phone_lookup_leaves_the_shopper_anonymous(make_runtime: RuntimeFactory
                                                             ) -> None:
    runtime = make_runtime(source=DownSource())
    result = Shopper(runtime, "sms", sender="+4520123456").say("what are your opening hours?")
    assert result.identity == "anonymous" and result.skill == "faq"


def test_an_order_in_an_unknown_state_goes_to_a_person(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(source=NewStateSource())
    email, number = DEMO_CASES["editable"]
    result = Shopper(runtime, "webchat", verified_email=email).say(f"change order {number}")
    assert result.status == "handoff"
    assert result.handoff is not None and result.handoff["reason"] == "unknown_order_state"
    assert not of_type(result, "order_card")
