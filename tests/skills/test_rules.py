"""Table tests for the pure order rules: editability, cancellation, returns, open orders.

Orders and line items are built by hand here (no demo store), so every row states
exactly the facts the rule sees: fulfillment state, tags, windows, the clock, the zone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agent.commerce.models import FulfillmentStatus, LineItem, Order, summarise_status
from skills.policy import FINAL_SALE, PERSONALISED, PRE_ORDER, StorePolicy
from skills.rules import (
    ItemDecision,
    OrderAction,
    Reason,
    format_local_time,
    is_open_order,
    line_item_decision,
    line_item_editability,
    open_orders,
    return_decision,
    return_eligibility,
)

FS = FulfillmentStatus
EDIT, CANCEL = OrderAction.EDIT, OrderAction.CANCEL
POLICY = StorePolicy()  # edit 12 h, cancel 24 h, return 30 days
CPH = "Europe/Copenhagen"
PLACED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SOON = PLACED + timedelta(hours=1)  # inside both the edit and the cancel window
SECOND = timedelta(seconds=1)


def item(line_id: str = "li-1", status: FS = FS.UNFULFILLED, *, quantity: int = 1,
         fulfilled: int = 0, tags: tuple[str, ...] = (), delivered_at: datetime | None = None,
         title: str = "Linen shirt", variant: str = "M / Navy") -> LineItem:
    """A line item with only the facts a rule reads."""
    return LineItem(id=line_id, product_id=f"p-{line_id}", variant_id=f"v-{line_id}",
                    title=title, variant=variant, quantity=quantity,
                    fulfilled_quantity=fulfilled, fulfillment_status=status, tags=tags,
                    delivered_at=delivered_at)


def order(*items: LineItem, placed_at: datetime = PLACED,
          cancelled_at: datetime | None = None, number: str = "1042") -> Order:
    """An order of ``items`` placed at ``placed_at``."""
    return Order(id=f"o-{number}", number=number, customer_id="c-1", placed_at=placed_at,
                 line_items=items, cancelled_at=cancelled_at)


def decide(li: LineItem, action: OrderAction = EDIT, *, now: datetime = SOON,
           policy: StorePolicy = POLICY, timezone: str = "UTC", **order_kw: Any) -> ItemDecision:
    """The rule's verdict on ``li`` as the only line of an order."""
    (decision,) = line_item_editability(order(li, **order_kw), policy, now, action, timezone)
    return decision


# --- edit / cancel: every branch ---------------------------------------------------------

