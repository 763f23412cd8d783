"""Pure delivery rules: business days, expected dispatch and delivery, late detection.

The shipping policy promises dispatch within ``StorePolicy.dispatch_days`` business days of
the order and delivery within ``StorePolicy.delivery_days`` business days of dispatch.
Business days skip Saturdays, Sundays and the store's holidays and are counted on the
store's local calendar; a promise holds until the end of its last business day, so an
item is late only from the day after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from agent.commerce.models import FulfillmentStatus, LineItem, Order, Tracking
from skills.policy import PRE_ORDER, StorePolicy
from skills.rules import STATUS_LABELS

FS = FulfillmentStatus


class Stage(StrEnum):
    """Where one line item is on its way to the shopper."""

    AWAITING_DISPATCH = "awaiting_dispatch"
    PRE_ORDER = "pre_order"
    PARTLY_SHIPPED = "partly_shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class Lateness(StrEnum):
    """Which promise of the shipping policy a line item has missed, if any."""

    ON_TIME = "on_time"
    DISPATCH = "dispatch"
    DELIVERY = "delivery"


@dataclass(frozen=True)
class ItemProgress:
    """Where one line item is, what the policy promised, and whether it is late.

    ``dispatch_by`` / ``deliver_by`` are the promised local dates still relevant to the
    item (None once it is past that step); ``detail`` says it all in words and
    ``late_note`` says which promise was missed.
    """

    line_item_id: str
    title: str
    variant: str
    quantity: int
    status: FulfillmentStatus
    stage: Stage
    lateness: Lateness
    dispatch_by: date | None
    deliver_by: date | None
    tracking: Tracking | None
    detail: str
    late_note: str = ""

    @property
    def late(self) -> bool:
        """A promise of the shipping policy was missed."""
        return self.lateness is not Lateness.ON_TIME

    @property
    def label(self) -> str:
        """Short status for a card: ``Delayed`` when late, ``Pre-order``, else the status."""
        if self.late:
            return "Delayed"
        if self.stage is Stage.PRE_ORDER:
            return "Pre-order"
        return STATUS_LABELS[self.status]


def parse_holidays(values: Iterable[str]) -> frozenset[date]:
    """The store's holidays from their ISO form (``2026-12-24``)."""
    return frozenset(date.fromisoformat(v) for v in values)


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date of ``instant`` in the store's time zone."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def is_business_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday, and not one of the store's holidays."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: datetime, days: int, timezone: str,
                      holidays: frozenset[date] = frozenset()) -> date:
    """The local date ``days`` business days after ``start`` (weekends, holidays skipped).

    An order placed on Friday with 2 business days is due on Tuesday; one placed on
    Saturday is due on Tuesday too (Monday is its first business day).
    """
    day = local_date(start, timezone)
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def is_overdue(due: date, now: datetime, timezone: str) -> bool:
    """Whether the promised day ``due`` is over on the store's calendar."""
    return local_date(now, timezone) > due


def format_day(day: date) -> str:
    """``Tue 24 Nov``."""
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


@dataclass(frozen=True)
class _Step:
    """The facts ``item_progress`` works out before it words them."""

    stage: Stage
    detail: str
    lateness: Lateness = Lateness.ON_TIME
    dispatch_by: date | None = None
    deliver_by: date | None = None
    late_note: str = ""


def _on(instant: datetime | None, timezone: str) -> str:
    """`` on Tue 24 Nov``, or nothing when the instant is not known."""
    return "" if instant is None else f" on {format_day(local_date(instant, timezone))}"


def _closed_step(item: LineItem, order: Order, timezone: str) -> _Step | None:
    """Cancelled, returned and delivered items: past every promise."""
    if order.cancelled_at is not None or item.fulfillment_status is FS.CANCELLED:
        return _Step(Stage.CANCELLED, f"cancelled{_on(order.cancelled_at, timezone)}")
    if item.fulfillment_status is FS.RETURNED:
        return _Step(Stage.RETURNED, f"returned{_on(item.returned_at, timezone)}")
    if item.fulfillment_status is FS.DELIVERED:
        return _Step(Stage.DELIVERED, f"delivered{_on(item.delivered_at, timezone)}")
    return None


