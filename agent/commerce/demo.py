"""The demo store: an in-memory ``OrderSource`` for the brand "Fjord & Fell".

``DemoStore(anchor)`` builds 45 orders for 8 customers, every time (placed, shipped,
delivered, returned, refunded, cancelled) a fixed offset before ``anchor``. Fix the clock
and the store is the same on every run, so tests, evals and the preview console can name
orders by number.
``DEMO_CASES`` names one order per situation the skills must handle (editable, edit window
closed, partially fulfilled, delivered long ago, ...); the windows those names refer to are
the ones in ``skills.policy.StorePolicy`` (edit 12 h, cancel 24 h, return 30 days,
dispatch 2 business days, delivery 5 business days).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.commerce.demo_catalog import DEMO_CUSTOMERS, DEMO_PRODUCTS, LINE_ITEM_TAGS
from agent.commerce.models import (
    Customer,
    FulfillmentStatus,
    LineItem,
    Order,
    Product,
    Tracking,
    Variant,
)


def _d(days: int, hours: int = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


def _h(hours: int) -> timedelta:
    return timedelta(hours=hours)


@dataclass(frozen=True)
class _LineSpec:
    """One order line as data: what was bought and how far it got, in offsets from now."""

    sku: str
    quantity: int = 1
    shipped_units: int = 0
    shipped_ago: timedelta | None = None
    delivered_ago: timedelta | None = None
    returned_ago: timedelta | None = None
    refunded_ago: timedelta | None = None
    cancelled: bool = False


def _todo(sku: str, qty: int = 1) -> _LineSpec:
    return _LineSpec(sku, qty)


def _shipped(sku: str, ago: timedelta, qty: int = 1, units: int | None = None) -> _LineSpec:
    return _LineSpec(sku, qty, qty if units is None else units, ago)


def _delivered(sku: str, shipped: timedelta, delivered: timedelta, qty: int = 1) -> _LineSpec:
    return _LineSpec(sku, qty, qty, shipped, delivered)


def _returned(sku: str, shipped: timedelta, delivered: timedelta, returned: timedelta,
              refunded: timedelta | None = None, qty: int = 1) -> _LineSpec:
    return _LineSpec(sku, qty, qty, shipped, delivered, returned, refunded)


def _cancelled(sku: str, qty: int = 1) -> _LineSpec:
    return _LineSpec(sku, qty, cancelled=True)


@dataclass(frozen=True)
class _OrderSpec:
    number: str
    customer: str
    age: timedelta
    lines: tuple[_LineSpec, ...]
    cancelled_ago: timedelta | None = None
    case: str | None = None
    note: str | None = None


def _o(number: str, customer: str, age: timedelta, *lines: _LineSpec,
       case: str | None = None, cancelled_ago: timedelta | None = None,
       note: str | None = None) -> _OrderSpec:
    return _OrderSpec(number, customer, age, lines, cancelled_ago, case, note)


# Oldest first, so order numbers rise with time as in a real shop.
_ORDERS: tuple[_OrderSpec, ...] = (
    _o("1001", "ingrid", _d(150, 4), _delivered("rondane-top-m-black", _d(149), _d(146))),
    _o("1002", "jonas", _d(140, 9), _delivered("skagen-m-black", _d(139), _d(135))),
    _o("1003", "mikkel", _d(130, 2), _delivered("socks-44", _d(129), _d(125), qty=2)),
    _o("1004", "astrid", _d(120, 6), _delivered("skagen-m-blue", _d(119), _d(116))),
    _o("1005", "lars", _d(110, 3), _delivered("kjerag-44", _d(109), _d(105)),
       _delivered("socks-44", _d(109), _d(105), qty=2)),
    _o("1006", "zofia", _d(96, 7), _delivered("rondane-top-s-black", _d(95), _d(91)),
       _delivered("rondane-leg-s-black", _d(95), _d(91))),
    _o("1007", "ingrid", _d(88, 1), _delivered("lofoten-m-moss", _d(87), _d(84))),
    _o("1008", "mikkel", _d(75, 5), _delivered("jotunheim-sm", _d(74), _d(71))),
    _o("1009", "jonas", _d(64, 8), _delivered("beanie-navy", _d(62), _d(59)),
       _delivered("hardanger-m-grey", _d(63, 20), _d(60))),
    _o("1010", "freja", _d(58, 2), _delivered("trolltunga-sand", _d(57), _d(54))),
    _o("1011", "lars", _d(50, 4), _delivered("hardanger-l-grey", _d(49), _d(45)),
       _delivered("rondane-top-l-black", _d(49), _d(45)), case="delivered_old"),
    _o("1012", "astrid", _d(42, 3), _delivered("socks-36", _d(41), _d(38), qty=2),
       _delivered("rondane-leg-m-black", _d(41), _d(38))),
    _o("1013", "ingrid", _d(35, 6), _cancelled("skagen-l-black"), cancelled_ago=_d(35, 3)),
    _o("1014", "zofia", _d(31, 2), _delivered("trolltunga-blue", _d(30), _d(27))),
    # refunded: the return arrived 17 days ago and its refund was issued 2 days later
    _o("1015", "mikkel", _d(28, 5),
       _returned("lofoten-l-black", _d(27), _d(24), returned=_d(17), refunded=_d(15)),
       case="returned"),
    # the return arrived 2 days ago; its refund is still being processed
    _o("1016", "freja", _d(25, 1), _delivered("hardanger-m-rust", _d(24), _d(21)),
       _returned("rondane-top-m-black", _d(24), _d(21), returned=_d(2)),
       case="delivered_with_return"),
    _o("1017", "jonas", _d(22, 7), _delivered("fell-s-lime", _d(21), _d(18)),
       _delivered("socks-40", _d(21), _d(18)), case="delivered_with_final_sale"),
    _o("1018", "zofia", _d(20, 3), _delivered("beanie-ochre", _d(18), _d(15)),
       case="delivered_personalised"),
    _o("1019", "astrid", _d(18, 4), _delivered("lofoten-s-black", _d(17), _d(14))),
    _o("1020", "freja", _d(15, 6), _delivered("kjerag-40", _d(14), _d(11)),
       _cancelled("trolltunga-black"), case="line_cancelled"),
    _o("1021", "lars", _d(12, 2), _shipped("skagen-l-blue", _d(10)), case="late_in_transit"),
    # every other size of the trekking pack is sold out: nothing to exchange it for
    _o("1022", "ingrid", _d(11, 5), _delivered("socks-40", _d(10), _d(7), qty=2),
       _delivered("rondane-top-m-glacier", _d(10), _d(7)),
       _delivered("jotunheim-sm", _d(10), _d(7)), case="delivered_no_exchange"),
    _o("1023", "mikkel", _d(9, 3), _delivered("kjerag-46", _d(8), _d(5)),
       _delivered("socks-44", _d(8), _d(5)), case="delivered_recent"),
    _o("1024", "katarzyna", _d(8, 1), _delivered("lofoten-m-black", _d(7), _d(3)),
       case="single_order_customer"),
    _o("1025", "zofia", _d(7, 4), _delivered("hardanger-s-grey", _d(6), _d(2)),
       _shipped("trolltunga-sand", _d(3)), case="delivered_with_in_transit"),
    _o("1026", "freja", _d(6, 2), _todo("jotunheim-ml"), _todo("socks-40"),
       case="late_unfulfilled"),
    _o("1027", "jonas", _d(5, 3), _shipped("trolltunga-blue", _d(4))),
    _o("1028", "lars", _d(4, 6), _delivered("rondane-leg-m-black", _d(3), _d(1))),
    _o("1029", "ingrid", _d(3, 2), _shipped("skagen-s-blue", _d(2)),
       _shipped("hardanger-m-grey", _d(2)), case="fulfilled"),
    _o("1030", "mikkel", _h(60), _shipped("skagen-m-black", _h(40)),
       _todo("svalbard-m-black"), case="partially_fulfilled_pre_order"),
    _o("1031", "zofia", _h(40), _shipped("trolltunga-sand", _h(20)), _todo("hardanger-m-grey"),
       case="partially_fulfilled"),
    _o("1032", "jonas", _h(36), _shipped("rondane-top-s-black", _h(12), qty=2, units=1),
       _shipped("socks-44", _h(12)), case="partially_fulfilled_line"),
    _o("1033", "lars", _h(32), _todo("lofoten-m-black"), _todo("hardanger-m-rust"),
       case="cancel_window_closed"),
    _o("1034", "ingrid", _h(26), _todo("kjerag-38")),
    _o("1035", "freja", _h(20), _todo("rondane-top-xs-black"), _todo("rondane-leg-s-black")),
    _o("1036", "astrid", _h(16), _todo("trolltunga-blue"), _todo("socks-36", qty=2),
       case="edit_window_closed"),
    _o("1037", "mikkel", _h(10), _todo("beanie-ochre"), _todo("hardanger-s-grey"),
       case="editable_with_personalised"),
    _o("1038", "astrid", _h(9), _todo("jotunheim-sm"),
       note="Please leave the parcel at the back door if nobody answers."),
    _o("1039", "jonas", _h(8), _todo("svalbard-l-glacier"), _todo("rondane-top-l-black"),
       case="editable_with_pre_order"),
    _o("1040", "ingrid", _h(6), _cancelled("lofoten-s-black"), cancelled_ago=_h(5),
       case="cancelled"),
    _o("1041", "zofia", _h(5), _todo("fell-m-lime"), _todo("socks-36", qty=2),
       case="editable_with_final_sale"),
    _o("1042", "freja", _h(3), _todo("hardanger-m-grey"),
       note="It's a gift, please leave the receipt out of the box."),
    _o("1043", "astrid", _h(2), _todo("skagen-l-blue"), _todo("rondane-top-m-glacier"),
       case="editable"),
    _o("1044", "lars", _h(1), _todo("kjerag-44")),
    _o("1045", "ingrid", timedelta(minutes=40), _shipped("socks-40", timedelta(minutes=10)),
       _todo("hardanger-s-grey"), case="partially_fulfilled_editable"),
)

DEMO_CASES: dict[str, tuple[str, str]] = {
    spec.case: (DEMO_CUSTOMERS[spec.customer].customer.email, spec.number)
    for spec in _ORDERS if spec.case is not None
}
"""Scenario name -> (customer email, order number), e.g. ``"editable"``."""

DEMO_CUSTOMER_EMAILS: list[str] = [c.customer.email for c in DEMO_CUSTOMERS.values()]
"""Every demo customer's email, in catalog order."""

