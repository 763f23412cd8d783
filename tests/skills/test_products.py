"""Catalog answers: which product a message means, what it asks, and the stock facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.commerce.models import Product, Variant
from skills.products import (
    Aspect,
    detect_aspects,
    format_price,
    guide_is_relevant,
    guide_query,
    is_policy_question,
    lower_first,
    match_product,
    named_variants,
    product_card,
    product_link,
    prose_of,
    stock_facts,
    variant_summary,
)


def variant(sku: str, size: str | None, color: str | None, inventory: int,
            price: str = "100.00") -> Variant:
    """A variant titled like the storefront shows it."""
    title = " / ".join(p for p in (size, color) if p)
    return Variant(id=sku, title=title, size=size, color=color, price=Decimal(price),
                   inventory=inventory)


SHELL = Product(
    id="shell", title="Skagen 3L Shell Jacket", product_type="Shell jacket",
    material="3-layer recycled nylon.", care="Machine wash at 30 °C.",
    tags=("shell-jacket", "waterproof"),
    variants=(variant("shell-s-blue", "S", "Fjord Blue", 4),
              variant("shell-m-blue", "M", "Fjord Blue", 0),
              variant("shell-m-black", "M", "Black", 3),
              variant("shell-xl-black", "XL", "Black", 0)))
DOWN = Product(
    id="down", title="Lofoten Down Jacket", product_type="Down jacket",
    material="750-fill-power RDS-certified down.", tags=("down", "insulation"),
    variants=(variant("down-m-black", "M", "Black", 2),))
WIND = Product(
    id="wind", title="Fell Running Windbreaker", product_type="Wind jacket",
    variants=(variant("wind-m", "M", "Lime", 1, "49.00"),))
BOOTS = Product(
    id="boots", title="Kjerag Leather Hiking Boots", product_type="Hiking boots",
    material="Full-grain leather upper.", tags=("footwear", "waterproof"),
    variants=(variant("boots-40", "EU 40", "Brown", 4), variant("boots-42", "EU 42", "Brown", 0)))
TOP = Product(
    id="top", title="Rondane Merino 200 Base Layer Top", product_type="Base layer",
    material="100% merino wool.", tags=("merino", "base-layer"),
    variants=(variant("top-s", "S", "Black", 7),))
LEGGINGS = Product(
    id="leggings", title="Rondane Merino 200 Leggings", product_type="Base layer",
    material="100% merino wool.", tags=("merino", "base-layer"),
    variants=(variant("leg-s", "S", "Black", 6, "79.00"), variant("leg-l", "L", "Black", 0,
                                                                    "89.00")))
PACK = Product(
    id="pack", title="Trolltunga 28L Daypack", product_type="Backpack", tags=("backpack",),
    variants=(variant("pack-blue", None, "Fjord Blue", 5), variant("pack-sand", None, "Sand", 0)))
TREK = Product(
    id="trek", title="Jotunheim 45L Trekking Pack", product_type="Backpack", tags=("backpack",),
    variants=(variant("trek-sm", "S/M", "Slate", 2),))
PARKA = Product(
    id="parka", title="Svalbard Expedition Parka", product_type="Parka",
    tags=("parka", "pre-order"), variants=(variant("parka-m", "M", "Black", 0, "549.00"),))
SOCKS = Product(
    id="socks", title="Merino Hiking Socks", product_type="Socks", tags=("accessories", "merino"),
    variants=(variant("socks-36", "36-39", "Charcoal", 12, "19.00"),))
BEANIE = Product(
    id="beanie", title="Embroidered Merino Beanie", product_type="Beanie",
    tags=("accessories", "personalised"),
    variants=(variant("beanie-navy", None, "Navy", 20, "39.00"),))
CATALOG = (SHELL, DOWN, WIND, BOOTS, TOP, LEGGINGS, PACK, TREK, PARKA, SOCKS, BEANIE)


@pytest.mark.parametrize(("text", "expected"), [
    ("what is the Skagen made of?", SHELL),
    ("is the skagen shell jacket waterproof", SHELL),
    ("how do I wash my down jacket", DOWN),
    ("how warm is the LOFOTEN", DOWN),
    ("is the parka in stock", PARKA),
    ("do you have the Svalbard in medium", PARKA),
    ("what sizes do the hiking boots come in", BOOTS),
    ("boots", BOOTS),
    ("tell me about the daypack", PACK),
    ("do the leggings run small", LEGGINGS),
    ("merino base layer top sizes", TOP),
    ("are the socks machine washable", SOCKS),
    ("is the jacket waterproof", None),  # three jackets: not specific enough
    ("how do I wash a merino base layer", None),  # top and leggings tie
    ("which backpack is lighter", None),  # two backpacks
    ("do you ship to Germany", None),
    ("does Fjord & Fell sell gift cards", None),  # the store's name is not the Fell jacket
    ("", None),
])
def test_match_product(text: str, expected: Product | None) -> None:
    assert match_product(text, CATALOG, store_name="Fjord & Fell") == expected


def test_match_product_in_an_empty_catalog() -> None:
    assert match_product("the Skagen jacket", []) is None


@pytest.mark.parametrize(("text", "aspects"), [
    ("what is the Skagen made of", [Aspect.MATERIAL]),
    ("which fabric is it", [Aspect.MATERIAL]),
    ("is it waterproof", [Aspect.MATERIAL]),
    ("how do I wash it", [Aspect.CARE]),
    ("can I tumble dry the down jacket", [Aspect.CARE]),
    ("what sizes does it come in", [Aspect.SIZES]),
    ("does it fit true to size", [Aspect.SIZES]),
    ("which colours are there", [Aspect.COLOURS]),
    ("what color options", [Aspect.COLOURS]),
    ("is it in stock", [Aspect.STOCK]),
    ("is it sold out", [Aspect.STOCK]),
    ("when will it be available", [Aspect.STOCK]),
    ("what is it made of and how do I wash it", [Aspect.MATERIAL, Aspect.CARE]),
    ("which sizes and colours are in stock", [Aspect.SIZES, Aspect.COLOURS, Aspect.STOCK]),
    ("tell me about the Skagen", []),
    ("how warm is the parka", []),
])
def test_detect_aspects(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


@pytest.mark.parametrize(("text", "policy"), [
    ("can I return the socks", True),
    ("how long does delivery of the parka take", True),
    ("do you ship the boots to Norway", True),
    ("tell me about the socks", False),
    ("what's the Skagen like", False),
])
def test_is_policy_question(text: str, policy: bool) -> None:
    assert is_policy_question(text) is policy


@pytest.mark.parametrize(("text", "product", "skus"), [
    ("do you have it in size 42", BOOTS, ["boots-42"]),
    ("EU 40 please", BOOTS, ["boots-40"]),
    ("the Skagen in black", SHELL, ["shell-m-black", "shell-xl-black"]),
    ("the Skagen in medium", SHELL, ["shell-m-blue", "shell-m-black"]),
    ("Skagen in M, fjord blue", SHELL, ["shell-m-blue"]),
    ("is the XL in stock", SHELL, ["shell-xl-black"]),
    ("what's the Skagen like", SHELL, []),  # "what's" is no size S
    ("I'm after a jacket", SHELL, []),  # "I'm" is no size M
    ("the trekking pack in S/M", TREK, ["trek-sm"]),
    ("daypack in sand", PACK, ["pack-sand"]),
    ("do you have it in red", SHELL, []),
])
def test_named_variants(text: str, product: Product, skus: list[str]) -> None:
    assert [v.id for v in named_variants(text, product)] == skus


@pytest.mark.parametrize(("variants", "summary"), [
    (SHELL.variants, "S and M in Fjord Blue; M and XL in Black"),
    (BOOTS.variants, "EU 40 and EU 42 in Brown"),
    (PACK.variants, "Fjord Blue and Sand"),
    ((variant("x", "S", None, 1), variant("y", "M", None, 1)), "S and M"),
    ((), ""),
])
def test_variant_summary(variants: tuple[Variant, ...], summary: str) -> None:
    assert variant_summary(variants) == summary


def test_stock_facts_overall_and_for_the_variants_asked() -> None:
    facts = stock_facts(SHELL, named_variants("in medium", SHELL))
    assert facts == {
        "in_stock": "S in Fjord Blue; M in Black",
        "sold_out": "M in Fjord Blue; XL in Black",
        "asked_in_stock": "M in Black",
        "asked_sold_out": "M in Fjord Blue",
    }


@pytest.mark.parametrize(("product", "price"), [
    (SHELL, "€100.00"), (WIND, "€49.00"), (LEGGINGS, "from €79.00"),
    (Product(id="empty", title="Empty", product_type="Thing"), "€0.00"),
])
def test_format_price(product: Product, price: str) -> None:
    assert format_price(product) == price


@pytest.mark.parametrize(("product", "aspect", "query"), [
    (DOWN, Aspect.CARE, "how to wash and care for Down jacket"),
    (SHELL, Aspect.SIZES, "size chart and fit for Shell jacket"),
    (PACK, Aspect.SIZES, None),  # no sizes, no size chart
    (SHELL, Aspect.MATERIAL, None),
    (SHELL, Aspect.STOCK, None),
])
def test_guide_query(product: Product, aspect: Aspect, query: str | None) -> None:
    assert guide_query(product, aspect) == query


JACKET_SIZES = ("Size charts › Jackets and fleeces",
                "| Size | Chest |\n| M | 95 |\n\nOur shell jackets have an athletic fit; the "
                "down jackets are cut slightly roomier.")
LEATHER_CARE = ("Care instructions › Leather boots", "Brush off mud after every hike.")
MERINO_CARE = ("Care instructions › Merino wool", "Wash merino base layers and socks at 30°C.")
SHELL_CARE = ("Care instructions › Waterproof shell jackets", "Our waterproof shells work best.")


@pytest.mark.parametrize(("section", "product", "relevant"), [
    (JACKET_SIZES, SHELL, True),
    (JACKET_SIZES, DOWN, True),
    (JACKET_SIZES, WIND, False),  # a wind jacket is not in the chart's words
    (LEATHER_CARE, BOOTS, True),  # heading words all name the boots
    (MERINO_CARE, TOP, True),
    (MERINO_CARE, SOCKS, True),
    (MERINO_CARE, SHELL, False),
    (SHELL_CARE, SHELL, True),
    (SHELL_CARE, WIND, False),
    (SHELL_CARE, PACK, False),
])
def test_guide_is_relevant(section: tuple[str, str], product: Product, relevant: bool) -> None:
    heading, text = section
    assert guide_is_relevant(heading, text, product) is relevant


def test_prose_of_leaves_table_rows_out() -> None:
    assert prose_of(JACKET_SIZES[1]) == (
        "\nOur shell jackets have an athletic fit; the down jackets are cut slightly roomier.")


@pytest.mark.parametrize(("text", "continued"), [
    ("Machine wash at 30 °C.", "machine wash at 30 °C."),
    ("RDS-certified down.", "RDS-certified down."),
    ("100% merino wool.", "100% merino wool."),
    ("", ""),
])
def test_lower_first(text: str, continued: str) -> None:
    assert lower_first(text) == continued


def test_product_card_and_link() -> None:
    card = product_card(SHELL, "https://shop.example/products/shell")
    assert (card.title, card.price, card.variants, card.in_stock) == (
        "Skagen 3L Shell Jacket", "€100.00", "S in Fjord Blue; M in Black", True)
    sold_out = product_card(PARKA, None)
    assert (sold_out.in_stock, sold_out.variants, sold_out.url) == (False, "", None)
    link = product_link(LEGGINGS, "https://shop.example/products/leggings")
    assert link.label == "Rondane Merino 200 Leggings - from €79.00"
