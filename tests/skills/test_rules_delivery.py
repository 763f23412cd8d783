"""Table tests for the delivery rules: business days, promised dates, late detection.

Line items are built by hand (no demo store) on a fixed "now": Friday 20 Nov 2026,
10:00 UTC. The calendar around it: Sat 14, Sun 15, Mon 16 ... Fri 20, Sat 21, Sun 22,
Mon 23, Tue 24, Wed 25, Thu 26, Fri 27 Nov.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from agent.commerce.models import FulfillmentStatus, LineItem, Order, Tracking
from skills.policy import FINAL_SALE, PRE_ORDER, StorePolicy
from skills.rules_delivery import (
    ItemProgress,
    Lateness,
    Stage,
    add_business_days,
    format_day,
    in_progress,
    is_business_day,
    is_overdue,
    item_progress,
    order_progress,
    parse_holidays,
)

FS = FulfillmentStatus
POLICY = StorePolicy()  # dispatch 2 business days, delivery 5 business days
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday
CPH = "Europe/Copenhagen"
PARCEL = Tracking(carrier="PostNord", number="123", url="https://tracking.example/postnord/123")


def nov(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An instant in November 2026, UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


FRIDAY_MORNING = nov(20, 8)


def line(status: FS = FS.UNFULFILLED, *, quantity: int = 1, fulfilled: int | None = None,
         tags: tuple[str, ...] = (), shipped: datetime | None = None,
         delivered: datetime | None = None, returned: datetime | None = None,
         tracking: Tracking | None = None) -> LineItem:
    """A line item with only the facts the delivery rules read."""
    if fulfilled is None:
        fulfilled = 0 if status in (FS.UNFULFILLED, FS.CANCELLED) else quantity
    return LineItem(id="li-1", product_id="p-1", variant_id="v-1", title="Shell jacket",
                    variant="M / Blue", quantity=quantity, fulfilled_quantity=fulfilled,
                    fulfillment_status=status, tags=tags, shipped_at=shipped,
                    delivered_at=delivered, returned_at=returned, tracking=tracking)


def order_of(*items: LineItem, placed: datetime = FRIDAY_MORNING,
             cancelled: datetime | None = None) -> Order:
    """An order of ``items`` placed at ``placed``."""
    return Order(id="o-1", number="1042", customer_id="c-1", placed_at=placed,
                 line_items=items, cancelled_at=cancelled)


def progress(li: LineItem, *, placed: datetime = FRIDAY_MORNING, now: datetime = NOW,
             policy: StorePolicy = POLICY, cancelled: datetime | None = None,
             **kw: Any) -> ItemProgress:
    """The rule's report on ``li`` as the only line of an order."""
    return item_progress(li, order_of(li, placed=placed, cancelled=cancelled), policy, now,
                         **kw)


# --- business days -------------------------------------------------------------------------

BUSINESS_DAY_CASES = [
    # id, start, days, zone, holidays, expected local date
    ("mon-plus-2-is-wed", nov(16), 2, "UTC", (), date(2026, 11, 18)),
    ("thu-plus-2-skips-the-weekend", nov(19), 2, "UTC", (), date(2026, 11, 23)),
    ("fri-plus-2-is-tue", nov(20), 2, "UTC", (), date(2026, 11, 24)),
    ("sat-plus-2-is-tue", nov(21), 2, "UTC", (), date(2026, 11, 24)),
    ("sun-plus-2-is-tue", nov(22), 2, "UTC", (), date(2026, 11, 24)),
    ("fri-plus-5-is-next-fri", nov(20), 5, "UTC", (), date(2026, 11, 27)),
    ("wed-plus-5-is-next-wed", nov(18), 5, "UTC", (), date(2026, 11, 25)),
    ("zero-days-is-the-same-day", nov(18), 0, "UTC", (), date(2026, 11, 18)),
    ("holiday-is-skipped", nov(20), 2, "UTC", (date(2026, 11, 23),), date(2026, 11, 25)),
    ("holiday-on-a-weekend-changes-nothing", nov(20), 2, "UTC", (date(2026, 11, 21),),
     date(2026, 11, 24)),
    # 23:30 UTC on Sunday is already Monday 00:30 in Copenhagen
    ("late-sunday-utc", nov(22, 23, 30), 1, "UTC", (), date(2026, 11, 23)),
    ("late-sunday-utc-is-monday-in-copenhagen", nov(22, 23, 30), 1, CPH, (),
     date(2026, 11, 24)),
]


