"""The demo store as a Shopify shop: the same customers and orders as Admin GraphQL nodes.

``demo_shop(anchor)`` turns every ``DemoStore`` order into the JSON Shopify would send
(line items with ``quantity`` / ``currentQuantity`` / ``unfulfilledQuantity``, fulfillments
with tracking and delivery, fulfillment orders), so the Shopify source read through the
fake server must give back what the demo store holds, and the scenario tests can run
on it unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agent.commerce.demo import DemoStore
from agent.commerce.demo_catalog import DEMO_CUSTOMERS
from agent.commerce.models import Customer, FulfillmentStatus, LineItem, Order, Product
from tests.fakes.shopify_server import FakeShop

DEMO_DOMAIN = "fjord-fell.myshopify.com"
DEMO_TOKEN = "shpat_fjord_fell_test"


def customer_gid(customer_id: str) -> str:
    """``demo-customer-3`` -> ``gid://shopify/Customer/7003``."""
    return f"gid://shopify/Customer/{7000 + int(customer_id.rsplit('-', 1)[1])}"


def iso(moment: datetime | None) -> str | None:
    """A ``DateTime`` as Shopify writes it."""
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def money(amount: Any) -> dict[str, Any]:
    """A ``MoneyBag`` with the shop amount."""
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": "EUR"}}


def customer_node(customer: Customer) -> dict[str, Any]:
    """A ``Customer`` node."""
    first, _, last = customer.name.partition(" ")
    return {"id": customer_gid(customer.id), "displayName": customer.name,
            "firstName": first, "lastName": last,
            "defaultEmailAddress": {"emailAddress": customer.email},
            "defaultPhoneNumber": {"phoneNumber": customer.phone} if customer.phone else None}


def line_node(line: LineItem, product: Product) -> dict[str, Any]:
    """A ``LineItem`` node: removed and refunded units are gone from ``currentQuantity``.

    A return received but not refunded yet is not visible here (Shopify shows it through
    the Returns API only), so its units are still on the order.
    """
    gone = line.quantity if line.fulfillment_status is FulfillmentStatus.CANCELLED \
        else line.returned_quantity if line.refunded_at else 0
    current = line.quantity - gone
    return {"id": f"gid://shopify/LineItem/{line.id.rsplit('-', 2)[-2]}{line.id[-1]}",
            "title": line.title, "variantTitle": line.variant, "quantity": line.quantity,
            "currentQuantity": current,
            "unfulfilledQuantity": max(0, current - line.fulfilled_quantity),
            "refundableQuantity": current, "originalUnitPriceSet": money(line.unit_price),
            "variant": {"id": f"gid://shopify/ProductVariant/{line.variant_id}"},
            "product": {"id": f"gid://shopify/Product/{product.id}", "tags": list(product.tags)}}


def fulfillment_nodes(order: Order, ids: dict[str, str]) -> list[dict[str, Any]]:
    """One successful fulfillment per parcel (lines shipped together, same tracking)."""
    parcels: dict[tuple[Any, ...], list[LineItem]] = {}
    for line in order.line_items:
        if line.fulfilled_quantity and line.tracking is not None:
            key = (line.shipped_at, line.delivered_at, line.tracking.number)
            parcels.setdefault(key, []).append(line)
    nodes = []
    for index, ((shipped, delivered, _), lines) in enumerate(sorted(parcels.items(),
                                                                    key=lambda p: str(p[0]))):
        tracking = lines[0].tracking
        assert tracking is not None
        nodes.append({
            "id": f"gid://shopify/Fulfillment/{order.number}{index}", "status": "SUCCESS",
            "displayStatus": "DELIVERED" if delivered else "IN_TRANSIT",
            "createdAt": iso(shipped), "updatedAt": iso(delivered or shipped),
            "deliveredAt": iso(delivered),
            "trackingInfo": [{"company": tracking.carrier, "number": tracking.number,
                              "url": tracking.url}],
            "fulfillmentLineItems": {"nodes": [
                {"quantity": li.fulfilled_quantity, "lineItem": {"id": ids[li.id]}}
                for li in lines]}})
    return nodes