_PHONE_SEPARATORS = re.compile(r"[\s\-.()\u00a0]")
_E164 = re.compile(r"\+[1-9]\d{6,14}")


def normalise_email(text: str) -> str:
    """An email as stored for lookup: trimmed and case-folded."""
    return text.strip().casefold()


def normalise_phone(text: str) -> str | None:
    """``+45 20-12 34 56`` or ``0045 20123456`` as E.164 (``+4520123456``), else None.

    A number without a country code (``+`` or ``00``) is not guessed at.
    """
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return digits if _E164.fullmatch(digits) else None


def _tracking(number: str, shipment: int) -> Tracking:
    """Deterministic carrier details for the ``shipment``-th parcel of an order."""
    if int(number) % 3 == 0:
        code = f"5{number}{shipment:02d}0017"
        return Tracking(carrier="GLS", number=code, url=f"https://tracking.example/gls/{code}")
    code = f"00370733{number}{shipment:02d}000071"
    return Tracking(carrier="PostNord", number=code,
                    url=f"https://tracking.example/postnord/{code}")


def _line_status(spec: _LineSpec) -> FulfillmentStatus:
    if spec.cancelled:
        return FulfillmentStatus.CANCELLED
    if spec.shipped_ago is None:
        return FulfillmentStatus.UNFULFILLED
    if spec.shipped_units < spec.quantity:
        return FulfillmentStatus.PARTIALLY_FULFILLED
    if spec.returned_ago is not None:
        return FulfillmentStatus.RETURNED
    if spec.delivered_ago is not None:
        return FulfillmentStatus.DELIVERED
    return FulfillmentStatus.FULFILLED


