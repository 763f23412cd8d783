"""Admin GraphQL JSON -> Order / LineItem / Customer / Product, state by state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agent.commerce.demo import DemoStore
from agent.commerce.models import UNKNOWN_STATE_TAG, Order, has_unknown_state
from agent.commerce.models import FulfillmentStatus as S
from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_mapping import (
    FULFILLMENT_IN_PROGRESS_TAG,
    map_customer,
    map_order,
    map_product,
    policy_tag,
)
from tests.commerce.conftest import SettingsFactory
from tests.conftest import FIXED_NOW
from tests.fakes.shopify_data import as_shopify_shows_it, customer_gid
from tests.fakes.shopify_server import FakeShopifyServer

LINE = "gid://shopify/LineItem/1"


def line(quantity: int = 2, current: int | None = None, unfulfilled: int | None = None,
         tags: tuple[str, ...] = ()) -> dict[str, Any]:
    current = quantity if current is None else current
    return {"id": LINE, "title": "Skagen 3L Shell Jacket", "variantTitle": "M / Black",
            "quantity": quantity, "currentQuantity": current,
            "unfulfilledQuantity": current if unfulfilled is None else unfulfilled,
            "refundableQuantity": current,
            "originalUnitPriceSet": {"shopMoney": {"amount": "289.00"}},
            "variant": {"id": "gid://shopify/ProductVariant/9"},
            "product": {"id": "gid://shopify/Product/3", "tags": list(tags)}}


def fulfillment(quantity: int, status: str = "SUCCESS", display: str | None = "IN_TRANSIT",
                delivered: str | None = None, shipped: str = "2026-11-18T09:00:00Z",
                tracking: bool = True) -> dict[str, Any]:
    return {"id": "gid://shopify/Fulfillment/1", "status": status, "displayStatus": display,
            "createdAt": shipped, "updatedAt": delivered or shipped, "deliveredAt": delivered,
            "trackingInfo": [{"company": "PostNord", "number": "0037", "url":
                              "https://tracking.example/0037"}] if tracking else [],
            "fulfillmentLineItems": {"nodes": [{"quantity": quantity, "lineItem": {"id": LINE}}]}}


def order(*lines: dict[str, Any], fulfillments: list[dict[str, Any]] | None = None,
          display: str = "UNFULFILLED", cancelled: str | None = None,
          fulfillment_orders: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"id": "gid://shopify/Order/77", "name": "#1077", "createdAt": "2026-11-17T08:00:00Z",
            "cancelledAt": cancelled, "closed": False, "displayFulfillmentStatus": display,
            "statusPageUrl": "https://shop.example/77/orders/abc/authenticate",
            "currencyCode": "DKK", "customer": {"id": "gid://shopify/Customer/5"},
            "shippingAddress": {"formatted": ["Vesterbrogade 1", "1620 København V", "Denmark"]},
            "lineItems": {"nodes": list(lines)}, "fulfillments": fulfillments or [],
            "fulfillmentOrders": {"nodes": fulfillment_orders or []}}


DELIVERED = "2026-11-19T15:00:00Z"


@pytest.mark.parametrize(("node", "status", "quantity", "shipped", "returned"), [
    (order(line()), S.UNFULFILLED, 2, 0, 0),
    (order(line(unfulfilled=1), fulfillments=[fulfillment(1)]), S.PARTIALLY_FULFILLED, 2, 1, 0),
    (order(line(unfulfilled=0), fulfillments=[fulfillment(2)]), S.FULFILLED, 2, 2, 0),
    (order(line(unfulfilled=0), fulfillments=[fulfillment(2, display="DELIVERED",
                                                          delivered=DELIVERED)]),
     S.DELIVERED, 2, 2, 0),
    (order(line(current=0, unfulfilled=0), fulfillments=[fulfillment(2, delivered=DELIVERED)]),
     S.RETURNED, 2, 2, 2),
    (order(line(current=1, unfulfilled=0), fulfillments=[fulfillment(2, delivered=DELIVERED)]),
     S.DELIVERED, 2, 2, 1),
    (order(line(current=1, unfulfilled=0), fulfillments=[fulfillment(1)]), S.FULFILLED, 1, 1, 0),
    (order(line(current=0, unfulfilled=0)), S.CANCELLED, 2, 0, 0),
    (order(line(unfulfilled=0), fulfillments=[fulfillment(2, status="CANCELLED")]),
     S.UNFULFILLED, 2, 0, 0),
])
def test_line_states_follow_the_unit_counts(node: dict[str, Any], status: S, quantity: int,
                                            shipped: int, returned: int) -> None:
    [item] = map_order(node).line_items
    assert (item.fulfillment_status, item.quantity, item.fulfilled_quantity,
            item.returned_quantity) == (status, quantity, shipped, returned)
    assert UNKNOWN_STATE_TAG not in item.tags


def test_a_refund_after_shipping_dates_the_return() -> None:
    refund = {"createdAt": "2026-11-19T16:00:00Z", "refundLineItems": {"nodes": [
        {"quantity": 1, "restockType": "RETURN", "lineItem": {"id": LINE}}]}}
    node = order(line(current=1, unfulfilled=0), fulfillments=[
        fulfillment(2, display="DELIVERED", delivered=DELIVERED)])
    [item] = map_order({**node, "refunds": [refund]}).line_items
    assert item.returned_quantity == 1 and item.refunded_at is not None
    assert item.returned_at == item.refunded_at and item.refunded_at.hour == 16
    cancelled = {**refund, "refundLineItems": {"nodes": [
        {"quantity": 2, "restockType": "CANCEL", "lineItem": {"id": LINE}}]}}
    [removed] = map_order({**order(line(current=0, unfulfilled=0)),
                           "refunds": [cancelled]}).line_items
    assert removed.fulfillment_status is S.CANCELLED and removed.refunded_at is None
    odd = {**refund, "refundLineItems": {"nodes": [
        {"quantity": 1, "restockType": "TELEPORT", "lineItem": {"id": LINE}}]}}
    assert has_unknown_state(map_order({**node, "refunds": [odd]}))


def test_an_order_carries_its_facts() -> None:
    mapped = map_order(order(line(), cancelled="2026-11-17T09:00:00Z"))
    assert (mapped.number, mapped.currency, mapped.customer_id) == ("1077", "DKK",
                                                                    "gid://shopify/Customer/5")
    assert mapped.cancelled_at is not None and mapped.status is S.CANCELLED
    assert mapped.shipping_address == "Vesterbrogade 1, 1620 København V, Denmark"
    assert mapped.status_page_url == "https://shop.example/77/orders/abc/authenticate"
    assert mapped.line_items[0].unit_price == Decimal("289.00")
    assert mapped.note is None


@pytest.mark.parametrize(("note", "expected"), [
    ("Leave it with the neighbour", "Leave it with the neighbour"), ("", None), (None, None)])
def test_the_order_note_is_kept_as_written(note: str | None, expected: str | None) -> None:
    assert map_order({**order(line()), "note": note}).note == expected


def test_tracking_dates_and_delivery_come_from_the_fulfillments() -> None:
    node = order(line(unfulfilled=0), fulfillments=[
        fulfillment(1, display="DELIVERED", delivered=DELIVERED),
        fulfillment(1, shipped="2026-11-18T12:00:00Z", display="PICKED_UP", tracking=False)])
    [item] = map_order(node).line_items
    assert item.fulfillment_status is S.DELIVERED
    assert item.shipped_at is not None and item.shipped_at.hour == 9
    assert item.delivered_at is not None and item.delivered_at.day == 19
    assert item.tracking is not None and item.tracking.carrier == "PostNord"


@pytest.mark.parametrize("node", [
    order(line(), display="PARTIALLY_TELEPORTED"),
    order(line(unfulfilled=0), fulfillments=[fulfillment(2, status="BEAMED")]),
    order(line(unfulfilled=0), fulfillments=[fulfillment(2, display="DRONE_LANDED")]),
    order(line(), fulfillment_orders=[{"status": "QUANTUM", "lineItems": {"nodes": [
        {"remainingQuantity": 2, "lineItem": {"id": LINE}}]}}]),
])
def test_unknown_enum_values_mark_the_line_instead_of_failing(node: dict[str, Any]) -> None:
    mapped = map_order(node)
    assert has_unknown_state(mapped)
    assert UNKNOWN_STATE_TAG in mapped.line_items[0].tags


def test_a_line_in_an_in_progress_fulfillment_order_is_tagged() -> None:
    node = order(line(), fulfillment_orders=[{"status": "IN_PROGRESS", "lineItems": {"nodes": [
        {"remainingQuantity": 2, "lineItem": {"id": LINE}}]}}])
    assert FULFILLMENT_IN_PROGRESS_TAG in map_order(node).line_items[0].tags
    assert not has_unknown_state(map_order(node))


@pytest.mark.parametrize(("tag", "policy"), [
    ("Final Sale", "final-sale"), ("final-sale", "final-sale"), ("Personalized", "personalised"),
    ("PreOrder", "pre-order"), ("waterproof", "waterproof")])
def test_product_tags_are_read_as_the_policy_spells_them(tag: str, policy: str) -> None:
    assert policy_tag(tag) == policy


def test_only_policy_tags_reach_the_line() -> None:
    [item] = map_order(order(line(tags=("Final Sale", "waterproof", "Personalized")))).line_items
    assert item.tags == ("final-sale", "personalised")


def test_customers_and_products_map() -> None:
    phone_only = map_customer({"id": "gid://shopify/Customer/1", "displayName": "Ola",
                               "defaultEmailAddress": None,
                               "defaultPhoneNumber": {"phoneNumber": "+4791234567"}})
    assert (phone_only.email, phone_only.phone, phone_only.name) == ("", "+4791234567", "Ola")
    product = map_product({"id": "gid://shopify/Product/1", "title": "Beanie", "tags": ["wool"],
                           "variants": {"nodes": [{"id": "v1", "title": "Ochre", "price": "29.00",
                                                   "inventoryQuantity": 4, "selectedOptions": [
                                                       {"name": "Color", "value": "Ochre"}]}]}})
    assert product.variants[0].color == "Ochre" and product.variants[0].inventory == 4


def comparable(o: Order) -> tuple[Any, ...]:
    return (o.number, o.placed_at, o.cancelled_at, o.status, o.shipping_address, o.total,
            tuple((li.title, li.variant, li.quantity, li.fulfilled_quantity, li.returned_quantity,
                   li.fulfillment_status, frozenset(li.tags), li.unit_price, li.shipped_at,
                   li.delivered_at, li.returned_at, li.refunded_at, li.tracking)
                  for li in o.line_items))


def test_the_demo_store_read_through_shopify_is_the_demo_store(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    store = DemoStore(FIXED_NOW)
    source = ShopifyOrderSource(ShopifyClient(shopify_settings()), orders_page_size=5,
                                max_order_pages=4)
    for customer in store.customers():
        via_shopify = source.orders_for_customer(customer_gid(customer.id))
        expected = [as_shopify_shows_it(o) for o in store.orders_for_customer(customer.id)]
        assert [comparable(o) for o in via_shopify] == [comparable(o) for o in expected]
    source.close()
