"""Table tests for the return rules: exchange options, deadlines, refund state, refund questions.

Eligibility itself is tested in ``test_rules.py``; here the rules the returns skill adds,
on hand-built products and line items and a fixed "now" (Friday 20 Nov 2026, 10:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from agent.commerce.models import FulfillmentStatus, LineItem, Order, Product, Variant
from skills.policy import FINAL_SALE, PERSONALISED, StorePolicy
from skills.rules import (
    ItemDecision,
    OrderAction,
    Reason,
    handed_over_items,
    line_item_editability,
    return_eligibility,
)
from skills.rules_returns import (
    RefundStage,
    asks_refund_status,
    exchange_options,
    format_money,
    has_returns,
    order_refunds,
    refund_state,
    return_deadline,
)

FS = FulfillmentStatus
POLICY = StorePolicy()
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday


def nov(day: int, hour: int = 10) -> datetime:
    """An instant in November 2026, UTC."""
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def variant(vid: str, inventory: int) -> Variant:
    """A variant titled after its id."""
    return Variant(id=vid, title=vid.upper(), price=Decimal("10"), inventory=inventory)


JACKET = Product(id="p-jacket", title="Jacket", product_type="Jacket", variants=(
    variant("s-blue", 4), variant("m-blue", 0), variant("l-blue", 6), variant("m-black", 3),
))
PACK = Product(id="p-pack", title="Pack", product_type="Backpack", variants=(
    variant("sm", 2), variant("ml", 0),
))
CATALOG = [JACKET, PACK]


def bought(product: str, variant_id: str, *, status: FS = FS.DELIVERED, quantity: int = 1,
           returned: int = 0, price: str = "89.00", tags: tuple[str, ...] = (),
           delivered_at: datetime | None = None, returned_at: datetime | None = None,
           refunded_at: datetime | None = None, line_id: str = "li-1") -> LineItem:
    """A line item of ``product`` / ``variant_id``."""
    return LineItem(id=line_id, product_id=product, variant_id=variant_id, title="Item",
                    variant=variant_id, quantity=quantity, fulfilled_quantity=quantity,
                    returned_quantity=returned, fulfillment_status=status, tags=tags,
                    unit_price=Decimal(price), delivered_at=delivered_at,
                    returned_at=returned_at, refunded_at=refunded_at)


def order_of(*items: LineItem, currency: str = "EUR") -> Order:
    """An order of ``items``."""
    return Order(id="o-1", number="1042", customer_id="c-1", placed_at=nov(1),
                 line_items=items, currency=currency)


# --- exchange options ----------------------------------------------------------------------

EXCHANGE_CASES = [
    # id, line item, expected variant ids
    ("other-sizes-and-colours-in-stock", bought("p-jacket", "m-blue"),
     ["s-blue", "l-blue", "m-black"]),
    ("the-variant-bought-is-left-out-even-in-stock", bought("p-jacket", "l-blue"),
     ["s-blue", "m-black"]),
    ("sold-out-variants-are-left-out", bought("p-jacket", "s-blue"), ["l-blue", "m-black"]),
    ("everything-else-sold-out", bought("p-pack", "sm"), []),
    ("only-the-bought-one-sold-out", bought("p-pack", "ml"), ["sm"]),
    ("product-no-longer-in-the-catalog", bought("p-gone", "x"), []),
]


@pytest.mark.parametrize(("li", "expected"), [c[1:] for c in EXCHANGE_CASES],
                         ids=[c[0] for c in EXCHANGE_CASES])
def test_exchange_options(li: LineItem, expected: list[str]) -> None:
    assert [v.id for v in exchange_options(li, CATALOG)] == expected


def test_exchange_options_never_cross_products() -> None:
    twin = Product(id="p-twin", title="Twin", product_type="Jacket",
                   variants=(variant("m-blue", 9), variant("xl-red", 9)))
    assert [v.id for v in exchange_options(bought("p-pack", "sm"), [twin, *CATALOG])] == []


# --- deadlines, money ----------------------------------------------------------------------

def test_return_deadline_is_delivery_plus_the_window() -> None:
    li = bought("p-jacket", "m-blue", delivered_at=nov(15))
    assert return_deadline(li, POLICY) == nov(15) + timedelta(days=30)
    assert return_deadline(li, StorePolicy(return_window=timedelta(days=14))) == datetime(
        2026, 11, 29, 10, 0, tzinfo=UTC)
    assert return_deadline(bought("p-jacket", "m-blue", status=FS.FULFILLED), POLICY) is None


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (Decimal("89"), "EUR", "€89.00"),
    (Decimal("1299.5"), "USD", "$1,299.50"),
    (Decimal("19.00"), "GBP", "£19.00"),
    (Decimal("750"), "DKK", "750.00 DKK"),
    (Decimal("0"), "EUR", "€0.00"),
])
def test_format_money(amount: Decimal, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text


# --- refund state --------------------------------------------------------------------------

RETURNED: dict[str, Any] = {"status": FS.RETURNED, "returned": 1}

REFUND_CASES: list[tuple[str, dict[str, Any], RefundStage, str, str | None, date | None]] = [
    # id, line kwargs, stage, detail, amount, due
    ("processing", {**RETURNED, "returned_at": nov(18)}, RefundStage.PROCESSING,
     "returned on Wed 18 Nov; refund of €89.00 being processed, due by Wed 25 Nov", "89.00",
     date(2026, 11, 25)),
    ("due-today-is-still-processing", {**RETURNED, "returned_at": nov(13)},
     RefundStage.PROCESSING,
     "returned on Fri 13 Nov; refund of €89.00 being processed, due by Fri 20 Nov", "89.00",
     date(2026, 11, 20)),
    ("overdue", {**RETURNED, "returned_at": nov(12)}, RefundStage.OVERDUE,
     "returned on Thu 12 Nov; refund of €89.00 was due by Thu 19 Nov and hasn't been issued "
     "yet", "89.00", date(2026, 11, 19)),
    ("refunded", {**RETURNED, "price": "299.00", "returned_at": nov(3), "refunded_at": nov(5)},
     RefundStage.REFUNDED, "returned on Tue 3 Nov; refund of €299.00 issued on Thu 5 Nov",
     "299.00", date(2026, 11, 10)),
    ("refunded-late-is-still-refunded", {**RETURNED, "returned_at": nov(2),
                                         "refunded_at": nov(19)},
     RefundStage.REFUNDED, "returned on Mon 2 Nov; refund of €89.00 issued on Thu 19 Nov",
     "89.00", date(2026, 11, 9)),
    ("two-units-returned", {"status": FS.RETURNED, "quantity": 2, "returned": 2,
                            "price": "19.00", "returned_at": nov(18)},
     RefundStage.PROCESSING,
     "returned on Wed 18 Nov; refund of €38.00 being processed, due by Wed 25 Nov", "38.00",
     date(2026, 11, 25)),
    ("one-of-three-returned-line-still-delivered", {"quantity": 3, "returned": 1,
                                                    "price": "19.00", "returned_at": nov(18)},
     RefundStage.PROCESSING,
     "returned on Wed 18 Nov; refund of €19.00 being processed, due by Wed 25 Nov", "19.00",
     date(2026, 11, 25)),
    ("returned-quantity-unknown-names-no-amount", {"status": FS.RETURNED, "returned_at": nov(18)},
     RefundStage.PROCESSING,
     "returned on Wed 18 Nov; refund being processed, due by Wed 25 Nov", None,
     date(2026, 11, 25)),
    ("arrival-unknown-has-no-due-date", {**RETURNED}, RefundStage.PROCESSING,
     "returned; refund of €89.00 being processed", "89.00", None),
    ("arrival-unknown-but-refunded", {**RETURNED, "refunded_at": nov(19)},
     RefundStage.REFUNDED, "returned; refund of €89.00 issued on Thu 19 Nov", "89.00", None),
]


@pytest.mark.parametrize(("line_kw", "stage", "detail", "amount", "due"),
                         [c[1:] for c in REFUND_CASES], ids=[c[0] for c in REFUND_CASES])
def test_refund_state(line_kw: dict[str, Any], stage: RefundStage, detail: str,
                      amount: str | None, due: date | None) -> None:
    li = bought("p-jacket", "m-blue", delivered_at=nov(1), **line_kw)
    state = refund_state(li, order_of(li), NOW)
    assert state is not None
    assert (state.stage, state.detail, state.due) == (stage, detail, due)
    assert state.amount == (None if amount is None else Decimal(amount))
    assert state.quantity == li.returned_quantity and state.currency == "EUR"


@pytest.mark.parametrize("status", [FS.DELIVERED, FS.FULFILLED, FS.UNFULFILLED, FS.CANCELLED])
def test_items_not_returned_have_no_refund_state(status: FS) -> None:
    li = bought("p-jacket", "m-blue", status=status)
    assert refund_state(li, order_of(li), NOW) is None


def test_refund_amount_is_in_the_order_currency() -> None:
    li = bought("p-jacket", "m-blue", returned_at=nov(18), **RETURNED)
    state = refund_state(li, order_of(li, currency="USD"), NOW)
    assert state is not None and "refund of $89.00" in state.detail


def test_refund_promise_skips_holidays_and_follows_the_days_given() -> None:
    li = bought("p-jacket", "m-blue", returned_at=nov(12), **RETURNED)
    order = order_of(li)
    late = refund_state(li, order, NOW)
    assert late is not None and late.stage is RefundStage.OVERDUE
    holiday = refund_state(li, order, NOW, holidays=frozenset({date(2026, 11, 16)}))
    assert holiday is not None and holiday.stage is RefundStage.PROCESSING
    assert holiday.due == date(2026, 11, 20)
    longer = refund_state(li, order, NOW, refund_days=10)
    assert longer is not None and longer.due == date(2026, 11, 26)


def test_refund_dates_are_on_the_store_calendar() -> None:
    # 23:30 UTC on Wed 18 Nov is Thu 19 Nov in Copenhagen
    li = bought("p-jacket", "m-blue", returned_at=datetime(2026, 11, 18, 23, 30, tzinfo=UTC),
                **RETURNED)
    state = refund_state(li, order_of(li), NOW, "Europe/Copenhagen")
    assert state is not None
    assert state.returned_on == date(2026, 11, 19) and state.due == date(2026, 11, 26)


def test_order_refunds_and_has_returns() -> None:
    kept = bought("p-jacket", "m-blue", delivered_at=nov(10))
    sent_back = bought("p-pack", "sm", line_id="li-2", returned_at=nov(18), **RETURNED)
    mixed = order_of(kept, sent_back)
    assert [s.line_item_id for s in order_refunds(mixed, NOW)] == ["li-2"]
    assert has_returns(mixed) and not has_returns(order_of(kept))
    assert order_refunds(order_of(kept), NOW) == []


# --- refund questions ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "asks"), [
    ("where is my refund", True),
    ("Where is my refund?", True),
    ("I haven't got my refund yet", True),
    ("when will I get my money back", True),
    ("has my refund been processed", True),
    ("still waiting for my refund", True),
    ("did you receive my return? no refund so far", True),
    ("how long do refunds take", True),
    ("I want a refund for my order", False),
    ("can I get my money back", False),
    ("I'd like a refund please", False),
    ("refund policy?", False),
    ("where is my order", False),
    ("I want to return my jacket", False),
])
def test_asks_refund_status(text: str, asks: bool) -> None:
    assert asks_refund_status(text) is asks


# --- the excluded tag on decisions, hand-overs ------------------------------------------------

@pytest.mark.parametrize(("tags", "expected"), [
    ((), None),
    ((FINAL_SALE,), FINAL_SALE),
    ((PERSONALISED,), PERSONALISED),
    ((PERSONALISED, FINAL_SALE), FINAL_SALE),
    (("gift",), None),
])
def test_decisions_name_the_excluded_tag(tags: tuple[str, ...], expected: str | None) -> None:
    li = bought("p-jacket", "m-blue", tags=tags, delivered_at=nov(15))
    (decision,) = return_eligibility(order_of(li), POLICY, NOW)
    assert decision.excluded_tag == expected
    assert (decision.reason_code is Reason.EXCLUDED_TAG) == (expected is not None)
    unshipped = li.model_copy(update={"fulfillment_status": FS.UNFULFILLED,
                                      "fulfilled_quantity": 0})
    (edit,) = line_item_editability(order_of(unshipped), POLICY, nov(1, 11), OrderAction.EDIT)
    assert edit.excluded_tag == expected


def test_an_excluded_tag_that_is_not_the_reason_is_not_named() -> None:
    li = bought("p-jacket", "m-blue", tags=(FINAL_SALE,), status=FS.FULFILLED)
    (decision,) = return_eligibility(order_of(li), POLICY, NOW)
    assert decision.reason_code is Reason.NOT_DELIVERED and decision.excluded_tag is None


def decision(line_id: str) -> ItemDecision:
    return ItemDecision(line_item_id=line_id, title="t", variant="v", quantity=1,
                        status=FS.DELIVERED, allowed=True, reason_code=Reason.ALLOWED,
                        reason="")


@pytest.mark.parametrize(("ids", "expected"), [
    (["li-2"], ["li-2"]),
    (["li-3", "li-1"], ["li-1", "li-3"]),
    (["other-order-li"], []),
    ([], []),
    (None, []),
    ("li-1", []),
])
def test_handed_over_items(ids: object, expected: list[str]) -> None:
    items = [decision("li-1"), decision("li-2"), decision("li-3")]
    assert [d.line_item_id for d in handed_over_items(items, ids)] == expected