def _build_order(spec: _OrderSpec, anchor: datetime,
                 variants: dict[str, tuple[Product, Variant]]) -> Order:
    """Turn one order spec into an ``Order`` whose times are ``anchor`` minus offsets."""
    order_id = f"demo-order-{spec.number}"
    # Lines shipped at the same moment travel in one parcel, with one tracking number.
    shipments = sorted({ls.shipped_ago for ls in spec.lines if ls.shipped_ago is not None},
                       reverse=True)
    lines = []
    for index, ls in enumerate(spec.lines, start=1):
        product, variant = variants[ls.sku]
        lines.append(LineItem(
            id=f"{order_id}-{index}",
            product_id=product.id,
            variant_id=variant.id,
            title=product.title,
            variant=variant.title,
            quantity=ls.quantity,
            fulfilled_quantity=ls.shipped_units,
            returned_quantity=0 if ls.returned_ago is None else ls.quantity,
            fulfillment_status=_line_status(ls),
            tags=tuple(t for t in product.tags if t in LINE_ITEM_TAGS),
            unit_price=variant.price,
            shipped_at=None if ls.shipped_ago is None else anchor - ls.shipped_ago,
            delivered_at=None if ls.delivered_ago is None else anchor - ls.delivered_ago,
            returned_at=None if ls.returned_ago is None else anchor - ls.returned_ago,
            refunded_at=None if ls.refunded_ago is None else anchor - ls.refunded_ago,
            tracking=None if ls.shipped_ago is None
            else _tracking(spec.number, shipments.index(ls.shipped_ago) + 1),
        ))
    return Order(
        id=order_id,
        number=spec.number,
        customer_id=DEMO_CUSTOMERS[spec.customer].customer.id,
        placed_at=anchor - spec.age,
        line_items=tuple(lines),
        cancelled_at=None if spec.cancelled_ago is None else anchor - spec.cancelled_ago,
        shipping_address=DEMO_CUSTOMERS[spec.customer].address,
        note=spec.note,
    )


