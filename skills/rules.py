"""Pure business rules: what may happen to each line item of an order, and why.

Plain functions over plain data (an Order, a StorePolicy, an instant). No I/O, no model:
every decision the agent states comes from here, with its reason in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from agent.commerce.models import FulfillmentStatus, LineItem, Order
from skills.policy import FINAL_SALE, PERSONALISED, PRE_ORDER, StorePolicy

STATUS_LABELS: dict[FulfillmentStatus, str] = {
    FulfillmentStatus.UNFULFILLED: "Not shipped yet",
    FulfillmentStatus.PARTIALLY_FULFILLED: "Partly shipped",
    FulfillmentStatus.FULFILLED: "Shipped",
    FulfillmentStatus.DELIVERED: "Delivered",
    FulfillmentStatus.RETURNED: "Returned",
    FulfillmentStatus.CANCELLED: "Cancelled",
}

TAG_WORDS: dict[str, str] = {
    FINAL_SALE: "final-sale item",
    PERSONALISED: "personalised item",
    PRE_ORDER: "pre-order item",
}


class OrderAction(StrEnum):
    """What the shopper wants to do to an order."""

    EDIT = "edit"
    CANCEL = "cancel"


class Reason(StrEnum):
    """Why a line item may or may not be changed."""

    ALLOWED = "allowed"
    ORDER_CANCELLED = "order_cancelled"
    RETURNED = "returned"
    DELIVERED = "delivered"
    SHIPPED = "shipped"
    PARTLY_SHIPPED = "partly_shipped"
    EXCLUDED_TAG = "excluded_tag"
    WINDOW_CLOSED = "window_closed"
    NOT_DELIVERED = "not_delivered"


SHIPPED_REASONS = frozenset({Reason.DELIVERED, Reason.SHIPPED, Reason.PARTLY_SHIPPED,
                             Reason.RETURNED})


@dataclass(frozen=True)
class ItemDecision:
    """The rule's verdict on one line item.

    ``excluded_tag`` names the policy tag that excluded the item (``final-sale``, ...)
    when that was the reason.
    """

    line_item_id: str
    title: str
    variant: str
    quantity: int
    status: FulfillmentStatus
    allowed: bool
    reason_code: Reason
    reason: str
    excluded_tag: str | None = None

    @property
    def shipped(self) -> bool:
        """The item (or part of it) has left the warehouse."""
        return self.reason_code in SHIPPED_REASONS


def format_local_time(instant: datetime, now: datetime, timezone: str) -> str:
    """``14:05`` when the instant falls on today's local date, else ``21 Nov 14:05``."""
    zone = ZoneInfo(timezone)
    local, today = instant.astimezone(zone), now.astimezone(zone)
    clock = local.strftime("%H:%M")
    if local.date() == today.date():
        return clock
    return f"{local.day} {local.strftime('%b')} {clock}"


def window_for(action: OrderAction, policy: StorePolicy) -> timedelta:
    """How long after placing an order the action stays possible."""
    return policy.edit_window if action is OrderAction.EDIT else policy.cancel_window


def excluded_tags_for(action: OrderAction, policy: StorePolicy) -> frozenset[str]:
    """Tags whose items the action never applies to."""
    return policy.edit_excluded_tags if action is OrderAction.EDIT else policy.cancel_excluded_tags


def _shipping_reason(item: LineItem) -> tuple[Reason, str] | None:
    if item.fulfillment_status is FulfillmentStatus.RETURNED:
        return Reason.RETURNED, "already returned"
    if item.fulfillment_status is FulfillmentStatus.DELIVERED:
        return Reason.DELIVERED, "already delivered"
    if item.fulfillment_status is FulfillmentStatus.FULFILLED:
        return Reason.SHIPPED, "already shipped"
    if item.fulfillment_status is FulfillmentStatus.PARTIALLY_FULFILLED or (
        0 < item.fulfilled_quantity < item.quantity
    ):
        return Reason.PARTLY_SHIPPED, f"shipped {item.fulfilled_quantity} of {item.quantity}"
    return None


def decided(item: LineItem, reason_code: Reason, reason: str,
            excluded: list[str]) -> ItemDecision:
    """The decision on ``item`` for a reason (naming the excluded tag when it decided)."""
    return ItemDecision(
        line_item_id=item.id,
        title=item.title,
        variant=item.variant,
        quantity=item.quantity,
        status=item.fulfillment_status,
        allowed=reason_code is Reason.ALLOWED,
        reason_code=reason_code,
        reason=reason,
        excluded_tag=excluded[0] if reason_code is Reason.EXCLUDED_TAG else None,
    )