def _unshipped_step(dispatch_by: date | None, now: datetime, timezone: str) -> _Step:
    """Nothing of the line has left the warehouse."""
    if dispatch_by is None:
        return _Step(Stage.PRE_ORDER, "pre-order, ships when it arrives from production")
    due = format_day(dispatch_by)
    if is_overdue(dispatch_by, now, timezone):
        return _Step(Stage.AWAITING_DISPATCH, f"not dispatched yet, due by {due}",
                     Lateness.DISPATCH, dispatch_by,
                     late_note=f"should have been dispatched by {due}")
    return _Step(Stage.AWAITING_DISPATCH, f"expected to be dispatched by {due}",
                 dispatch_by=dispatch_by)


def _shipped_step(item: LineItem, dispatch_by: date | None, deliver_by: date | None,
                  now: datetime, timezone: str) -> _Step:
    """All or part of the line is on its way; the rest (if any) still has to leave."""
    remainder = 0 if item.fulfillment_status is FS.FULFILLED else max(
        item.quantity - item.fulfilled_quantity, 0)
    words = ["shipped"]
    if remainder:
        words.append(f"{item.fulfilled_quantity} of {item.quantity}")
    if item.shipped_at is not None:
        words.append(f"on {format_day(local_date(item.shipped_at, timezone))}")
    if item.tracking is not None:
        words.append(f"with {item.tracking.carrier} ({item.tracking.number})")
    detail = " ".join(words)
    late_delivery = deliver_by is not None and is_overdue(deliver_by, now, timezone)
    if deliver_by is not None:
        detail += (f", due by {format_day(deliver_by)} and not delivered yet" if late_delivery
                   else f", expected by {format_day(deliver_by)}")
    stage, lateness, late_note = Stage.IN_TRANSIT, Lateness.ON_TIME, ""
    if remainder:
        stage = Stage.PARTLY_SHIPPED
        rest = _unshipped_step(dispatch_by, now, timezone)
        detail += f"; the rest: {rest.detail}"
        if rest.lateness is Lateness.DISPATCH and dispatch_by is not None:
            lateness = Lateness.DISPATCH
            late_note = f"should have been fully dispatched by {format_day(dispatch_by)}"
    if lateness is Lateness.ON_TIME and late_delivery and deliver_by is not None:
        lateness = Lateness.DELIVERY
        late_note = f"should have arrived by {format_day(deliver_by)}"
    return _Step(stage, detail, lateness, dispatch_by if remainder else None, deliver_by,
                 late_note)


def item_progress(item: LineItem, order: Order, policy: StorePolicy, now: datetime,
                  timezone: str = "UTC",
                  holidays: frozenset[date] = frozenset()) -> ItemProgress:
    """Where one line item is, against the dispatch and delivery promises of the policy.

    Pre-order items have no dispatch promise (they ship when they arrive from
    production), so they are never late for dispatch.
    """
    step = _closed_step(item, order, timezone)
    if step is None:
        dispatch_by = None if PRE_ORDER in item.tags else add_business_days(
            order.placed_at, policy.dispatch_days, timezone, holidays)
        if item.fulfilled_quantity == 0 and item.fulfillment_status is FS.UNFULFILLED:
            step = _unshipped_step(dispatch_by, now, timezone)
        else:
            deliver_by = None if item.shipped_at is None else add_business_days(
                item.shipped_at, policy.delivery_days, timezone, holidays)
            step = _shipped_step(item, dispatch_by, deliver_by, now, timezone)
    return ItemProgress(
        line_item_id=item.id, title=item.title, variant=item.variant, quantity=item.quantity,
        status=item.fulfillment_status, stage=step.stage, lateness=step.lateness,
        dispatch_by=step.dispatch_by, deliver_by=step.deliver_by, tracking=item.tracking,
        detail=step.detail, late_note=step.late_note,
    )


def order_progress(order: Order, policy: StorePolicy, now: datetime, timezone: str = "UTC",
                   holidays: frozenset[date] = frozenset()) -> list[ItemProgress]:
    """Per line item of ``order``: where it is and whether it is late."""
    return [item_progress(li, order, policy, now, timezone, holidays)
            for li in order.line_items]


def in_progress(order: Order) -> bool:
    """An order still on its way: not cancelled and not yet entirely delivered."""
    return order.status in (FS.UNFULFILLED, FS.PARTIALLY_FULFILLED, FS.FULFILLED)
