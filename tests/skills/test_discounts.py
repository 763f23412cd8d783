"""Discount sharing rules: shareable AND active AND not expired; codes named by the shopper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.config import DiscountCode
from skills.discounts import is_discount_request, may_share, named_code, shareable_codes

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def code(name: str = "WELCOME10", *, shareable: bool = True, active: bool = True,
         expires_at: datetime | None = None) -> DiscountCode:
    return DiscountCode(code=name, description="10% off", shareable=shareable, active=active,
                        expires_at=expires_at)


@pytest.mark.parametrize(("discount", "shared"), [
    (code(), True),
    (code(shareable=False), False),
    (code(active=False), False),
    (code(shareable=False, active=False), False),
    (code(expires_at=NOW + timedelta(minutes=1)), True),
    (code(expires_at=NOW), False),  # expires at this very moment
    (code(expires_at=NOW - timedelta(days=1)), False),
    (code(expires_at=datetime(2026, 11, 21)), True),  # naive: read as UTC
    (code(expires_at=datetime(2026, 11, 20, 9, 59)), False),
    (code(shareable=False, expires_at=NOW + timedelta(days=30)), False),
    (code(active=False, expires_at=NOW + timedelta(days=30)), False),
])
def test_may_share(discount: DiscountCode, shared: bool) -> None:
    assert may_share(discount, NOW) is shared


def test_shareable_codes_keep_the_merchants_order() -> None:
    codes = [code("STAFF40", shareable=False), code("B10"), code("OLD5", expires_at=NOW),
             code("A20"), code("PAUSED", active=False)]
    assert [c.code for c in shareable_codes(codes, NOW)] == ["B10", "A20"]
    assert shareable_codes([], NOW) == []


CONFIGURED = [code("WELCOME10"), code("STAFF40", shareable=False)]


@pytest.mark.parametrize(("text", "named"), [
    ("do you have a code? STAFF40?", "STAFF40"),
    ("is welcome10 still valid", "WELCOME10"),
    ("can I use SUMMER25", "SUMMER25"),  # never configured: named all the same
    ("does code xmas5 work", "XMAS5"),
    ("do you have a discount code", None),
    ("where is order 1043", None),
    ("is the 28L daypack in stock", None),
])
def test_named_code(text: str, named: str | None) -> None:
    assert named_code(text, CONFIGURED) == named


@pytest.mark.parametrize(("text", "about_discounts"), [
    ("do you have a discount code", True),
    ("any discounts right now?", True),
    ("can I get a promo code", True),
    ("do you have any coupons", True),
    ("do you have a code?", True),
    ("STAFF40?", True),
    ("is there a student discount", True),
    ("I didn't get the code", False),  # a sign-in code, not a discount
    ("what is the Skagen made of", False),
    ("is the windbreaker on sale", False),
])
def test_is_discount_request(text: str, about_discounts: bool) -> None:
    assert is_discount_request(text, CONFIGURED) is about_discounts