def order_node(order: Order, products: dict[str, Product]) -> dict[str, Any]:
    """An ``Order`` node with its line items, fulfillments and one fulfillment order."""
    lines = [line_node(li, products[li.product_id]) for li in order.line_items]
    ids = {li.id: node["id"] for li, node in zip(order.line_items, lines, strict=True)}
    remaining = [(node["id"], node["unfulfilledQuantity"]) for node in lines]
    shipped = sum(li.fulfilled_quantity for li in order.line_items)
    display = ("UNFULFILLED" if not shipped else "FULFILLED"
               if all(r == 0 for _, r in remaining) else "PARTIALLY_FULFILLED")
    return {
        "id": f"gid://shopify/Order/{5000 + int(order.number)}", "name": f"#{order.number}",
        "createdAt": iso(order.placed_at), "cancelledAt": iso(order.cancelled_at),
        "closed": order.status in (FulfillmentStatus.DELIVERED, FulfillmentStatus.RETURNED),
        "displayFulfillmentStatus": display,
        "statusPageUrl": f"https://{DEMO_DOMAIN}/70001/orders/{order.number}abc/authenticate",
        "currencyCode": order.currency, "customer": {"id": customer_gid(order.customer_id)},
        "shippingAddress": {"formatted": order.shipping_address.split(", ")},
        "lineItems": {"nodes": lines},
        "fulfillments": fulfillment_nodes(order, ids),
        "refunds": [{"createdAt": iso(li.refunded_at), "refundLineItems": {"nodes": [
            {"quantity": li.returned_quantity, "restockType": "RETURN",
             "lineItem": {"id": ids[li.id]}}]}} for li in order.line_items if li.refunded_at],
        "fulfillmentOrders": {"nodes": [{
            "status": "OPEN" if any(r for _, r in remaining) else "CLOSED",
            "lineItems": {"nodes": [{"remainingQuantity": r, "lineItem": {"id": line_id}}
                                    for line_id, r in remaining]}}]},
    }


def product_node(product: Product) -> dict[str, Any]:
    """A ``Product`` node with its variants."""
    return {"id": f"gid://shopify/Product/{product.id}", "title": product.title,
            "productType": product.product_type, "description": product.description,
            "tags": list(product.tags), "variants": {"nodes": [
                {"id": f"gid://shopify/ProductVariant/{v.id}", "title": v.title,
                 "price": f"{v.price:.2f}", "inventoryQuantity": v.inventory,
                 "selectedOptions": [{"name": n, "value": val} for n, val in
                                     (("Size", v.size), ("Color", v.color)) if val]}
                for v in product.variants]}}


def demo_shop(anchor: datetime, domain: str = DEMO_DOMAIN, token: str = DEMO_TOKEN) -> FakeShop:
    """The demo store at ``anchor`` as a fake Shopify shop."""
    store = DemoStore(anchor)
    products = {p.id: p for p in store.products()}
    orders: dict[str, list[dict[str, Any]]] = {}
    for order in store.orders():
        orders.setdefault(customer_gid(order.customer_id), []).append(
            order_node(order, products))
    return FakeShop(domain=domain, token=token,
                    customers=[customer_node(d.customer) for d in DEMO_CUSTOMERS.values()],
                    orders=orders, products=[product_node(p) for p in store.products()])


def as_shopify_shows_it(order: Order) -> Order:
    """``order`` as the Shopify source can know it: a return is seen when it is refunded,
    and then both dates are the refund's."""
    lines = []
    for li in order.line_items:
        if li.returned_quantity and li.refunded_at is None:
            li = li.model_copy(update={"fulfillment_status": FulfillmentStatus.DELIVERED,
                                       "returned_quantity": 0, "returned_at": None})
        elif li.refunded_at is not None:
            li = li.model_copy(update={"returned_at": li.refunded_at})
        lines.append(li)
    return order.model_copy(update={"line_items": tuple(lines)})