@pytest.mark.parametrize(("start", "days", "zone", "holidays", "expected"),
                         [c[1:] for c in BUSINESS_DAY_CASES],
                         ids=[c[0] for c in BUSINESS_DAY_CASES])
def test_add_business_days(start: datetime, days: int, zone: str,
                           holidays: tuple[date, ...], expected: date) -> None:
    assert add_business_days(start, days, zone, frozenset(holidays)) == expected


@pytest.mark.parametrize(("day", "holidays", "expected"), [
    (date(2026, 11, 20), (), True),
    (date(2026, 11, 21), (), False),
    (date(2026, 11, 22), (), False),
    (date(2026, 11, 23), (), True),
    (date(2026, 11, 23), (date(2026, 11, 23),), False),
])
def test_is_business_day(day: date, holidays: tuple[date, ...], expected: bool) -> None:
    assert is_business_day(day, frozenset(holidays)) is expected


OVERDUE_CASES = [
    # id, due, now, zone, overdue
    ("during-the-due-day", date(2026, 11, 24), nov(24, 9), "UTC", False),
    ("last-minute-of-the-due-day", date(2026, 11, 24), nov(24, 23, 59), "UTC", False),
    ("first-minute-after", date(2026, 11, 24), nov(25, 0, 0), "UTC", True),
    ("before-the-due-day", date(2026, 11, 24), nov(20), "UTC", False),
    # 23:30 UTC on Tuesday is Wednesday in Copenhagen
    ("local-calendar-decides", date(2026, 11, 24), nov(24, 23, 30), CPH, True),
]


@pytest.mark.parametrize(("due", "now", "zone", "overdue"), [c[1:] for c in OVERDUE_CASES],
                         ids=[c[0] for c in OVERDUE_CASES])
def test_is_overdue(due: date, now: datetime, zone: str, overdue: bool) -> None:
    assert is_overdue(due, now, zone) is overdue


def test_format_day_and_holidays() -> None:
    assert format_day(date(2026, 11, 24)) == "Tue 24 Nov"
    assert format_day(date(2026, 12, 1)) == "Tue 1 Dec"
    assert parse_holidays(["2026-12-24", "2026-12-25"]) == {date(2026, 12, 24),
                                                           date(2026, 12, 25)}
    assert parse_holidays([]) == frozenset()


# --- per line item -------------------------------------------------------------------------