EDIT_CANCEL_CASES = [
    # id, line item, action, order kwargs, allowed, reason code, reason text
    ("unfulfilled-edit", item(), EDIT, {}, True, Reason.ALLOWED, "can be changed until 20:00"),
    ("unfulfilled-cancel", item(), CANCEL, {}, True, Reason.ALLOWED,
     "can be cancelled until 21 Nov 08:00"),
    ("order-cancelled-edit", item(), EDIT, {"cancelled_at": PLACED}, False,
     Reason.ORDER_CANCELLED, "already cancelled"),
    ("order-cancelled-cancel", item(), CANCEL, {"cancelled_at": PLACED}, False,
     Reason.ORDER_CANCELLED, "already cancelled"),
    ("line-cancelled-edit", item(status=FS.CANCELLED), EDIT, {}, False,
     Reason.ORDER_CANCELLED, "already cancelled"),
    ("line-cancelled-cancel", item(status=FS.CANCELLED), CANCEL, {}, False,
     Reason.ORDER_CANCELLED, "already cancelled"),
    ("returned", item(status=FS.RETURNED, fulfilled=1), EDIT, {}, False, Reason.RETURNED,
     "already returned"),
    ("delivered", item(status=FS.DELIVERED, fulfilled=1, delivered_at=PLACED), EDIT, {}, False,
     Reason.DELIVERED, "already delivered"),
    ("delivered-cancel", item(status=FS.DELIVERED, fulfilled=1), CANCEL, {}, False,
     Reason.DELIVERED, "already delivered"),
    ("fulfilled-edit", item(status=FS.FULFILLED, fulfilled=1), EDIT, {}, False, Reason.SHIPPED,
     "already shipped"),
    ("fulfilled-cancel", item(status=FS.FULFILLED, fulfilled=1), CANCEL, {}, False,
     Reason.SHIPPED, "already shipped"),
    ("partial-1-of-2-edit", item(status=FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1), EDIT,
     {}, False, Reason.PARTLY_SHIPPED, "shipped 1 of 2"),
    ("partial-1-of-2-cancel", item(status=FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1),
     CANCEL, {}, False, Reason.PARTLY_SHIPPED, "shipped 1 of 2"),
    ("partial-by-quantity-only", item(quantity=3, fulfilled=2), EDIT, {}, False,
     Reason.PARTLY_SHIPPED, "shipped 2 of 3"),
    # excluded tags: edits exclude all three; cancellation keeps pre-orders possible
    ("final-sale-edit", item(tags=(FINAL_SALE,)), EDIT, {}, False, Reason.EXCLUDED_TAG,
     "final-sale item: can't be changed"),
    ("final-sale-cancel", item(tags=(FINAL_SALE,)), CANCEL, {}, False, Reason.EXCLUDED_TAG,
     "final-sale item: can't be cancelled"),
    ("personalised-edit", item(tags=(PERSONALISED,)), EDIT, {}, False, Reason.EXCLUDED_TAG,
     "personalised item: can't be changed"),
    ("personalised-cancel", item(tags=(PERSONALISED,)), CANCEL, {}, False, Reason.EXCLUDED_TAG,
     "personalised item: can't be cancelled"),
    ("pre-order-edit", item(tags=(PRE_ORDER,)), EDIT, {}, False, Reason.EXCLUDED_TAG,
     "pre-order item: can't be changed"),
    ("pre-order-cancel-allowed", item(tags=(PRE_ORDER,)), CANCEL, {}, True, Reason.ALLOWED,
     "can be cancelled until 21 Nov 08:00"),
    ("unrelated-tag", item(tags=("gift", "new")), EDIT, {}, True, Reason.ALLOWED,
     "can be changed until 20:00"),
    ("two-excluded-tags-first-alphabetically", item(tags=(PERSONALISED, FINAL_SALE)), EDIT, {},
     False, Reason.EXCLUDED_TAG, "final-sale item: can't be changed"),
    # precedence: cancelled > shipped > excluded tag > window
    ("shipped-final-sale-reports-shipped", item(status=FS.FULFILLED, fulfilled=1,
     tags=(FINAL_SALE,)), EDIT, {}, False, Reason.SHIPPED, "already shipped"),
    ("partial-personalised-reports-partial", item(status=FS.PARTIALLY_FULFILLED, quantity=2,
     fulfilled=1, tags=(PERSONALISED,)), CANCEL, {}, False, Reason.PARTLY_SHIPPED,
     "shipped 1 of 2"),
    ("delivered-pre-order-reports-delivered", item(status=FS.DELIVERED, fulfilled=1,
     tags=(PRE_ORDER,)), EDIT, {}, False, Reason.DELIVERED, "already delivered"),
    ("cancelled-final-sale-reports-cancelled", item(status=FS.CANCELLED, tags=(FINAL_SALE,)),
     EDIT, {}, False, Reason.ORDER_CANCELLED, "already cancelled"),
    ("cancelled-order-with-shipped-line-reports-cancelled", item(status=FS.FULFILLED,
     fulfilled=1), EDIT, {"cancelled_at": PLACED}, False, Reason.ORDER_CANCELLED,
     "already cancelled"),
]


@pytest.mark.parametrize(("li", "action", "order_kw", "allowed", "code", "reason"),
                         [c[1:] for c in EDIT_CANCEL_CASES], ids=[c[0] for c in EDIT_CANCEL_CASES])
