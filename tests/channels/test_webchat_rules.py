"""Table tests of the webchat's pure rules: the cart and its events, browser and OS."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent.commerce.demo_catalog import DEMO_PRODUCTS
from agent.commerce.models import Product, Variant
from agent.config import DiscountCode
from channels.webchat_cart import (
    CartError,
    NotFound,
    add_item,
    apply_discount,
    cart_event_detail,
    empty_cart,
    find_variant,
    remove_item,
)
from channels.webchat_visitor import MAX_PAGES, browser_of, os_of, with_page_view

WELCOME = DiscountCode(code="WELCOME10", description="10% off", shareable=True, percent_off=10)


def product(title: str, price: str = "10.00", inventory: int = 5) -> Product:
    return Product(id=f"p-{len(title)}", title=title, product_type="Test",
                   variants=(Variant(id=f"v-{len(title)}", title="One", price=Decimal(price),
                                     inventory=inventory),))


def test_adding_takes_the_price_from_the_catalog_and_counts_items() -> None:
    shell, variant = find_variant(DEMO_PRODUCTS, "skagen-s-blue")
    cart = add_item(None, shell, variant, 2)
    cart = add_item(cart, *find_variant(DEMO_PRODUCTS, "beanie-navy"), 1)
    assert [(i["variant_id"], i["quantity"], i["unit_price"]) for i in cart["items"]] == [
        ("skagen-s-blue", 2, "349.00"), ("beanie-navy", 1, "39.00")]
    assert (cart["item_count"], cart["subtotal"], cart["total"]) == (3, "737.00", "737.00")


def test_adding_the_same_variant_again_grows_its_line() -> None:
    shell, variant = find_variant(DEMO_PRODUCTS, "skagen-s-blue")
    cart = add_item(add_item(None, shell, variant, 1), shell, variant, 1)
    assert len(cart["items"]) == 1 and cart["item_count"] == 2


@pytest.mark.parametrize(("inventory", "already", "adding", "error"), [
    (0, 0, 1, "sold out"),
    (2, 2, 1, "only 2"),
    (50, 20, 1, "only 20"),
])
def test_adding_refuses_sold_out_and_more_than_there_is(inventory: int, already: int,
                                                        adding: int, error: str) -> None:
    item = product("Tent", inventory=inventory)
    cart = add_item(None, item, item.variants[0], already) if already else None
    with pytest.raises(CartError, match=error):
        add_item(cart, item, item.variants[0], adding)


def test_unknown_variant_is_not_found() -> None:
    with pytest.raises(NotFound):
        find_variant(DEMO_PRODUCTS, "no-such-variant")


@pytest.mark.parametrize(("quantity", "left", "taken"), [(None, 0, 3), (1, 2, 1), (5, 0, 3)])
def test_removing_part_or_all_of_a_line(quantity: int | None, left: int, taken: int) -> None:
    item = product("Tent")
    cart = add_item(None, item, item.variants[0], 3)
    changed, line = remove_item(cart, item.variants[0].id, quantity)
    assert changed["item_count"] == left
    assert line["quantity"] == taken
    assert len(changed["items"]) == (1 if left else 0)


def test_removing_what_is_not_in_the_cart_is_not_found() -> None:
    with pytest.raises(NotFound):
        remove_item(empty_cart(), "v-1", None)


def test_a_discount_takes_its_percentage_off_and_follows_later_changes() -> None:
    item = product("Tent", price="33.33")
    cart = apply_discount(add_item(None, item, item.variants[0], 1), WELCOME)
    assert cart["discount"]["amount"] == "3.33" and cart["total"] == "30.00"
    cart = add_item(cart, item, item.variants[0], 2)
    assert (cart["subtotal"], cart["discount"]["amount"], cart["total"]) == (
        "99.99", "10.00", "89.99")


def test_a_code_without_a_percentage_is_shown_without_an_amount() -> None:
    item = product("Tent")
    code = DiscountCode(code="FREESHIP", description="free shipping", shareable=True)
    cart = apply_discount(add_item(None, item, item.variants[0], 1), code)
    assert cart["discount"]["amount"] == "0.00" and cart["total"] == cart["subtotal"]


@pytest.mark.parametrize(("length", "named"), [(1, True), (40, True), (41, False), (80, False)])
def test_a_cart_event_names_the_product_only_below_41_characters(length: int,
                                                                 named: bool) -> None:
    item = product("x" * length)
    cart = add_item(None, item, item.variants[0], 1)
    detail = cart_event_detail(cart["items"][0], cart)
    assert ("product" in detail) is named
    if named:
        assert detail["product"] == "x" * length
    assert detail["product_id"] == item.id and detail["quantity"] == 1


CHROME_LINUX = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36")
USER_AGENTS = [
    (CHROME_LINUX, "Chrome 131", "Linux"),
    (CHROME_LINUX.replace("Chrome/", "HeadlessChrome/"), "Chrome 131", "Linux"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68", "Edge 130", "Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/129.0.0.0 Safari/537.36 OPR/114.0.0.0", "Opera 114", "Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0",
     "Firefox 132", "macOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.6 Safari/605.1.15", "Safari 17", "macOS"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "Safari 17", "iOS"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
     "like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome 131", "iOS"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet 26",
     "Android"),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "ChromeOS"),
    ("curl/8.5.0", "Other", "Other"),
    ("", "Other", "Other"),
]


@pytest.mark.parametrize(("user_agent", "browser", "system"), USER_AGENTS)
def test_browser_and_os_from_the_user_agent(user_agent: str, browser: str,
                                            system: str) -> None:
    assert (browser_of(user_agent), os_of(user_agent)) == (browser, system)


def test_page_views_keep_the_latest_pages_and_what_the_browser_said() -> None:
    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    visitor = None
    for n in range(MAX_PAGES + 3):
        visitor = with_page_view(visitor, url=f"http://shop.test/{n}", title=f"page {n}", at=at,
                                 user_agent=CHROME_LINUX, timezone="Europe/Copenhagen",
                                 language="da-DK")
    assert visitor is not None
    assert len(visitor["pages"]) == MAX_PAGES
    assert visitor["pages"][0]["url"] == "http://shop.test/3"
    assert visitor["pages"][-1] == {"url": f"http://shop.test/{MAX_PAGES + 2}",
                                    "title": f"page {MAX_PAGES + 2}", "at": at.isoformat()}
    assert (visitor["browser"], visitor["os"], visitor["timezone"], visitor["language"]) == (
        "Chrome 131", "Linux", "Europe/Copenhagen", "da-DK")