PROGRESS_CASES = [
    # id, line, order kwargs, stage, lateness, detail, late note
    ("placed-friday-dispatch-by-tuesday", line(), {"placed": nov(20, 8)},
     Stage.AWAITING_DISPATCH, Lateness.ON_TIME, "expected to be dispatched by Tue 24 Nov", ""),
    ("placed-saturday-dispatch-by-tuesday", line(), {"placed": nov(14, 8)},
     Stage.AWAITING_DISPATCH, Lateness.DISPATCH, "not dispatched yet, due by Tue 17 Nov",
     "should have been dispatched by Tue 17 Nov"),
    ("dispatch-due-today-is-not-late", line(), {"placed": nov(18, 9)},
     Stage.AWAITING_DISPATCH, Lateness.ON_TIME, "expected to be dispatched by Fri 20 Nov", ""),
    ("dispatch-due-yesterday-is-late", line(), {"placed": nov(17, 9)},
     Stage.AWAITING_DISPATCH, Lateness.DISPATCH, "not dispatched yet, due by Thu 19 Nov",
     "should have been dispatched by Thu 19 Nov"),
    ("pre-order-is-never-late-for-dispatch", line(tags=(PRE_ORDER,)), {"placed": nov(1)},
     Stage.PRE_ORDER, Lateness.ON_TIME, "pre-order, ships when it arrives from production", ""),
    ("other-tags-keep-the-promise", line(tags=(FINAL_SALE,)), {"placed": nov(17, 9)},
     Stage.AWAITING_DISPATCH, Lateness.DISPATCH, "not dispatched yet, due by Thu 19 Nov",
     "should have been dispatched by Thu 19 Nov"),
    ("in-transit", line(FS.FULFILLED, shipped=nov(18), tracking=PARCEL), {"placed": nov(17)},
     Stage.IN_TRANSIT, Lateness.ON_TIME,
     "shipped on Wed 18 Nov with PostNord (123), expected by Wed 25 Nov", ""),
    ("delivery-due-today-is-not-late", line(FS.FULFILLED, shipped=nov(13), tracking=PARCEL),
     {"placed": nov(12)}, Stage.IN_TRANSIT, Lateness.ON_TIME,
     "shipped on Fri 13 Nov with PostNord (123), expected by Fri 20 Nov", ""),
    ("delivery-due-yesterday-is-late", line(FS.FULFILLED, shipped=nov(12), tracking=PARCEL),
     {"placed": nov(11)}, Stage.IN_TRANSIT, Lateness.DELIVERY,
     "shipped on Thu 12 Nov with PostNord (123), due by Thu 19 Nov and not delivered yet",
     "should have arrived by Thu 19 Nov"),
    ("shipped-without-date-or-tracking", line(FS.FULFILLED), {}, Stage.IN_TRANSIT,
     Lateness.ON_TIME, "shipped", ""),
    ("partly-shipped", line(FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1, shipped=nov(19),
                            tracking=PARCEL), {"placed": nov(18, 9)}, Stage.PARTLY_SHIPPED,
     Lateness.ON_TIME, "shipped 1 of 2 on Thu 19 Nov with PostNord (123), expected by Thu 26 "
     "Nov; the rest: expected to be dispatched by Fri 20 Nov", ""),
    ("partly-shipped-rest-late", line(FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1,
                                      shipped=nov(19), tracking=PARCEL), {"placed": nov(16)},
     Stage.PARTLY_SHIPPED, Lateness.DISPATCH, "shipped 1 of 2 on Thu 19 Nov with PostNord "
     "(123), expected by Thu 26 Nov; the rest: not dispatched yet, due by Wed 18 Nov",
     "should have been fully dispatched by Wed 18 Nov"),
    ("partly-shipped-pre-order-parcel-late", line(FS.PARTIALLY_FULFILLED, quantity=3,
                                                  fulfilled=2, tags=(PRE_ORDER,),
                                                  shipped=nov(12), tracking=PARCEL),
     {"placed": nov(2)}, Stage.PARTLY_SHIPPED, Lateness.DELIVERY,
     "shipped 2 of 3 on Thu 12 Nov with PostNord (123), due by Thu 19 Nov and not delivered "
     "yet; the rest: pre-order, ships when it arrives from production",
     "should have arrived by Thu 19 Nov"),
    ("partly-by-quantity-only", line(FS.UNFULFILLED, quantity=2, fulfilled=1, shipped=nov(19)),
     {"placed": nov(18, 9)}, Stage.PARTLY_SHIPPED, Lateness.ON_TIME,
     "shipped 1 of 2 on Thu 19 Nov, expected by Thu 26 Nov; the rest: expected to be "
     "dispatched by Fri 20 Nov", ""),
    ("delivered", line(FS.DELIVERED, shipped=nov(10), delivered=nov(18), tracking=PARCEL),
     {"placed": nov(9)}, Stage.DELIVERED, Lateness.ON_TIME, "delivered on Wed 18 Nov", ""),
    ("delivered-without-date", line(FS.DELIVERED), {}, Stage.DELIVERED, Lateness.ON_TIME,
     "delivered", ""),
    ("returned", line(FS.RETURNED, shipped=nov(2), delivered=nov(4), returned=nov(19)),
     {"placed": nov(1)}, Stage.RETURNED, Lateness.ON_TIME, "returned on Thu 19 Nov", ""),
    ("returned-without-date", line(FS.RETURNED), {}, Stage.RETURNED, Lateness.ON_TIME,
     "returned", ""),
    ("line-cancelled", line(FS.CANCELLED), {"placed": nov(2)}, Stage.CANCELLED,
     Lateness.ON_TIME, "cancelled", ""),
    ("order-cancelled", line(), {"placed": nov(2), "cancelled": nov(3)}, Stage.CANCELLED,
     Lateness.ON_TIME, "cancelled on Tue 3 Nov", ""),
    ("cancelled-order-beats-a-late-parcel", line(FS.FULFILLED, shipped=nov(3)),
     {"placed": nov(2), "cancelled": nov(4)}, Stage.CANCELLED, Lateness.ON_TIME,
     "cancelled on Wed 4 Nov", ""),
]


@pytest.mark.parametrize(("li", "order_kw", "stage", "lateness", "detail", "note"),
                         [c[1:] for c in PROGRESS_CASES], ids=[c[0] for c in PROGRESS_CASES])
def test_item_progress(li: LineItem, order_kw: dict[str, Any], stage: Stage,
                       lateness: Lateness, detail: str, note: str) -> None:
    report = progress(li, **order_kw)
    assert (report.stage, report.lateness, report.detail, report.late_note) == (
        stage, lateness, detail, note)
    assert report.late is (lateness is not Lateness.ON_TIME)