def test_edit_and_cancel_decision_per_branch(li: LineItem, action: OrderAction,
                                             order_kw: dict[str, Any], allowed: bool,
                                             code: Reason, reason: str) -> None:
    decision = decide(li, action, **order_kw)
    assert (decision.allowed, decision.reason_code, decision.reason) == (allowed, code, reason)


AFTER_BOTH_WINDOWS = PLACED + timedelta(days=2)

PRECEDENCE_OVER_WINDOW = [
    ("excluded-tag-beats-closed-window", item(tags=(FINAL_SALE,)), Reason.EXCLUDED_TAG),
    ("shipped-beats-closed-window", item(status=FS.FULFILLED, fulfilled=1), Reason.SHIPPED),
    ("cancelled-beats-closed-window", item(status=FS.CANCELLED), Reason.ORDER_CANCELLED),
    ("plain-item-window-closed", item(), Reason.WINDOW_CLOSED),
]


@pytest.mark.parametrize("action", [EDIT, CANCEL])
@pytest.mark.parametrize(("li", "code"), [c[1:] for c in PRECEDENCE_OVER_WINDOW],
                         ids=[c[0] for c in PRECEDENCE_OVER_WINDOW])
def test_reasons_before_the_window(li: LineItem, code: Reason, action: OrderAction) -> None:
    decision = decide(li, action, now=AFTER_BOTH_WINDOWS)
    assert decision.reason_code is code
    assert decision.allowed is False


def test_custom_excluded_tag_without_a_word_uses_the_tag_itself() -> None:
    policy = StorePolicy(edit_excluded_tags=frozenset({"clearance"}))
    decision = decide(item(tags=("clearance", FINAL_SALE)), policy=policy)
    assert decision.reason == "clearance: can't be changed"


def test_excluded_tags_come_from_the_policy() -> None:
    lenient = StorePolicy(edit_excluded_tags=frozenset(), cancel_excluded_tags=frozenset())
    for action in (EDIT, CANCEL):
        assert decide(item(tags=(FINAL_SALE, PRE_ORDER)), action, policy=lenient).allowed
    strict = StorePolicy(cancel_excluded_tags=frozenset({PRE_ORDER}))
    assert decide(item(tags=(PRE_ORDER,)), CANCEL, policy=strict).reason == (
        "pre-order item: can't be cancelled")


# --- window boundaries ----------------------------------------------------------------

WINDOW_CASES = [
    # id, action, now, allowed
    ("edit-one-second-before", EDIT, PLACED + timedelta(hours=12) - SECOND, True),
    ("edit-exactly-at-deadline", EDIT, PLACED + timedelta(hours=12), False),
    ("edit-one-second-after", EDIT, PLACED + timedelta(hours=12) + SECOND, False),
    ("edit-at-placement", EDIT, PLACED, True),
    ("cancel-still-open-when-edit-closed", CANCEL, PLACED + timedelta(hours=12), True),
    ("cancel-one-second-before", CANCEL, PLACED + timedelta(hours=24) - SECOND, True),
    ("cancel-exactly-at-deadline", CANCEL, PLACED + timedelta(hours=24), False),
]


@pytest.mark.parametrize(("action", "now", "allowed"), [c[1:] for c in WINDOW_CASES],
                         ids=[c[0] for c in WINDOW_CASES])
def test_window_boundaries(action: OrderAction, now: datetime, allowed: bool) -> None:
    decision = decide(item(), action, now=now)
    assert decision.allowed is allowed
    assert decision.reason_code is (Reason.ALLOWED if allowed else Reason.WINDOW_CLOSED)


def test_windows_come_from_the_policy() -> None:
    policy = StorePolicy(edit_window=timedelta(minutes=30), cancel_window=timedelta(hours=2))
    now = PLACED + timedelta(minutes=30)
    assert decide(item(), EDIT, now=now, policy=policy).reason_code is Reason.WINDOW_CLOSED
    assert decide(item(), CANCEL, now=now, policy=policy).reason == "can be cancelled until 10:00"


# --- reason text in the store's local time --------------------------------------------

