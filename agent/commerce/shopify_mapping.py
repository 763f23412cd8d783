"""Admin GraphQL JSON -> the project's Customer / Order / LineItem / Product models.

The rules read only ``agent.commerce.models``, so Shopify's figures are translated here:

* ``quantity`` - ``currentQuantity`` units were removed or refunded; units that shipped and
  are no longer on the order were *returned*, the rest were cancelled before shipping.
* shipped units come from successful fulfillments (``fulfillmentLineItems``), delivery
  from ``deliveredAt`` / ``displayStatus``, carrier and tracking from ``trackingInfo``.
* a returned line's ``refunded_at`` (and ``returned_at``: Shopify records the return with
  the refund) is the latest refund that includes it. A return received but not refunded
  yet is only visible through the Returns API, which is not read: such a line reads as
  delivered.
* A line whose remaining units sit in an ``IN_PROGRESS`` fulfillment order is tagged
  ``fulfillment-in-progress`` (the warehouse has it).
* An enum value this code does not know (a newer API version) never raises: the lines it
  concerns are tagged ``unknown-state`` and ``has_unknown_state(order)`` is true, so a
  skill can hand off instead of deciding on a state it does not understand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from agent.commerce.demo_catalog import LINE_ITEM_TAGS
from agent.commerce.models import (
    UNKNOWN_STATE_TAG,
    Customer,
    FulfillmentStatus,
    LineItem,
    Order,
    Product,
    Tracking,
    Variant,
)

FULFILLMENT_IN_PROGRESS_TAG = "fulfillment-in-progress"

ORDER_DISPLAY_STATUSES = frozenset({
    "FULFILLED", "IN_PROGRESS", "ON_HOLD", "OPEN", "PARTIALLY_FULFILLED",
    "PENDING_FULFILLMENT", "REQUEST_DECLINED", "RESTOCKED", "SCHEDULED", "UNFULFILLED"})
SHIPPED_FULFILLMENT = "SUCCESS"
FULFILLMENT_STATUSES = frozenset({"SUCCESS", "CANCELLED", "ERROR", "FAILURE", "OPEN", "PENDING"})
DELIVERED_DISPLAY = frozenset({"DELIVERED", "PICKED_UP"})
FULFILLMENT_DISPLAY_STATUSES = frozenset({
    "ATTEMPTED_DELIVERY", "CANCELED", "CARRIER_PICKED_UP", "CONFIRMED", "DELAYED",
    "DELIVERED", "FAILURE", "FULFILLED", "IN_TRANSIT", "LABEL_PRINTED", "LABEL_PURCHASED",
    "LABEL_VOIDED", "MARKED_AS_FULFILLED", "NOT_DELIVERED", "OUT_FOR_DELIVERY", "PICKED_UP",
    "READY_FOR_PICKUP", "SUBMITTED"})
RESTOCK_TYPES = frozenset({"CANCEL", "LEGACY_RESTOCK", "NO_RESTOCK", "RETURN"})
IN_PROGRESS_FULFILLMENT_ORDER = frozenset({"IN_PROGRESS", "INCOMPLETE"})
FULFILLMENT_ORDER_STATUSES = frozenset({
    "CANCELLED", "CLOSED", "IN_PROGRESS", "INCOMPLETE", "ON_HOLD", "OPEN", "SCHEDULED"})

TAG_ALIASES = {"personalized": "personalised", "preorder": "pre-order", "finalsale": "final-sale"}


class ShopifyOrder(Order):
    """An ``Order`` with the Shopify facts the common model has no field for (yet)."""

    status_page_url: str | None = None
    closed: bool = False
    display_fulfillment_status: str = ""


def nodes(connection: Any) -> list[dict[str, Any]]:
    """The nodes of a connection (``{nodes: [...]}``) or a plain list."""
    if isinstance(connection, list):
        return [n for n in connection if isinstance(n, dict)]
    if isinstance(connection, dict):
        return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]
    return []


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 ``DateTime`` from Shopify, or None."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def policy_tag(tag: str) -> str:
    """A product tag as the policy spells it: ``Final Sale`` -> ``final-sale``."""
    slug = "-".join(tag.strip().lower().split())
    return TAG_ALIASES.get(slug.replace("-", ""), slug)


def map_customer(node: dict[str, Any]) -> Customer:
    """A Shopify ``Customer`` node as a ``Customer`` (email may be empty, phone None)."""
    email = (node.get("defaultEmailAddress") or {}).get("emailAddress") or ""
    phone = (node.get("defaultPhoneNumber") or {}).get("phoneNumber") or None
    name = node.get("displayName") or " ".join(
        p for p in (node.get("firstName"), node.get("lastName")) if p) or email
    return Customer(id=str(node["id"]), email=email, name=name, phone=phone)


@dataclass
class _Shipping:
    """What the fulfillments and fulfillment orders say about one line item."""

    shipped: int = 0
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    all_delivered: bool = True
    refunded_at: datetime | None = None
    tracking: Tracking | None = None
    tags: set[str] = field(default_factory=set)


def _shipping_by_line(order: dict[str, Any]) -> dict[str, _Shipping]:
    by_line: dict[str, _Shipping] = {}
    for fulfillment in sorted(order.get("fulfillments") or [],
                              key=lambda f: f.get("createdAt") or ""):
        status = fulfillment.get("status")
        display = fulfillment.get("displayStatus")
        unknown = status not in FULFILLMENT_STATUSES or (
            display is not None and display not in FULFILLMENT_DISPLAY_STATUSES)
        for item in nodes(fulfillment.get("fulfillmentLineItems")):
            line = by_line.setdefault((item.get("lineItem") or {}).get("id", ""), _Shipping())
            if unknown:
                line.tags.add(UNKNOWN_STATE_TAG)
            if status != SHIPPED_FULFILLMENT:
                continue
            line.shipped += int(item.get("quantity") or 0)
            created = parse_time(fulfillment.get("createdAt"))
            line.shipped_at = min(filter(None, (line.shipped_at, created)), default=None)
            delivered = parse_time(fulfillment.get("deliveredAt"))
            if delivered is None and display in DELIVERED_DISPLAY:
                delivered = parse_time(fulfillment.get("updatedAt"))
            line.all_delivered = line.all_delivered and delivered is not None
            line.delivered_at = max(filter(None, (line.delivered_at, delivered)), default=None)
            line.tracking = _tracking(fulfillment) or line.tracking
    for refund in order.get("refunds") or []:
        refunded = parse_time(refund.get("createdAt"))
        for item in nodes(refund.get("refundLineItems")):
            line = by_line.setdefault((item.get("lineItem") or {}).get("id", ""), _Shipping())
            if item.get("restockType") not in RESTOCK_TYPES:
                line.tags.add(UNKNOWN_STATE_TAG)
            line.refunded_at = max(filter(None, (line.refunded_at, refunded)), default=None)
    for fulfillment_order in nodes(order.get("fulfillmentOrders")):
        status = fulfillment_order.get("status")
        for item in nodes(fulfillment_order.get("lineItems")):
            line = by_line.setdefault((item.get("lineItem") or {}).get("id", ""), _Shipping())
            if status not in FULFILLMENT_ORDER_STATUSES:
                line.tags.add(UNKNOWN_STATE_TAG)
            elif status in IN_PROGRESS_FULFILLMENT_ORDER and item.get("remainingQuantity"):
                line.tags.add(FULFILLMENT_IN_PROGRESS_TAG)
    return by_line


def _tracking(fulfillment: dict[str, Any]) -> Tracking | None:
    """The first tracking entry with a number and a link (a link is what skills show)."""
    for info in fulfillment.get("trackingInfo") or []:
        if info.get("number") and info.get("url"):
            return Tracking(carrier=info.get("company") or "", number=info["number"],
                            url=info["url"])
    return None


def line_status(kept: int, shipped: int, returned: int,
                all_delivered: bool) -> FulfillmentStatus:
    """A line's state from its unit counts (kept = units not cancelled before shipping)."""
    if kept <= 0:
        return FulfillmentStatus.CANCELLED
    if returned >= kept:
        return FulfillmentStatus.RETURNED
    if shipped <= 0:
        return FulfillmentStatus.UNFULFILLED
    if shipped < kept:
        return FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.DELIVERED if all_delivered else FulfillmentStatus.FULFILLED


