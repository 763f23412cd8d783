"""Identity through the graph: nothing of any order before verification, nobody else's after."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent.clock import FixedClock
from agent.commerce.demo import DEMO_CASES, DemoStore
from agent.commerce.models import Customer, Order, Product
from agent.commerce.source import CustomerOrders
from agent.runtime import Runtime
from tests.conftest import FIXED_NOW
from tests.scenarios.chat import CHANNELS, Shopper, everything_shown, of_type, text_of, types

ORDER_REQUESTS = [
    "I want to change order #1043",
    "please cancel order 1036",
    "where is my order 1029?",
    "I want to return the boots from order 1023",
    "change my order",
]


def order_fields(store: DemoStore) -> set[str]:
    """Strings that would betray order data: numbers, line titles and variants, tracking."""
    fields: set[str] = set()
    for order in store.orders():
        fields.add(f"#{order.number}")
        for line in order.line_items:
            fields |= {line.title, line.variant}
            if line.tracking is not None:
                fields |= {line.tracking.number, line.tracking.url}
    return fields


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("who", ["anonymous", "contact_matched"])
def test_no_order_field_before_verification(runtime: Runtime, channel: str, who: str) -> None:
    assert isinstance(runtime.services.source, DemoStore)
    secrets = order_fields(runtime.services.source)
    for text in ORDER_REQUESTS:
        email = DEMO_CASES["editable"][0] if who == "contact_matched" else None
        shopper = Shopper(runtime, channel, as_email=email)
        result = shopper.say(text)
        assert result.identity == who
        shown = everything_shown(result)
        leaked = {field for field in secrets if field in shown}
        assert not leaked, f"{text!r} leaked {leaked}"
        assert not {"order_card", "link"} & set(types(result))


@pytest.mark.parametrize("channel", CHANNELS)
def test_verified_customer_cannot_reach_another_customers_order(runtime: Runtime,
                                                                channel: str) -> None:
    mine_email, _ = DEMO_CASES["editable"]
    other_email, other_number = DEMO_CASES["editable_with_final_sale"]
    shopper = Shopper(runtime, channel, verified_email=mine_email)
    for text in (f"cancel order #{other_number}",
                 f"change order {other_number} for {other_email}",
                 f"I'm Zofia Kowalska, please change my order {other_number}"):
        result = shopper.say(text)
        shown = everything_shown(result)
        assert "Fell Running Windbreaker" not in shown
        assert other_email not in shown
        assert result.status == "awaiting"
        assert f"couldn't find order #{other_number} on your account" in text_of(result)
        assert f"#{other_number}" not in [o["value"] for p in of_type(result, "quick_replies")
                                          for o in p["options"]]


def test_naming_another_email_sends_the_code_to_that_inbox_only(runtime: Runtime) -> None:
    victim_email, _ = DEMO_CASES["editable_with_final_sale"]
    attacker = Shopper(runtime, "webchat")
    attacker.say("I want to change my order")
    on_file = attacker.say(victim_email)
    unknown = Shopper(runtime, "webchat")
    unknown.say("I want to change my order")
    not_on_file = unknown.say("nobody@example.com")
    assert text_of(on_file).replace(victim_email, "X") == \
        text_of(not_on_file).replace("nobody@example.com", "X")
    sent = [m for m in runtime.services.store.outbox() if m.kind == "one_time_code"]
    assert [m.recipient for m in sent] == [victim_email]
    guess = attacker.say("123456")
    assert guess.identity == "anonymous" and guess.status == "needs_identity"


def test_failures_look_the_same_and_five_attempts_lock_the_code(runtime: Runtime) -> None:
    email, _ = DEMO_CASES["editable"]
    shopper = Shopper(runtime, "sms", as_email=email)
    shopper.say("cancel my order 1043")
    code = shopper.latest_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    replies = {text_of(shopper.say(wrong)) for _ in range(5)}
    assert len(replies) == 1
    locked = shopper.say(code)
    assert locked.identity == "contact_matched" and text_of(locked) in replies


def test_codes_expire_after_ten_minutes(runtime: Runtime) -> None:
    email, _ = DEMO_CASES["editable"]
    shopper = Shopper(runtime, "email", as_email=email)
    shopper.say("please cancel order 1043")
    code = shopper.latest_code()
    runtime.services.clock = FixedClock(FIXED_NOW + timedelta(minutes=10))
    expired = shopper.say(code)
    assert expired.identity == "contact_matched" and expired.status == "needs_identity"
    fresh = shopper.say("send me a new code")
    assert fresh.status == "needs_identity"
    verified = shopper.say_code()
    assert verified.identity == "verified"


def test_a_forged_storefront_token_is_not_trusted(runtime: Runtime) -> None:
    email, number = DEMO_CASES["editable"]
    shopper = Shopper(runtime, "webchat", verified_email=email)
    assert shopper.token is not None
    version, payload, signature = shopper.token.split(".")
    shopper.token = f"{version}.{payload}.{'A' * len(signature)}"
    result = shopper.say(f"change order {number}")
    assert result.identity == "anonymous" and result.status == "needs_identity"
    rejected = [t for t in result.trace if t["node"] == "intake"]
    assert rejected[0]["storefront_token"] == "rejected"


def test_a_valid_storefront_token_verifies_at_once(runtime: Runtime) -> None:
    email, number = DEMO_CASES["editable"]
    result = Shopper(runtime, "webchat", verified_email=email).say(f"change order {number}")
    assert result.identity == "verified" and result.status == "resolved"


class LeakySource:
    """An order source that wrongly returns every order, whoever asks."""

    def __init__(self, inner: DemoStore) -> None:
        self.inner = inner

    def customer_by_email(self, email: str) -> Customer | None:
        return self.inner.customer_by_email(email)

    def customer_by_phone(self, phone: str) -> Customer | None:
        return self.inner.customer_by_phone(phone)

    def customer(self, customer_id: str) -> Customer | None:
        return self.inner.customer(customer_id)

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        return self.inner.orders()

    def products(self) -> list[Product]:
        return self.inner.products()


def test_customer_orders_filters_by_customer_id_even_if_the_source_does_not() -> None:
    store = DemoStore(FIXED_NOW)
    email, number = DEMO_CASES["editable"]
    _, other_number = DEMO_CASES["editable_with_final_sale"]
    customer = store.customer_by_email(email)
    assert customer is not None
    view = CustomerOrders(LeakySource(store), customer.id)
    assert view.by_number(number) is not None
    assert view.by_number(other_number) is None
    assert {o.customer_id for o in view.all()} == {customer.id}
