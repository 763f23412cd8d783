"""Pure return rules beyond eligibility: exchange options, deadlines, refund state.

Eligibility itself is ``rules.return_eligibility``. Here: what an eligible item can be
exchanged for (the other sizes and colours of the same product that are in stock), when
its return window closes, where the refund of a returned item stands, and whether a
message asks about a refund. A refund amount is only ever the line's own unit price times
the quantity returned, in the order's currency; without those figures no amount is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from agent.commerce.models import FulfillmentStatus, LineItem, Order, Product, Variant
from skills.policy import StorePolicy
from skills.rules_delivery import add_business_days, format_day, is_overdue, local_date

REFUND_BUSINESS_DAYS = 5
"""The returns policy's refund promise: business days after the return arrives."""

CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£"}

REFUND_WORDS = re.compile(r"\b(refund\w*|money back|reimburs\w*)", re.IGNORECASE)
STATUS_CUES = re.compile(
    r"\b(where|when|status|yet|still|receive[ds]?|got|processed|been|track\w*|how long|"
    r"arrived?|haven'?t|hasn'?t|didn'?t|waiting)\b", re.IGNORECASE)


def exchange_options(item: LineItem, products: Sequence[Product]) -> list[Variant]:
    """The other variants of the item's product that are in stock, in catalog order."""
    product = next((p for p in products if p.id == item.product_id), None)
    if product is None:
        return []
    return [v for v in product.variants if v.id != item.variant_id and v.inventory > 0]


def return_deadline(item: LineItem, policy: StorePolicy) -> datetime | None:
    """When the item's return window closes (delivery + window); None if not delivered."""
    return None if item.delivered_at is None else item.delivered_at + policy.return_window


def format_money(amount: Decimal, currency: str) -> str:
    """``€89.00`` for the currencies with a symbol, else ``89.00 DKK``."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


class RefundStage(StrEnum):
    """Where the refund of a returned item stands."""

    REFUNDED = "refunded"
    PROCESSING = "processing"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class RefundState:
    """The return and refund of one line item, from the order's own data.

    ``amount`` is None when the order does not say how many units came back; ``due`` is
    the last business day of the refund promise, when the return's arrival is known.
    """

    line_item_id: str
    title: str
    variant: str
    quantity: int
    amount: Decimal | None
    currency: str
    stage: RefundStage
    returned_on: date | None
    refunded_on: date | None
    due: date | None
    detail: str


def refund_state(item: LineItem, order: Order, now: datetime, timezone: str = "UTC",
                 holidays: frozenset[date] = frozenset(),
                 refund_days: int = REFUND_BUSINESS_DAYS) -> RefundState | None:
    """The refund of a returned line item: issued, being processed, or overdue.

    None for an item that has not been returned.
    """
    if item.returned_quantity == 0 and item.fulfillment_status is not FulfillmentStatus.RETURNED:
        return None
    amount = item.unit_price * item.returned_quantity if item.returned_quantity else None
    returned_on = None if item.returned_at is None else local_date(item.returned_at, timezone)
    refunded_on = None if item.refunded_at is None else local_date(item.refunded_at, timezone)
    due = None if item.returned_at is None else add_business_days(
        item.returned_at, refund_days, timezone, holidays)
    refund = "refund" if amount is None else f"refund of {format_money(amount, order.currency)}"
    returned = "returned" if returned_on is None else f"returned on {format_day(returned_on)}"
    if refunded_on is not None:
        stage, state = RefundStage.REFUNDED, f"{refund} issued on {format_day(refunded_on)}"
    elif due is not None and is_overdue(due, now, timezone):
        stage = RefundStage.OVERDUE
        state = f"{refund} was due by {format_day(due)} and hasn't been issued yet"
    else:
        stage = RefundStage.PROCESSING
        state = f"{refund} being processed" + ("" if due is None else
                                               f", due by {format_day(due)}")
    return RefundState(
        line_item_id=item.id, title=item.title, variant=item.variant,
        quantity=item.returned_quantity, amount=amount, currency=order.currency, stage=stage,
        returned_on=returned_on, refunded_on=refunded_on, due=due,
        detail=f"{returned}; {state}",
    )


def order_refunds(order: Order, now: datetime, timezone: str = "UTC",
                  holidays: frozenset[date] = frozenset(),
                  refund_days: int = REFUND_BUSINESS_DAYS) -> list[RefundState]:
    """The refund state of every returned line item of ``order``."""
    states = (refund_state(li, order, now, timezone, holidays, refund_days)
              for li in order.line_items)
    return [s for s in states if s is not None]


def has_returns(order: Order) -> bool:
    """Whether anything of ``order`` has been returned."""
    return any(li.returned_quantity or li.fulfillment_status is FulfillmentStatus.RETURNED
               for li in order.line_items)


def asks_refund_status(text: str) -> bool:
    """Whether a message asks where a refund is, rather than asking for one.

    ``where is my refund`` and ``I haven't got my money back yet`` do; ``I want a refund``
    and ``can I get my money back`` ask for a return instead.
    """
    return bool(REFUND_WORDS.search(text)) and bool(STATUS_CUES.search(text))