# 01:05 UTC + 12 h = 13:05 UTC = 14:05 in Copenhagen (CET, UTC+1) on 20 Nov
EARLY = datetime(2026, 11, 20, 1, 5, tzinfo=UTC)
# 13:05 UTC + 24 h = 21 Nov 13:05 UTC = 21 Nov 14:05 in Copenhagen
AFTERNOON = datetime(2026, 11, 20, 13, 5, tzinfo=UTC)
# summer: 08:00 UTC + 12 h = 20:00 UTC = 22:00 in Copenhagen (CEST, UTC+2)
SUMMER = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)

REASON_TEXT_CASES = [
    ("edit-closed-same-day", EDIT, EARLY, datetime(2026, 11, 20, 14, 0, tzinfo=UTC), CPH,
     "edit window closed at 14:05"),
    ("edit-open-same-day", EDIT, EARLY, datetime(2026, 11, 20, 12, 0, tzinfo=UTC), CPH,
     "can be changed until 14:05"),
    ("edit-utc-for-comparison", EDIT, EARLY, datetime(2026, 11, 20, 14, 0, tzinfo=UTC), "UTC",
     "edit window closed at 13:05"),
    ("cancel-open-deadline-tomorrow", CANCEL, AFTERNOON, datetime(2026, 11, 20, 14, 0, tzinfo=UTC),
     CPH, "can be cancelled until 21 Nov 14:05"),
    ("cancel-closed-deadline-yesterday", CANCEL, AFTERNOON,
     datetime(2026, 11, 22, 9, 0, tzinfo=UTC), CPH, "cancellation window closed at 21 Nov 14:05"),
    ("edit-closed-yesterday", EDIT, EARLY, datetime(2026, 11, 21, 9, 0, tzinfo=UTC), CPH,
     "edit window closed at 20 Nov 14:05"),
    ("summer-time-offset", EDIT, SUMMER, datetime(2026, 7, 1, 9, 0, tzinfo=UTC), CPH,
     "can be changed until 22:00"),
]


@pytest.mark.parametrize(("action", "placed", "now", "zone", "reason"),
                         [c[1:] for c in REASON_TEXT_CASES], ids=[c[0] for c in REASON_TEXT_CASES])
def test_reason_text_in_local_time(action: OrderAction, placed: datetime, now: datetime,
                                   zone: str, reason: str) -> None:
    assert decide(item(), action, now=now, timezone=zone, placed_at=placed).reason == reason


FORMAT_CASES = [
    # id, instant, now, zone, expected
    ("same-utc-day", datetime(2026, 11, 20, 14, 5, tzinfo=UTC),
     datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "UTC", "14:05"),
    ("other-day", datetime(2026, 11, 21, 14, 5, tzinfo=UTC),
     datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "UTC", "21 Nov 14:05"),
    ("earlier-day", datetime(2026, 11, 19, 23, 59, tzinfo=UTC),
     datetime(2026, 11, 20, 0, 0, tzinfo=UTC), "UTC", "19 Nov 23:59"),
    ("single-digit-day-no-padding", datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
     datetime(2026, 11, 30, 9, 0, tzinfo=UTC), "UTC", "1 Dec 09:00"),
    ("converted-to-local", datetime(2026, 11, 20, 13, 5, tzinfo=UTC),
     datetime(2026, 11, 20, 9, 0, tzinfo=UTC), CPH, "14:05"),
    # 23:30 UTC on 20 Nov is already 21 Nov in Copenhagen; "now" is still 20 Nov there
    ("local-date-differs-from-utc-date", datetime(2026, 11, 20, 23, 30, tzinfo=UTC),
     datetime(2026, 11, 20, 22, 0, tzinfo=UTC), CPH, "21 Nov 00:30"),
    ("same-local-date-across-utc-midnight", datetime(2026, 11, 21, 0, 30, tzinfo=UTC),
     datetime(2026, 11, 20, 23, 30, tzinfo=UTC), CPH, "01:30"),
    ("new-york", datetime(2026, 11, 20, 13, 5, tzinfo=UTC),
     datetime(2026, 11, 20, 12, 0, tzinfo=UTC), "America/New_York", "08:05"),
]