def line_item_decision(
    item: LineItem,
    order: Order,
    policy: StorePolicy,
    now: datetime,
    action: OrderAction,
    timezone: str,
) -> ItemDecision:
    """Decide whether one line item may be edited or cancelled, with the reason."""
    verb = "changed" if action is OrderAction.EDIT else "cancelled"
    deadline = order.placed_at + window_for(action, policy)
    excluded = sorted(set(item.tags) & excluded_tags_for(action, policy))

    reason_code: Reason
    if order.cancelled_at is not None or item.fulfillment_status is FulfillmentStatus.CANCELLED:
        reason_code, reason = Reason.ORDER_CANCELLED, "already cancelled"
    elif (shipping := _shipping_reason(item)) is not None:
        reason_code, reason = shipping
    elif excluded:
        reason_code = Reason.EXCLUDED_TAG
        reason = f"{TAG_WORDS.get(excluded[0], excluded[0])}: can't be {verb}"
    elif now >= deadline:
        reason_code = Reason.WINDOW_CLOSED
        window_word = "edit" if action is OrderAction.EDIT else "cancellation"
        reason = f"{window_word} window closed at {format_local_time(deadline, now, timezone)}"
    else:
        reason_code = Reason.ALLOWED
        reason = f"can be {verb} until {format_local_time(deadline, now, timezone)}"
    return decided(item, reason_code, reason, excluded)


def line_item_editability(
    order: Order,
    policy: StorePolicy,
    now: datetime,
    action: OrderAction = OrderAction.EDIT,
    timezone: str = "UTC",
) -> list[ItemDecision]:
    """Per line item of ``order``: may it be edited (or cancelled), and why."""
    return [line_item_decision(li, order, policy, now, action, timezone)
            for li in order.line_items]


def is_open_order(order: Order) -> bool:
    """An order that is neither cancelled nor entirely shipped: the default to edit."""
    return order.status in (FulfillmentStatus.UNFULFILLED, FulfillmentStatus.PARTIALLY_FULFILLED)


def open_orders(orders: list[Order]) -> list[Order]:
    """The open orders among ``orders``, in the order given (newest first)."""
    return [o for o in orders if is_open_order(o)]


def return_decision(
    item: LineItem, order: Order, policy: StorePolicy, now: datetime, timezone: str
) -> ItemDecision:
    """Decide whether one line item may be returned or exchanged now, with the reason."""
    excluded = sorted(set(item.tags) & policy.return_excluded_tags)
    reason_code: Reason
    if order.cancelled_at is not None or item.fulfillment_status is FulfillmentStatus.CANCELLED:
        reason_code, reason = Reason.ORDER_CANCELLED, "cancelled, nothing to return"
    elif item.fulfillment_status is FulfillmentStatus.RETURNED:
        reason_code, reason = Reason.RETURNED, "already returned"
    elif item.fulfillment_status is not FulfillmentStatus.DELIVERED or item.delivered_at is None:
        reason_code, reason = Reason.NOT_DELIVERED, "not delivered yet"
    elif excluded:
        reason_code = Reason.EXCLUDED_TAG
        reason = f"{TAG_WORDS.get(excluded[0], excluded[0])}: can't be returned"
    elif now >= (deadline := item.delivered_at + policy.return_window):
        reason_code = Reason.WINDOW_CLOSED
        reason = f"return window closed at {format_local_time(deadline, now, timezone)}"
    else:
        reason_code = Reason.ALLOWED
        reason = f"can be returned until {format_local_time(deadline, now, timezone)}"
    return decided(item, reason_code, reason, excluded)


def return_eligibility(
    order: Order, policy: StorePolicy, now: datetime, timezone: str = "UTC"
) -> list[ItemDecision]:
    """Per line item of ``order``: may it be returned or exchanged now, and why."""
    return [return_decision(li, order, policy, now, timezone) for li in order.line_items]


class PerLineItem(Protocol):
    """Anything decided per line item (a decision, a progress report)."""

    @property
    def line_item_id(self) -> str:
        """The line item it is about."""
        ...


PerItem = TypeVar("PerItem", bound=PerLineItem)


def handed_over_items(items: Sequence[PerItem], line_item_ids: object) -> list[PerItem]:
    """The items another skill handed over by id (``carry["line_item_ids"]``), in order.

    Empty when nothing was handed over or none of the ids belongs to these items (the
    hand-over was about another order).
    """
    wanted = set(line_item_ids) if isinstance(line_item_ids, list) else set()
    return [i for i in items if i.line_item_id in wanted]