def best_selling_first(products: Sequence[Product],
                       orders: Sequence[Order]) -> tuple[Product, ...]:
    """Products by units sold (cancelled and returned units left out); ties keep catalog order."""
    sold: dict[str, int] = {}
    for order in orders:
        for line in order.line_items:
            if line.fulfillment_status is FulfillmentStatus.CANCELLED:
                continue
            sold[line.product_id] = (sold.get(line.product_id, 0) + line.quantity
                                     - line.returned_quantity)
    ranked = sorted(enumerate(products), key=lambda ip: (-sold.get(ip[1].id, 0), ip[0]))
    return tuple(product for _, product in ranked)


class DemoStore:
    """An in-memory ``OrderSource`` for "Fjord & Fell", every time relative to ``anchor``.

    ``anchor`` is "now" for the store (a naive datetime is taken as UTC, like
    ``FixedClock``); the same anchor always yields the same customers, products and orders.
    """

    def __init__(self, anchor: datetime) -> None:
        self.anchor = (anchor.replace(tzinfo=UTC) if anchor.tzinfo is None
                       else anchor.astimezone(UTC))
        variants = {v.id: (p, v) for p in DEMO_PRODUCTS for v in p.variants}
        self._customers = tuple(c.customer for c in DEMO_CUSTOMERS.values())
        self._orders = tuple(sorted(
            (_build_order(spec, self.anchor, variants) for spec in _ORDERS),
            key=lambda o: (o.placed_at, int(o.number)), reverse=True))
        self._products = best_selling_first(DEMO_PRODUCTS, self._orders)
        self._by_id = {c.id: c for c in self._customers}
        self._by_email = {normalise_email(c.email): c for c in self._customers}
        self._by_phone = {c.phone: c for c in self._customers if c.phone}

    def customer_by_email(self, email: str) -> Customer | None:
        """The customer with this email, ignoring case and surrounding whitespace."""
        return self._by_email.get(normalise_email(email))

    def customer_by_phone(self, phone: str) -> Customer | None:
        """The customer with this phone; spaces, dashes and a ``00`` prefix are tolerated."""
        normalised = normalise_phone(phone)
        return None if normalised is None else self._by_phone.get(normalised)

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id."""
        return self._by_id.get(customer_id)

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        """The customer's orders, newest first (empty for an unknown id)."""
        return [o for o in self._orders if o.customer_id == customer_id]

    def products(self) -> list[Product]:
        """The catalog, best-selling first (units sold in the store's own orders)."""
        return list(self._products)

    def customers(self) -> list[Customer]:
        """Every demo customer, in catalog order (for the console and the CLI)."""
        return list(self._customers)

    def orders(self) -> list[Order]:
        """Every order in the store, newest first (for the console and the CLI)."""
        return list(self._orders)


def demo_orders_json(store: DemoStore) -> dict[str, Any]:
    """Customers and their orders as plain JSON data (``customer-agent demo orders --json``)."""
    return {"customers": [
        {
            "email": customer.email,
            "name": customer.name,
            "phone": customer.phone,
            "orders": [
                {
                    "number": order.number,
                    "placed_at": order.placed_at.isoformat(),
                    "status": order.status.value,
                    "line_items": [
                        {
                            "title": li.title,
                            "variant": li.variant,
                            "quantity": li.quantity,
                            "fulfilled_quantity": li.fulfilled_quantity,
                            "fulfillment_status": li.fulfillment_status.value,
                            "tags": list(li.tags),
                        }
                        for li in order.line_items
                    ],
                }
                for order in store.orders_for_customer(customer.id)
            ],
        }
        for customer in store.customers()
    ]}