@pytest.mark.parametrize(("instant", "now", "zone", "expected"), [c[1:] for c in FORMAT_CASES],
                         ids=[c[0] for c in FORMAT_CASES])
def test_format_local_time(instant: datetime, now: datetime, zone: str, expected: str) -> None:
    assert format_local_time(instant, now, zone) == expected


# --- whole orders ---------------------------------------------------------------------

MIXED = order(
    item("li-plain", title="Linen shirt", variant="M / Navy", quantity=2),
    item("li-shipped", FS.FULFILLED, fulfilled=1, title="Wool scarf", variant="One size"),
    item("li-final", tags=(FINAL_SALE,), title="Sale tee", variant="S / White"),
    item("li-partial", FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1, title="Socks",
         variant="39-42"),
    item("li-pre", tags=(PRE_ORDER,), title="Rain jacket", variant="L / Olive"),
    item("li-gone", FS.CANCELLED, title="Cap", variant="One size"),
)


@pytest.mark.parametrize(("action", "expected"), [
    (EDIT, [("li-plain", Reason.ALLOWED), ("li-shipped", Reason.SHIPPED),
            ("li-final", Reason.EXCLUDED_TAG), ("li-partial", Reason.PARTLY_SHIPPED),
            ("li-pre", Reason.EXCLUDED_TAG), ("li-gone", Reason.ORDER_CANCELLED)]),
    (CANCEL, [("li-plain", Reason.ALLOWED), ("li-shipped", Reason.SHIPPED),
              ("li-final", Reason.EXCLUDED_TAG), ("li-partial", Reason.PARTLY_SHIPPED),
              ("li-pre", Reason.ALLOWED), ("li-gone", Reason.ORDER_CANCELLED)]),
])
def test_mixed_order_decides_per_item(action: OrderAction,
                                      expected: list[tuple[str, Reason]]) -> None:
    decisions = line_item_editability(MIXED, POLICY, SOON, action)
    assert [(d.line_item_id, d.reason_code) for d in decisions] == expected
    assert [d.allowed for d in decisions] == [c is Reason.ALLOWED for _, c in expected]


def test_decision_carries_the_line_item_facts() -> None:
    decisions = line_item_editability(MIXED, POLICY, SOON)
    assert [(d.title, d.variant, d.quantity, d.status) for d in decisions] == [
        (li.title, li.variant, li.quantity, li.fulfillment_status) for li in MIXED.line_items]


def test_editability_defaults_to_edit_in_utc() -> None:
    explicit = line_item_editability(MIXED, POLICY, SOON, EDIT, "UTC")
    assert line_item_editability(MIXED, POLICY, SOON) == explicit


def test_line_item_decision_matches_the_order_level_list() -> None:
    for li, listed in zip(MIXED.line_items, line_item_editability(MIXED, POLICY, SOON, CANCEL, CPH),
                          strict=True):
        assert line_item_decision(li, MIXED, POLICY, SOON, CANCEL, CPH) == listed


def test_empty_order_has_no_decisions() -> None:
    assert line_item_editability(order(), POLICY, SOON) == []
    assert return_eligibility(order(), POLICY, SOON) == []


@pytest.mark.parametrize(("code", "shipped"), [
    (Reason.ALLOWED, False), (Reason.ORDER_CANCELLED, False), (Reason.EXCLUDED_TAG, False),
    (Reason.WINDOW_CLOSED, False), (Reason.NOT_DELIVERED, False), (Reason.SHIPPED, True),
    (Reason.PARTLY_SHIPPED, True), (Reason.DELIVERED, True), (Reason.RETURNED, True),
])
def test_item_decision_shipped_flag(code: Reason, shipped: bool) -> None:
    decision = ItemDecision(line_item_id="li", title="t", variant="v", quantity=1,
                            status=FS.UNFULFILLED, allowed=False, reason_code=code, reason="")
    assert decision.shipped is shipped