@pytest.mark.parametrize(("li", "placed", "dispatch_by", "deliver_by"), [
    (line(), nov(20, 8), date(2026, 11, 24), None),
    (line(tags=(PRE_ORDER,)), nov(20, 8), None, None),
    (line(FS.FULFILLED, shipped=nov(18)), nov(17), None, date(2026, 11, 25)),
    (line(FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1, shipped=nov(19)), nov(18, 9),
     date(2026, 11, 20), date(2026, 11, 26)),
    (line(FS.DELIVERED, shipped=nov(10), delivered=nov(18)), nov(9), None, None),
])
def test_promised_dates(li: LineItem, placed: datetime, dispatch_by: date | None,
                        deliver_by: date | None) -> None:
    report = progress(li, placed=placed)
    assert (report.dispatch_by, report.deliver_by) == (dispatch_by, deliver_by)


@pytest.mark.parametrize(("li", "placed", "label"), [
    (line(), nov(20, 8), "Not shipped yet"),
    (line(), nov(14, 8), "Delayed"),
    (line(tags=(PRE_ORDER,)), nov(1), "Pre-order"),
    (line(FS.FULFILLED, shipped=nov(18)), nov(17), "Shipped"),
    (line(FS.FULFILLED, shipped=nov(12)), nov(11), "Delayed"),
    (line(FS.PARTIALLY_FULFILLED, quantity=2, fulfilled=1, shipped=nov(19)), nov(18, 9),
     "Partly shipped"),
    (line(FS.DELIVERED, delivered=nov(18)), nov(9), "Delivered"),
    (line(FS.RETURNED), nov(9), "Returned"),
    (line(FS.CANCELLED), nov(9), "Cancelled"),
])
def test_card_label(li: LineItem, placed: datetime, label: str) -> None:
    assert progress(li, placed=placed).label == label


def test_the_promises_come_from_the_policy() -> None:
    quick = StorePolicy(dispatch_days=1, delivery_days=1)
    assert progress(line(), placed=nov(18, 9), policy=quick).lateness is Lateness.DISPATCH
    in_transit = line(FS.FULFILLED, shipped=nov(18))
    assert progress(in_transit, placed=nov(17), policy=quick).lateness is Lateness.DELIVERY
    assert progress(in_transit, placed=nov(17)).lateness is Lateness.ON_TIME


def test_holidays_push_the_promise() -> None:
    # placed Wed 18: due Fri 20; with Thu 19 a holiday, due Mon 23
    report = progress(line(), placed=nov(18, 9), now=nov(21),
                      holidays=frozenset({date(2026, 11, 19)}))
    assert report.dispatch_by == date(2026, 11, 23) and not report.late
    assert progress(line(), placed=nov(18, 9), now=nov(21)).late


def test_dates_are_on_the_store_calendar() -> None:
    # placed Sun 22 Nov 23:30 UTC = Mon 00:30 in Copenhagen: due Wed there, Tue in UTC
    placed = nov(22, 23, 30)
    assert progress(line(), placed=placed, now=nov(23), timezone=CPH).dispatch_by == date(
        2026, 11, 25)
    assert progress(line(), placed=placed, now=nov(23)).dispatch_by == date(2026, 11, 24)


def test_order_progress_is_per_line_item() -> None:
    late_parcel = line(FS.FULFILLED, shipped=nov(12), tracking=PARCEL)
    waiting = line()
    order = order_of(late_parcel, waiting, placed=nov(11))
    reports = order_progress(order, POLICY, NOW)
    assert [r.lateness for r in reports] == [Lateness.DELIVERY, Lateness.DISPATCH]
    assert reports[0].tracking == PARCEL and reports[1].tracking is None
    assert order_progress(order_of(), POLICY, NOW) == []


@pytest.mark.parametrize(("states", "cancelled", "expected"), [
    ([FS.UNFULFILLED], False, True),
    ([FS.PARTIALLY_FULFILLED], False, True),
    ([FS.FULFILLED], False, True),
    ([FS.FULFILLED, FS.DELIVERED], False, True),
    ([FS.DELIVERED], False, False),
    ([FS.DELIVERED, FS.RETURNED], False, False),
    ([FS.RETURNED], False, False),
    ([FS.CANCELLED], False, False),
    ([FS.UNFULFILLED], True, False),
])
def test_in_progress(states: list[FS], cancelled: bool, expected: bool) -> None:
    items = tuple(line(s).model_copy(update={"id": f"li-{i}"}) for i, s in enumerate(states))
    assert in_progress(order_of(*items, cancelled=nov(3) if cancelled else None)) is expected
