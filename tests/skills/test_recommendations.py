"""Recommendation selection: pinned first, then best sellers; in stock only; fits first; capped."""

from __future__ import annotations

import pytest

from agent.commerce.models import Product
from skills.parts import Channel
from skills.recommendations import (
    MAX_RECOMMENDATIONS,
    is_recommendation_request,
    recommend,
    recommendation_limit,
    requested_needs,
)
from tests.skills.test_products import CATALOG, variant


def ids(products: list[Product]) -> list[str]:
    return [p.id for p in products]


IN_STOCK = ["shell", "down", "wind", "boots", "top", "leggings", "pack", "trek", "socks",
            "beanie"]  # the catalog minus the parka, which has nothing in stock


@pytest.mark.parametrize(("pinned", "text", "expected"), [
    ([], "what's popular", IN_STOCK),
    (["socks", "beanie"], "what's popular",
     ["socks", "beanie", *[i for i in IN_STOCK if i not in ("socks", "beanie")]]),
    (["parka", "socks"], "any ideas", ["socks", *[i for i in IN_STOCK if i != "socks"]]),
    (["no-such-product", "boots", "boots"], "what do you suggest",
     ["boots", *[i for i in IN_STOCK if i != "boots"]]),
    ([], "what do you recommend for hiking in the rain",
     ["boots", "shell", "pack", "trek", "socks"]),  # boots fit both needs
    (["socks"], "what do you recommend for hiking in the rain",
     ["boots", "socks", "shell", "pack", "trek"]),  # pins lead among equal fits
    ([], "something warm for winter", ["down", "top", "leggings", "socks", "beanie"]),
    ([], "any gift ideas", ["socks", "beanie"]),
    ([], "can you recommend socks", ["socks"]),
    ([], "which backpack do you suggest", ["pack", "trek"]),
    ([], "a parka please, what do you recommend", IN_STOCK),  # the only fit is sold out
    ([], "what are your top sellers", IN_STOCK),  # "top" is no need for a base-layer top
])
def test_recommend(pinned: list[str], text: str, expected: list[str]) -> None:
    assert ids(recommend(CATALOG, pinned, text)) == expected


def test_at_most_ten_products() -> None:
    many = [Product(id=f"p{n}", title=f"Thing {n}", product_type="Thing",
                    variants=(variant(f"v{n}", None, None, 1),)) for n in range(15)]
    chosen = recommend(many, ["p14", "p13"], "what's popular")
    assert len(chosen) == MAX_RECOMMENDATIONS == 10
    assert ids(chosen)[:3] == ["p14", "p13", "p0"]


def test_a_smaller_limit_and_an_empty_catalog() -> None:
    assert ids(recommend(CATALOG, ["beanie"], "what's popular", limit=3)) == [
        "beanie", "shell", "down"]
    assert recommend([], ["beanie"], "what's popular") == []


def test_nothing_in_stock_recommends_nothing() -> None:
    sold_out = [p.model_copy(update={"variants": tuple(v.model_copy(update={"inventory": 0})
                                                       for v in p.variants)})
                for p in CATALOG]
    assert recommend(sold_out, ["shell"], "what's popular") == []


@pytest.mark.parametrize(("text", "asks"), [
    ("what do you recommend for hiking in the rain", True),
    ("any gift ideas?", True),
    ("what's popular", True),
    ("what are your best sellers", True),
    ("show me your bestsellers", True),
    ("can you suggest a jacket", True),
    ("what should I buy for a trip to Norway", True),
    ("I'm looking for a warm jacket", True),
    ("what is the Skagen made of", False),
    ("do you ship to Germany", False),
    ("where is my order", False),
])
def test_is_recommendation_request(text: str, asks: bool) -> None:
    assert is_recommendation_request(text) is asks


def test_requested_needs_widen_words_to_product_terms() -> None:
    needs = requested_needs("recommend something for the rain")
    assert frozenset({"rain", "waterproof"}) in needs
    assert all("recommend" not in need for need in needs)


@pytest.mark.parametrize(("channel", "limit"), [
    (Channel.WEBCHAT, 10), (Channel.SMS, 3), (Channel.WHATSAPP, 10), (Channel.EMAIL, 10),
])
def test_recommendation_limit(channel: Channel, limit: int) -> None:
    assert recommendation_limit(channel) == limit