# --- returns --------------------------------------------------------------------------

DELIVERED_AT = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)  # 14:05 in Copenhagen
RETURN_DEADLINE = DELIVERED_AT + timedelta(days=30)  # 25 Dec 13:05 UTC
AFTER_DELIVERY = DELIVERED_AT + timedelta(days=1)


def delivered(*, tags: tuple[str, ...] = (), at: datetime | None = DELIVERED_AT) -> LineItem:
    return item(status=FS.DELIVERED, fulfilled=1, tags=tags, delivered_at=at)


RETURN_CASES = [
    # id, line item, order kwargs, allowed, reason code, reason
    ("delivered-in-window", delivered(), {}, True, Reason.ALLOWED,
     "can be returned until 25 Dec 13:05"),
    ("order-cancelled", delivered(), {"cancelled_at": PLACED}, False, Reason.ORDER_CANCELLED,
     "cancelled, nothing to return"),
    ("line-cancelled", item(status=FS.CANCELLED), {}, False, Reason.ORDER_CANCELLED,
     "cancelled, nothing to return"),
    ("returned", item(status=FS.RETURNED, fulfilled=1, delivered_at=DELIVERED_AT), {}, False,
     Reason.RETURNED, "already returned"),
    ("unfulfilled", item(), {}, False, Reason.NOT_DELIVERED, "not delivered yet"),
    ("shipped-not-delivered", item(status=FS.FULFILLED, fulfilled=1), {}, False,
     Reason.NOT_DELIVERED, "not delivered yet"),
    ("partly-shipped", item(status=FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1), {}, False,
     Reason.NOT_DELIVERED, "not delivered yet"),
    ("delivered-without-date", delivered(at=None), {}, False, Reason.NOT_DELIVERED,
     "not delivered yet"),
    ("final-sale", delivered(tags=(FINAL_SALE,)), {}, False, Reason.EXCLUDED_TAG,
     "final-sale item: can't be returned"),
    ("personalised", delivered(tags=(PERSONALISED,)), {}, False, Reason.EXCLUDED_TAG,
     "personalised item: can't be returned"),
    ("pre-order-is-returnable", delivered(tags=(PRE_ORDER,)), {}, True, Reason.ALLOWED,
     "can be returned until 25 Dec 13:05"),
    # precedence
    ("returned-final-sale-reports-returned", item(status=FS.RETURNED, tags=(FINAL_SALE,),
     delivered_at=DELIVERED_AT), {}, False, Reason.RETURNED, "already returned"),
    ("undelivered-final-sale-reports-not-delivered", item(tags=(FINAL_SALE,)), {}, False,
     Reason.NOT_DELIVERED, "not delivered yet"),
    ("cancelled-order-with-returned-line", item(status=FS.RETURNED), {"cancelled_at": PLACED},
     False, Reason.ORDER_CANCELLED, "cancelled, nothing to return"),
]


@pytest.mark.parametrize(("li", "order_kw", "allowed", "code", "reason"),
                         [c[1:] for c in RETURN_CASES], ids=[c[0] for c in RETURN_CASES])
def test_return_decision_per_branch(li: LineItem, order_kw: dict[str, Any], allowed: bool,
                                    code: Reason, reason: str) -> None:
    (decision,) = return_eligibility(order(li, **order_kw), POLICY, AFTER_DELIVERY)
    assert (decision.allowed, decision.reason_code, decision.reason) == (allowed, code, reason)


RETURN_WINDOW_CASES = [
    ("one-second-before", RETURN_DEADLINE - SECOND, True),
    ("exactly-at-deadline", RETURN_DEADLINE, False),
    ("long-after", RETURN_DEADLINE + timedelta(days=100), False),
    ("right-after-delivery", DELIVERED_AT, True),
]


@pytest.mark.parametrize(("now", "allowed"), [c[1:] for c in RETURN_WINDOW_CASES],
                         ids=[c[0] for c in RETURN_WINDOW_CASES])
