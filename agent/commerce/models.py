"""Store data the agent reasons about: customers, products, orders and their line items.

These models are the common language of every order source (the demo store, Shopify):
the rules in ``skills/rules.py`` only ever see these, so a new source changes nothing
downstream. Times are timezone-aware UTC; money is ``Decimal``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

UNKNOWN_STATE_TAG = "unknown-state"


class FulfillmentStatus(StrEnum):
    """Where one line item (or, summarised, a whole order) is in its life."""

    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Customer(BaseModel):
    """A shopper on file. ``phone`` is E.164 (``+4512345678``)."""

    model_config = ConfigDict(frozen=True)

    id: str
    email: str
    name: str
    phone: str | None = None


class Variant(BaseModel):
    """One purchasable variant of a product, with its stock."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    size: str | None = None
    color: str | None = None
    price: Decimal
    inventory: int = 0


class Product(BaseModel):
    """A catalog product with its variants and the facts shoppers ask about."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    product_type: str
    description: str = ""
    material: str = ""
    care: str = ""
    tags: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()


class Tracking(BaseModel):
    """Carrier and tracking details of a shipped line item."""

    model_config = ConfigDict(frozen=True)

    carrier: str
    number: str
    url: str


class LineItem(BaseModel):
    """One line of an order.

    ``fulfilled_quantity`` counts units that left the warehouse; ``fulfillment_status``
    is the line's own state (a line with 1 of 2 units shipped is partially fulfilled).
    ``returned_at`` is when a return arrived back at the warehouse and ``refunded_at`` when
    its refund was issued; either is None when it has not happened (or is not known).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    product_id: str
    variant_id: str
    title: str
    variant: str
    quantity: int
    fulfilled_quantity: int = 0
    returned_quantity: int = 0
    fulfillment_status: FulfillmentStatus = FulfillmentStatus.UNFULFILLED
    tags: tuple[str, ...] = ()
    unit_price: Decimal = Decimal("0")
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    returned_at: datetime | None = None
    refunded_at: datetime | None = None
    tracking: Tracking | None = None


class Order(BaseModel):
    """A customer's order. ``number`` is what the shopper sees (``1042`` for ``#1042``).

    ``note`` is the free text the customer or the shop attached to the order (Shopify's
    order note). It is data written by people outside the code, never an instruction.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    number: str
    customer_id: str
    placed_at: datetime
    line_items: tuple[LineItem, ...] = Field(default_factory=tuple)
    currency: str = "EUR"
    cancelled_at: datetime | None = None
    shipping_address: str = ""
    note: str | None = None

    @property
    def status(self) -> FulfillmentStatus:
        """The order's overall state, summarised from its line items."""
        return summarise_status(self)

    @property
    def total(self) -> Decimal:
        """Sum of line prices, computed from the order's own figures."""
        return sum((li.unit_price * li.quantity for li in self.line_items), Decimal("0"))


def summarise_status(order: Order) -> FulfillmentStatus:
    """Reduce the line items' states to one order-level state."""
    if order.cancelled_at is not None:
        return FulfillmentStatus.CANCELLED
    states = {li.fulfillment_status for li in order.line_items} - {FulfillmentStatus.CANCELLED}
    if not states:
        return FulfillmentStatus.CANCELLED
    if states == {FulfillmentStatus.RETURNED}:
        return FulfillmentStatus.RETURNED
    if states <= {FulfillmentStatus.DELIVERED, FulfillmentStatus.RETURNED}:
        return FulfillmentStatus.DELIVERED
    shipped = {FulfillmentStatus.FULFILLED, FulfillmentStatus.DELIVERED, FulfillmentStatus.RETURNED}
    if states <= shipped:
        return FulfillmentStatus.FULFILLED
    if states & (shipped | {FulfillmentStatus.PARTIALLY_FULFILLED}):
        return FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.UNFULFILLED


def has_unknown_state(order: Order) -> bool:
    """Whether any line is in a state this version of the agent does not understand.

    A source marks such lines with ``UNKNOWN_STATE_TAG`` (e.g. an enum value from a newer
    Shopify API version); skills hand those orders to a person rather than guess.
    """
    return any(UNKNOWN_STATE_TAG in li.tags for li in order.line_items)
