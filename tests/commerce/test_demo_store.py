"""The demo store: lookups, the named scenarios, data invariants, determinism, JSON export.

Every scenario in ``DEMO_CASES`` is checked against the real ``StorePolicy`` windows at a
fixed anchor, so a change to the demo data that breaks a scenario fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from agent.commerce.demo import (
    DEMO_CASES,
    DEMO_CUSTOMER_EMAILS,
    DemoStore,
    demo_orders_json,
    normalise_phone,
)
from agent.commerce.demo_catalog import DEMO_PRODUCTS, LINE_ITEM_TAGS
from agent.commerce.models import FulfillmentStatus, LineItem, Order
from agent.commerce.source import CustomerOrders, OrderSource
from skills.policy import FINAL_SALE, PERSONALISED, PRE_ORDER, StorePolicy
from skills.rules_delivery import order_progress
from skills.rules_returns import RefundStage, exchange_options, order_refunds

ANCHOR = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
SCENARIO_ANCHOR = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # tests/conftest.py FIXED_NOW
STORE_ZONE = "Europe/Copenhagen"
POLICY = StorePolicy()
FS = FulfillmentStatus
SHIPPED = {FS.PARTIALLY_FULFILLED, FS.FULFILLED, FS.DELIVERED, FS.RETURNED}

REQUIRED_CASES = [
    "editable", "editable_with_final_sale", "editable_with_personalised",
    "editable_with_pre_order", "edit_window_closed", "cancel_window_closed",
    "partially_fulfilled", "partially_fulfilled_editable", "partially_fulfilled_line",
    "fulfilled", "delivered_recent",
    "delivered_old", "cancelled", "returned", "late_unfulfilled", "late_in_transit",
    "single_order_customer",
]


@pytest.fixture(scope="module")
def store() -> DemoStore:
    return DemoStore(ANCHOR)


def case_order(store: DemoStore, case: str) -> Order:
    email, number = DEMO_CASES[case]
    customer = store.customer_by_email(email)
    assert customer is not None, f"{case}: no customer {email}"
    order = CustomerOrders(store, customer.id).by_number(number)
    assert order is not None, f"{case}: order {number} is not {email}'s"
    return order


def all_orders(store: DemoStore) -> list[Order]:
    return [o for c in store.customers() for o in store.orders_for_customer(c.id)]


def age(order: Order) -> timedelta:
    return ANCHOR - order.placed_at


def statuses(order: Order) -> set[FulfillmentStatus]:
    return {li.fulfillment_status for li in order.line_items}


def open_and_untagged(order: Order) -> bool:
    return (order.cancelled_at is None and statuses(order) == {FS.UNFULFILLED}
            and all(not set(li.tags) & POLICY.edit_excluded_tags for li in order.line_items))


def editable_except(tag: str) -> Callable[[Order], bool]:
    """Unfulfilled, inside the edit window, one line tagged ``tag``, one line free to edit."""
    def check(order: Order) -> bool:
        return (order.cancelled_at is None and statuses(order) == {FS.UNFULFILLED}
                and age(order) < POLICY.edit_window
                and any(tag in li.tags for li in order.line_items)
                and any(not li.tags for li in order.line_items))
    return check


def delivered_within(order: Order, window: timedelta) -> bool:
    return all(li.delivered_at is not None and ANCHOR - li.delivered_at < window
               for li in order.line_items)


def in_transit(li: LineItem) -> bool:
    return (li.fulfillment_status is FS.FULFILLED and li.delivered_at is None
            and li.tracking is not None and li.shipped_at is not None)


def refund_stages(order: Order) -> set[RefundStage]:
    return {r.stage for r in order_refunds(order, ANCHOR, STORE_ZONE)}


def has_exchange(li: LineItem) -> bool:
    return bool(exchange_options(li, DEMO_PRODUCTS))


late_dispatch = timedelta(days=POLICY.dispatch_days)
late_delivery = timedelta(days=POLICY.delivery_days)

CASE_PROPERTIES: dict[str, Callable[[Order], bool]] = {
    "editable": lambda o: open_and_untagged(o) and timedelta(hours=1) <= age(o)
    <= timedelta(hours=3),
    "editable_with_final_sale": editable_except(FINAL_SALE),
    "editable_with_personalised": editable_except(PERSONALISED),
    "editable_with_pre_order": editable_except(PRE_ORDER),
    "edit_window_closed": lambda o: open_and_untagged(o)
    and POLICY.edit_window < age(o) < POLICY.cancel_window,
    "cancel_window_closed": lambda o: open_and_untagged(o)
    and POLICY.cancel_window + timedelta(hours=6) <= age(o) < late_dispatch,
    "partially_fulfilled": lambda o: o.status is FS.PARTIALLY_FULFILLED
    and statuses(o) == {FS.FULFILLED, FS.UNFULFILLED},
    "partially_fulfilled_editable": lambda o: o.status is FS.PARTIALLY_FULFILLED
    and statuses(o) == {FS.FULFILLED, FS.UNFULFILLED} and age(o) < POLICY.edit_window
    and not any(li.tags for li in o.line_items),
    "partially_fulfilled_line": lambda o: o.status is FS.PARTIALLY_FULFILLED and any(
        li.fulfillment_status is FS.PARTIALLY_FULFILLED
        and 0 < li.fulfilled_quantity < li.quantity for li in o.line_items),
    "partially_fulfilled_pre_order": lambda o: o.status is FS.PARTIALLY_FULFILLED and all(
        (li.fulfillment_status is FS.UNFULFILLED) == (PRE_ORDER in li.tags)
        for li in o.line_items),
    "fulfilled": lambda o: o.status is FS.FULFILLED
    and all(in_transit(li) and ANCHOR - li.shipped_at < late_delivery  # type: ignore[operator]
            for li in o.line_items),
    "delivered_recent": lambda o: o.status is FS.DELIVERED and statuses(o) == {FS.DELIVERED}
    and delivered_within(o, timedelta(days=6)),
    "delivered_old": lambda o: o.status is FS.DELIVERED and statuses(o) == {FS.DELIVERED}
    and all(ANCHOR - li.delivered_at > POLICY.return_window  # type: ignore[operator]
            for li in o.line_items),
    "delivered_with_final_sale": lambda o: o.status is FS.DELIVERED
    and delivered_within(o, POLICY.return_window)
    and any(FINAL_SALE in li.tags for li in o.line_items)
    and any(not li.tags for li in o.line_items),
    "delivered_with_return": lambda o: o.status is FS.DELIVERED
    and statuses(o) == {FS.DELIVERED, FS.RETURNED}
    and refund_stages(o) == {RefundStage.PROCESSING},
    "delivered_personalised": lambda o: statuses(o) == {FS.DELIVERED}
    and delivered_within(o, POLICY.return_window)
    and all(PERSONALISED in li.tags for li in o.line_items),
    "delivered_no_exchange": lambda o: statuses(o) == {FS.DELIVERED}
    and delivered_within(o, POLICY.return_window)
    and not any(li.tags for li in o.line_items)
    and any(not has_exchange(li) for li in o.line_items)
    and any(has_exchange(li) for li in o.line_items),
    "delivered_with_in_transit": lambda o: statuses(o) == {FS.DELIVERED, FS.FULFILLED}
    and not any(li.tags for li in o.line_items)
    and all(in_transit(li) or ANCHOR - li.delivered_at < POLICY.return_window  # type: ignore[operator]
            for li in o.line_items),
    "line_cancelled": lambda o: o.cancelled_at is None and o.status is FS.DELIVERED
    and FS.CANCELLED in statuses(o),
    "cancelled": lambda o: o.cancelled_at is not None and o.status is FS.CANCELLED
    and statuses(o) == {FS.CANCELLED} and age(o) < POLICY.cancel_window,
    "returned": lambda o: o.status is FS.RETURNED and all(
        li.fulfillment_status is FS.RETURNED and li.returned_quantity == li.quantity
        for li in o.line_items) and refund_stages(o) == {RefundStage.REFUNDED},
    "late_unfulfilled": lambda o: o.cancelled_at is None and statuses(o) == {FS.UNFULFILLED}
    and timedelta(days=6) <= age(o) < timedelta(days=7),
    "late_in_transit": lambda o: o.status is FS.FULFILLED and all(
        in_transit(li) and ANCHOR - li.shipped_at >= timedelta(days=10)  # type: ignore[operator]
        for li in o.line_items),
    "single_order_customer": lambda o: True,
}


# --- lookups -------------------------------------------------------------------------------

def test_demo_store_satisfies_the_order_source_protocol(store: DemoStore) -> None:
    source: OrderSource = store
    assert source.products()


@pytest.mark.parametrize("email", [
    "astrid.nielsen@example.com", "Astrid.Nielsen@Example.COM", "  astrid.nielsen@example.com\n",
])
def test_customer_by_email_ignores_case_and_whitespace(store: DemoStore, email: str) -> None:
    customer = store.customer_by_email(email)
    assert customer is not None and customer.name == "Astrid Nielsen"


@pytest.mark.parametrize("email", ["", "nobody@example.com", "astrid.nielsen@example.org"])
def test_unknown_email_is_none(store: DemoStore, email: str) -> None:
    assert store.customer_by_email(email) is None


@pytest.mark.parametrize("phone", [
    "+4520123456", "+45 20 12 34 56", "+45-20-12-34-56", " +45 2012-3456 ", "0045 20 12 34 56",
])
def test_customer_by_phone_normalises_to_e164(store: DemoStore, phone: str) -> None:
    customer = store.customer_by_phone(phone)
    assert customer is not None and customer.email == "astrid.nielsen@example.com"


@pytest.mark.parametrize("phone", ["", "20123456", "+4599999999", "+45 20 12 34 5", "call me"])
def test_unknown_or_unparseable_phone_is_none(store: DemoStore, phone: str) -> None:
    assert store.customer_by_phone(phone) is None


def test_normalise_phone() -> None:
    assert normalise_phone("+48 501-234-567") == "+48501234567"
    assert normalise_phone("(+47) 912.34.567") == "+4791234567"
    assert normalise_phone("912 34 567") is None


def test_customer_by_id(store: DemoStore) -> None:
    for customer in store.customers():
        assert store.customer(customer.id) == customer
    assert store.customer("no-such-id") is None


def test_orders_for_customer_newest_first_and_only_own(store: DemoStore) -> None:
    for customer in store.customers():
        orders = store.orders_for_customer(customer.id)
        assert orders, customer.email
        assert all(o.customer_id == customer.id for o in orders)
        placed = [o.placed_at for o in orders]
        assert placed == sorted(placed, reverse=True)
        assert len(set(placed)) == len(placed)
    assert store.orders_for_customer("no-such-id") == []
    assert sorted(o.number for o in all_orders(store)) == sorted(o.number for o in store.orders())


# --- customers and catalog -------------------------------------------------------------------

def test_customers(store: DemoStore) -> None:
    customers = store.customers()
    assert len(customers) >= 8
    assert [c.email for c in customers] == DEMO_CUSTOMER_EMAILS
    assert len({c.id for c in customers}) == len(customers)
    assert all(c.email.endswith("@example.com") for c in customers)
    phones = [c.phone for c in customers if c.phone is not None]
    assert len(phones) == len(customers) - 1, "exactly one customer has no phone"
    assert all(re.fullmatch(r"\+[1-9]\d{7,14}", p) for p in phones)
    assert {p[:3] for p in phones} >= {"+45", "+47", "+48"}
    multi = [c for c in customers if len(store.orders_for_customer(c.id)) > 1]
    assert len(multi) >= 5


def test_catalog(store: DemoStore) -> None:
    products = store.products()
    assert len(products) >= 10
    variants = [v for p in products for v in p.variants]
    assert len({p.id for p in products}) == len(products)
    assert len({v.id for v in variants}) == len(variants)
    assert all(p.variants and p.description and p.material and p.care for p in products)
    assert all(isinstance(v.price, Decimal) and v.price > 0 and v.inventory >= 0
               for v in variants)
    assert any(v.inventory == 0 for v in variants) and any(v.inventory > 0 for v in variants)
    tagged = {t for p in products for t in p.tags} & LINE_ITEM_TAGS
    assert tagged == {FINAL_SALE, PERSONALISED, PRE_ORDER}


def test_line_item_tags_are_the_policy_tags() -> None:
    assert POLICY.edit_excluded_tags == LINE_ITEM_TAGS
    assert POLICY.return_excluded_tags <= LINE_ITEM_TAGS


# --- the named scenarios ---------------------------------------------------------------------

def test_every_required_case_is_present() -> None:
    assert set(REQUIRED_CASES) <= set(DEMO_CASES)
    assert set(DEMO_CASES) == set(CASE_PROPERTIES), "every case has its property test"
    assert len({number for _, number in DEMO_CASES.values()}) == len(DEMO_CASES)


@pytest.mark.parametrize("case", sorted(CASE_PROPERTIES))
def test_case_has_the_property_its_name_says(store: DemoStore, case: str) -> None:
    order = case_order(store, case)
    assert CASE_PROPERTIES[case](order), f"{case}: order {order.number} does not fit"


def test_editable_customer_has_several_open_orders(store: DemoStore) -> None:
    customer = store.customer_by_email(DEMO_CASES["editable"][0])
    assert customer is not None
    orders = store.orders_for_customer(customer.id)
    assert len(orders) >= 3
    open_orders = [o for o in orders if o.status is FS.UNFULFILLED]
    assert len(open_orders) >= 2
    assert sum(age(o) < POLICY.edit_window for o in open_orders) >= 2


def test_single_order_customer_has_exactly_one_order(store: DemoStore) -> None:
    email, number = DEMO_CASES["single_order_customer"]
    customer = store.customer_by_email(email)
    assert customer is not None
    assert [o.number for o in store.orders_for_customer(customer.id)] == [number]


def test_only_the_late_cases_are_late(store: DemoStore) -> None:
    late_unshipped = {o.number for o in all_orders(store) if o.cancelled_at is None and any(
        li.fulfillment_status in {FS.UNFULFILLED, FS.PARTIALLY_FULFILLED}
        and PRE_ORDER not in li.tags for li in o.line_items) and age(o) > late_dispatch}
    late_parcels = {o.number for o in all_orders(store) if any(
        in_transit(li) and ANCHOR - li.shipped_at > late_delivery  # type: ignore[operator]
        for li in o.line_items)}
    assert late_unshipped == {DEMO_CASES["late_unfulfilled"][1]}
    assert late_parcels == {DEMO_CASES["late_in_transit"][1]}


@pytest.mark.parametrize("anchor", [ANCHOR, SCENARIO_ANCHOR])
def test_only_the_late_cases_are_late_by_business_days(anchor: datetime) -> None:
    store = DemoStore(anchor)
    late = {(o.number, p.lateness.value) for o in store.orders()
            for p in order_progress(o, POLICY, anchor, STORE_ZONE) if p.late}
    assert late == {(DEMO_CASES["late_unfulfilled"][1], "dispatch"),
                    (DEMO_CASES["late_in_transit"][1], "delivery")}


@pytest.mark.parametrize("anchor", [ANCHOR, SCENARIO_ANCHOR])
def test_only_the_return_cases_have_refunds_and_none_is_overdue(anchor: datetime) -> None:
    store = DemoStore(anchor)
    stages = {o.number: {r.stage for r in order_refunds(o, anchor, STORE_ZONE)}
              for o in store.orders() if order_refunds(o, anchor, STORE_ZONE)}
    assert stages == {DEMO_CASES["returned"][1]: {RefundStage.REFUNDED},
                      DEMO_CASES["delivered_with_return"][1]: {RefundStage.PROCESSING}}


# --- invariants over every order -------------------------------------------------------------

def test_there_are_enough_orders_numbered_in_time_order(store: DemoStore) -> None:
    orders = sorted(store.orders(), key=lambda o: o.placed_at)
    assert len(orders) >= 40
    assert [o.number for o in orders] == [str(1001 + i) for i in range(len(orders))]
    assert len({o.id for o in orders}) == len(orders)


def test_line_items_are_consistent(store: DemoStore) -> None:
    for order in store.orders():
        assert order.line_items, order.number
        assert order.placed_at <= ANCHOR and order.placed_at.tzinfo is not None
        assert order.currency == "EUR" and order.shipping_address
        all_cancelled = statuses(order) == {FS.CANCELLED}
        assert (order.cancelled_at is not None) == all_cancelled, order.number
        if order.cancelled_at is not None:
            assert order.placed_at < order.cancelled_at <= ANCHOR
        for li in order.line_items:
            where = f"{order.number}/{li.id}"
            status, shipped = li.fulfillment_status, li.fulfillment_status in SHIPPED
            assert li.id.startswith(order.id) and li.quantity >= 1, where
            assert 0 <= li.fulfilled_quantity <= li.quantity, where
            assert 0 <= li.returned_quantity <= li.fulfilled_quantity, where
            assert (li.shipped_at is not None) == shipped, where
            assert (li.tracking is not None) == shipped, where
            assert (li.delivered_at is not None) == (status in {FS.DELIVERED, FS.RETURNED}), where
            assert (li.returned_quantity > 0) == (status is FS.RETURNED), where
            if status is FS.RETURNED:
                assert li.returned_quantity == li.quantity, where
            if status in {FS.UNFULFILLED, FS.CANCELLED}:
                assert li.fulfilled_quantity == 0, where
            elif status is FS.PARTIALLY_FULFILLED:
                assert 0 < li.fulfilled_quantity < li.quantity, where
            else:
                assert li.fulfilled_quantity == li.quantity, where
            if li.shipped_at is not None:
                assert order.placed_at < li.shipped_at <= ANCHOR, where
            if li.delivered_at is not None:
                assert li.shipped_at is not None and li.shipped_at < li.delivered_at <= ANCHOR
            assert (li.returned_at is not None) == (status is FS.RETURNED), where
            if li.returned_at is not None:
                assert li.delivered_at is not None and li.delivered_at < li.returned_at <= ANCHOR
            if li.refunded_at is not None:
                assert li.returned_at is not None and li.returned_at < li.refunded_at <= ANCHOR
            assert set(li.tags) <= LINE_ITEM_TAGS and li.unit_price > 0, where


def test_line_items_match_the_catalog(store: DemoStore) -> None:
    variants = {v.id: (p, v) for p in store.products() for v in p.variants}
    for order in store.orders():
        for li in order.line_items:
            product, variant = variants[li.variant_id]
            assert (li.product_id, li.title, li.variant) == (product.id, product.title,
                                                             variant.title)
            assert li.unit_price == variant.price
            assert set(li.tags) == set(product.tags) & LINE_ITEM_TAGS


def test_tracking_details(store: DemoStore) -> None:
    carriers: set[str] = set()
    numbers: set[str] = set()
    split_orders = 0
    for order in store.orders():
        parcels: dict[datetime, str] = {}
        for li in order.line_items:
            if li.tracking is None:
                continue
            carriers.add(li.tracking.carrier)
            slug = li.tracking.carrier.lower()
            assert li.tracking.url == f"https://tracking.example/{slug}/{li.tracking.number}"
            assert li.shipped_at is not None
            # Lines shipped together share a parcel; separate shipments get their own number.
            assert parcels.setdefault(li.shipped_at, li.tracking.number) == li.tracking.number
        assert len(set(parcels.values())) == len(parcels), "one number per parcel"
        assert not numbers & set(parcels.values()), "a tracking number names one parcel"
        numbers |= set(parcels.values())
        split_orders += len(parcels) > 1
    assert carriers == {"PostNord", "GLS"}
    assert split_orders >= 1, "some order arrives in more than one parcel"


def test_every_status_occurs(store: DemoStore) -> None:
    line_states = {li.fulfillment_status for o in store.orders() for li in o.line_items}
    assert line_states == set(FS)
    assert {o.status for o in store.orders()} == set(FS)


# --- determinism -----------------------------------------------------------------------------

def times(order: Order) -> list[datetime | None]:
    return [order.placed_at, order.cancelled_at] + [
        t for li in order.line_items
        for t in (li.shipped_at, li.delivered_at, li.returned_at, li.refunded_at)]


def test_same_anchor_same_store() -> None:
    a, b = DemoStore(ANCHOR), DemoStore(ANCHOR)
    assert a.orders() == b.orders()
    assert a.customers() == b.customers()
    assert a.products() == b.products()
    assert DemoStore(ANCHOR.astimezone(timezone(timedelta(hours=1)))).orders() == a.orders()
    assert DemoStore(ANCHOR.replace(tzinfo=None)).orders() == a.orders()


def test_another_anchor_shifts_every_time_by_the_same_delta() -> None:
    delta = timedelta(days=17, hours=5, minutes=3)
    before, after = DemoStore(ANCHOR).orders(), DemoStore(ANCHOR + delta).orders()
    assert [o.number for o in before] == [o.number for o in after]
    for old, new in zip(before, after, strict=True):
        for t_old, t_new in zip(times(old), times(new), strict=True):
            assert (t_old is None) == (t_new is None)
            if t_old is not None and t_new is not None:
                assert t_new - t_old == delta
        shifted = new.model_dump(exclude={"placed_at", "cancelled_at", "line_items"})
        assert shifted == old.model_dump(exclude={"placed_at", "cancelled_at", "line_items"})
        for li_old, li_new in zip(old.line_items, new.line_items, strict=True):
            skip = {"shipped_at", "delivered_at", "returned_at", "refunded_at"}
            assert li_old.model_dump(exclude=skip) == li_new.model_dump(exclude=skip)


# --- JSON export -----------------------------------------------------------------------------

def test_demo_orders_json_shape(store: DemoStore) -> None:
    data = demo_orders_json(store)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"customers"}
    allowed = {s.value for s in FS}
    seen: set[str] = set()
    assert [c["email"] for c in data["customers"]] == DEMO_CUSTOMER_EMAILS
    for customer in data["customers"]:
        assert set(customer) == {"email", "name", "phone", "orders"}
        found = store.customer_by_email(customer["email"])
        assert found is not None and customer["name"] == found.name
        assert customer["phone"] == found.phone
        numbers = [o.number for o in store.orders_for_customer(found.id)]
        assert [o["number"] for o in customer["orders"]] == numbers
        for order in customer["orders"]:
            assert set(order) == {"number", "placed_at", "status", "line_items"}
            assert datetime.fromisoformat(order["placed_at"]).tzinfo is not None
            assert order["status"] in allowed
            for li in order["line_items"]:
                assert set(li) == {"title", "variant", "quantity", "fulfilled_quantity",
                                   "fulfillment_status", "tags"}
                assert isinstance(li["title"], str) and isinstance(li["variant"], str)
                assert isinstance(li["quantity"], int)
                assert isinstance(li["fulfilled_quantity"], int)
                assert isinstance(li["tags"], list)
                assert li["fulfillment_status"] in allowed
                seen.add(li["fulfillment_status"])
    assert seen == allowed
    total = sum(len(c["orders"]) for c in data["customers"])
    assert total == len(store.orders())


def test_demo_orders_json_values(store: DemoStore) -> None:
    email, number = DEMO_CASES["partially_fulfilled_line"]
    customer = next(c for c in demo_orders_json(store)["customers"] if c["email"] == email)
    order = next(o for o in customer["orders"] if o["number"] == number)
    assert order["status"] == "partially_fulfilled"
    assert order["placed_at"] == case_order(store, "partially_fulfilled_line").placed_at.isoformat()
    first = order["line_items"][0]
    assert (first["quantity"], first["fulfilled_quantity"]) == (2, 1)
    assert first["fulfillment_status"] == "partially_fulfilled"


def test_products_come_best_selling_first(store: DemoStore) -> None:
    sold: dict[str, int] = {}
    for order in store.orders():
        for line in order.line_items:
            if line.fulfillment_status is not FS.CANCELLED:
                sold[line.product_id] = (sold.get(line.product_id, 0) + line.quantity
                                         - line.returned_quantity)
    counts = [sold.get(p.id, 0) for p in store.products()]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]
    assert {p.id for p in store.products()} == {p.id for p in DEMO_PRODUCTS}


def test_a_few_orders_carry_a_harmless_note(store: DemoStore) -> None:
    noted = {o.number: o.note for o in all_orders(store) if o.note is not None}
    assert set(noted) == {"1038", "1042"}
    assert all(note and "{" not in note for note in noted.values())
    assert case_order(store, "editable").note is None