def test_return_window_boundaries(now: datetime, allowed: bool) -> None:
    (decision,) = return_eligibility(order(delivered()), POLICY, now)
    assert decision.allowed is allowed
    assert decision.reason_code is (Reason.ALLOWED if allowed else Reason.WINDOW_CLOSED)


def test_return_window_is_measured_from_delivery_not_placement() -> None:
    placed_long_ago = DELIVERED_AT - timedelta(days=60)
    li = delivered()
    now = DELIVERED_AT + timedelta(days=10)
    (decision,) = return_eligibility(order(li, placed_at=placed_long_ago), POLICY, now)
    assert decision.allowed
    # and an order placed yesterday but delivered 31 days "ago" is closed
    (closed,) = return_eligibility(order(delivered(at=now - timedelta(days=31)),
                                         placed_at=now - timedelta(days=1)), POLICY, now)
    assert closed.reason_code is Reason.WINDOW_CLOSED


def test_return_window_comes_from_the_policy() -> None:
    policy = StorePolicy(return_window=timedelta(days=14))
    now = DELIVERED_AT + timedelta(days=14)
    (decision,) = return_eligibility(order(delivered()), policy, now)
    assert decision.reason_code is Reason.WINDOW_CLOSED


@pytest.mark.parametrize(("now", "zone", "reason"), [
    (DELIVERED_AT + timedelta(days=40), CPH, "return window closed at 25 Dec 14:05"),
    (RETURN_DEADLINE - timedelta(hours=1), CPH, "can be returned until 14:05"),
    (AFTER_DELIVERY, CPH, "can be returned until 25 Dec 14:05"),
])
def test_return_reason_text_in_local_time(now: datetime, zone: str, reason: str) -> None:
    (decision,) = return_eligibility(order(delivered()), POLICY, now, zone)
    assert decision.reason == reason


def test_return_window_closed_today_reads_naturally() -> None:
    (decision,) = return_eligibility(order(delivered()), POLICY,
                                     RETURN_DEADLINE + timedelta(hours=1), CPH)
    assert decision.reason_code is Reason.WINDOW_CLOSED
    assert not re.search(r"\bon \d{2}:\d{2}$", decision.reason), decision.reason


def test_mixed_order_return_eligibility_per_item() -> None:
    mixed = order(delivered(), item("li-2", FS.FULFILLED, fulfilled=1),
                  item("li-3", FS.DELIVERED, tags=(FINAL_SALE,), delivered_at=DELIVERED_AT),
                  item("li-4", FS.RETURNED, delivered_at=DELIVERED_AT))
    decisions = return_eligibility(mixed, POLICY, AFTER_DELIVERY)
    assert [d.reason_code for d in decisions] == [
        Reason.ALLOWED, Reason.NOT_DELIVERED, Reason.EXCLUDED_TAG, Reason.RETURNED]
    for li, decision in zip(mixed.line_items, decisions, strict=True):
        assert decision == return_decision(li, mixed, POLICY, AFTER_DELIVERY, "UTC")


# --- order status summary and open orders ---------------------------------------------

def lines(*states: FS) -> tuple[LineItem, ...]:
    return tuple(item(f"li-{i}", s) for i, s in enumerate(states))