def map_line_item(node: dict[str, Any], shipping: _Shipping | None,
                  order_tags: set[str]) -> LineItem:
    """One Shopify ``LineItem`` as a ``LineItem``.

    ``shipping`` is what the order's fulfillments say about the line; None when the
    fulfillments were not read, and then ``unfulfilledQuantity`` gives the shipped units.
    """
    ordered = int(node.get("quantity") or 0)
    current = node.get("currentQuantity")
    current = ordered if current is None else int(current)
    if shipping is None:
        shipping = _Shipping(shipped=max(0, current - int(node.get("unfulfilledQuantity") or 0)),
                             all_delivered=False)
    shipped = shipping.shipped
    returned = max(0, shipped - current)
    kept = current + returned
    product = node.get("product") or {}
    tags = {policy_tag(t) for t in product.get("tags") or []} & LINE_ITEM_TAGS
    status = line_status(kept, shipped, returned, shipping.all_delivered and shipping.shipped > 0)
    price = ((node.get("originalUnitPriceSet") or {}).get("shopMoney") or {}).get("amount")
    return LineItem(
        id=str(node["id"]),
        product_id=str(product.get("id") or ""),
        variant_id=str((node.get("variant") or {}).get("id") or ""),
        title=node.get("title") or "",
        variant=node.get("variantTitle") or "",
        quantity=kept if kept > 0 else ordered,
        fulfilled_quantity=min(shipped, kept) if kept > 0 else 0,
        returned_quantity=returned,
        fulfillment_status=status,
        tags=tuple(sorted(tags | shipping.tags | order_tags)),
        unit_price=_decimal(price),
        shipped_at=shipping.shipped_at if shipped else None,
        delivered_at=shipping.delivered_at if shipping.all_delivered and shipped else None,
        returned_at=shipping.refunded_at if returned else None,
        refunded_at=shipping.refunded_at if returned else None,
        tracking=shipping.tracking if shipped else None,
    )


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def map_order(node: dict[str, Any]) -> ShopifyOrder:
    """A Shopify ``Order`` node (with line items and fulfillments) as a ``ShopifyOrder``."""
    display = node.get("displayFulfillmentStatus") or ""
    order_tags = {UNKNOWN_STATE_TAG} if display not in ORDER_DISPLAY_STATUSES else set()
    shipping = _shipping_by_line(node)
    read_fulfillments = node.get("fulfillments") is not None
    address = (node.get("shippingAddress") or {}).get("formatted") or []
    placed_at = parse_time(node.get("createdAt"))
    if placed_at is None:
        raise ValueError("order without createdAt")
    return ShopifyOrder(
        id=str(node["id"]),
        number=str(node.get("name") or "").lstrip("#"),
        customer_id=str((node.get("customer") or {}).get("id") or ""),
        placed_at=placed_at,
        line_items=tuple(
            map_line_item(li, shipping.get(li.get("id", ""), _Shipping())
                          if read_fulfillments else None, order_tags)
            for li in nodes(node.get("lineItems"))),
        currency=node.get("currencyCode") or "",
        cancelled_at=parse_time(node.get("cancelledAt")),
        shipping_address=", ".join(str(part) for part in address),
        note=node.get("note") or None,
        status_page_url=node.get("statusPageUrl") or None,
        closed=bool(node.get("closed")),
        display_fulfillment_status=display,
    )


def map_product(node: dict[str, Any]) -> Product:
    """A Shopify ``Product`` with its variants as a ``Product``."""
    variants = []
    for variant in nodes(node.get("variants")):
        options = {o.get("name", "").lower(): o.get("value") for o in
                   variant.get("selectedOptions") or []}
        variants.append(Variant(
            id=str(variant["id"]), title=variant.get("title") or "",
            size=options.get("size"), color=options.get("color") or options.get("colour"),
            price=_decimal(variant.get("price")),
            inventory=int(variant.get("inventoryQuantity") or 0)))
    return Product(id=str(node["id"]), title=node.get("title") or "",
                   product_type=node.get("productType") or "",
                   description=node.get("description") or "",
                   tags=tuple(node.get("tags") or ()), variants=tuple(variants))