STATUS_CASES = [
    # id, line states, cancelled_at set, expected
    ("cancelled-order-unfulfilled-lines", [FS.UNFULFILLED], True, FS.CANCELLED),
    ("cancelled-order-delivered-lines", [FS.DELIVERED], True, FS.CANCELLED),
    ("no-lines", [], False, FS.CANCELLED),
    ("all-lines-cancelled", [FS.CANCELLED, FS.CANCELLED], False, FS.CANCELLED),
    ("unfulfilled", [FS.UNFULFILLED, FS.UNFULFILLED], False, FS.UNFULFILLED),
    ("unfulfilled-plus-cancelled-line", [FS.UNFULFILLED, FS.CANCELLED], False, FS.UNFULFILLED),
    ("partial-line", [FS.PARTIALLY_FULFILLED], False, FS.PARTIALLY_FULFILLED),
    ("unfulfilled-and-partial", [FS.UNFULFILLED, FS.PARTIALLY_FULFILLED], False,
     FS.PARTIALLY_FULFILLED),
    ("unfulfilled-and-shipped", [FS.UNFULFILLED, FS.FULFILLED], False, FS.PARTIALLY_FULFILLED),
    ("unfulfilled-and-delivered", [FS.UNFULFILLED, FS.DELIVERED], False, FS.PARTIALLY_FULFILLED),
    ("unfulfilled-and-returned", [FS.UNFULFILLED, FS.RETURNED], False, FS.PARTIALLY_FULFILLED),
    ("partial-and-shipped", [FS.PARTIALLY_FULFILLED, FS.FULFILLED], False,
     FS.PARTIALLY_FULFILLED),
    ("partial-and-delivered", [FS.PARTIALLY_FULFILLED, FS.DELIVERED], False,
     FS.PARTIALLY_FULFILLED),
    ("shipped", [FS.FULFILLED], False, FS.FULFILLED),
    ("shipped-and-delivered", [FS.FULFILLED, FS.DELIVERED], False, FS.FULFILLED),
    ("shipped-and-returned", [FS.FULFILLED, FS.RETURNED], False, FS.FULFILLED),
    ("shipped-plus-cancelled-line", [FS.FULFILLED, FS.CANCELLED], False, FS.FULFILLED),
    ("delivered", [FS.DELIVERED, FS.DELIVERED], False, FS.DELIVERED),
    ("delivered-and-returned", [FS.DELIVERED, FS.RETURNED], False, FS.DELIVERED),
    ("delivered-plus-cancelled-line", [FS.DELIVERED, FS.CANCELLED], False, FS.DELIVERED),
    ("returned", [FS.RETURNED, FS.RETURNED], False, FS.RETURNED),
    ("returned-plus-cancelled-line", [FS.RETURNED, FS.CANCELLED], False, FS.RETURNED),
]


@pytest.mark.parametrize(("states", "cancelled", "expected"), [c[1:] for c in STATUS_CASES],
                         ids=[c[0] for c in STATUS_CASES])
def test_order_status_summary(states: list[FS], cancelled: bool, expected: FS) -> None:
    summarised = order(*lines(*states), cancelled_at=PLACED if cancelled else None)
    assert summarise_status(summarised) is expected
    assert summarised.status is expected


@pytest.mark.parametrize(("states", "cancelled", "is_open"), [
    ([FS.UNFULFILLED], False, True),
    ([FS.PARTIALLY_FULFILLED], False, True),
    ([FS.UNFULFILLED, FS.FULFILLED], False, True),
    ([FS.FULFILLED], False, False),
    ([FS.DELIVERED], False, False),
    ([FS.RETURNED], False, False),
    ([FS.CANCELLED], False, False),
    ([FS.UNFULFILLED], True, False),
    ([], False, False),
])
def test_is_open_order(states: list[FS], cancelled: bool, is_open: bool) -> None:
    assert is_open_order(order(*lines(*states), cancelled_at=PLACED if cancelled else None)) \
        is is_open


def test_open_orders_keeps_only_open_ones_in_the_given_order() -> None:
    newest = order(*lines(FS.UNFULFILLED), number="1045")
    shipped = order(*lines(FS.FULFILLED), number="1044")
    partial = order(*lines(FS.UNFULFILLED, FS.DELIVERED), number="1043")
    cancelled = order(*lines(FS.UNFULFILLED), number="1042", cancelled_at=PLACED)
    oldest = order(*lines(FS.PARTIALLY_FULFILLED), number="1041")
    listed = open_orders([newest, shipped, partial, cancelled, oldest])
    assert [o.number for o in listed] == ["1045", "1043", "1041"]
    assert open_orders([]) == []
    assert open_orders([shipped, cancelled]) == []
