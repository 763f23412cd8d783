"""The Shopify order source: exact customer matches, customer-scoped orders, the cache."""

from __future__ import annotations

import threading
import time

import pytest

from agent.clock import FixedClock
from agent.commerce.factory import make_order_source
from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_errors import ShopifyConfigError
from agent.commerce.source import CustomerOrders
from agent.config import Settings
from tests.commerce.conftest import SettingsFactory
from tests.conftest import FIXED_NOW
from tests.fakes.shopify_data import DEMO_DOMAIN, customer_gid
from tests.fakes.shopify_server import FakeShopifyServer

ASTRID = customer_gid("demo-customer-1")
LARS = customer_gid("demo-customer-2")


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_source(settings: SettingsFactory, ttl: float = 60, clock: Clock | None = None,
                **kwargs: int) -> ShopifyOrderSource:
    return ShopifyOrderSource(ShopifyClient(settings()), cache_ttl_seconds=ttl,
                              monotonic=clock or Clock(), **kwargs)


def operations(server: FakeShopifyServer) -> list[str | None]:
    return [r.operation for r in server.requests]


def test_a_fuzzy_search_never_verifies_a_near_miss(demo_server: FakeShopifyServer,
                                                   shopify_settings: SettingsFactory) -> None:
    shop = demo_server.shops[DEMO_DOMAIN]
    shop.fuzzy_search = True
    twin = dict(shop.customers[0], id="gid://shopify/Customer/7999",
                defaultEmailAddress={"emailAddress": "xastrid.nielsen@example.com"})
    shop.customers.append(twin)
    source = make_source(shopify_settings)
    found = source.customer_by_email(" Astrid.Nielsen@Example.com ")
    assert found is not None and found.id == ASTRID
    assert source.customer_by_email("strid.nielsen@example.com") is None
    assert demo_server.requests[0].variables == {"query": 'email:"astrid.nielsen@example.com"'}


@pytest.mark.parametrize("email", ['a@b.com" OR email:*', "astrid nielsen@example.com",
                                   "no-at-sign", "x@y", "a@b.com) OR (x@y.com"])
def test_search_syntax_in_an_email_is_never_sent(demo_server: FakeShopifyServer,
                                                 shopify_settings: SettingsFactory,
                                                 email: str) -> None:
    assert make_source(shopify_settings).customer_by_email(email) is None
    assert demo_server.requests == []


def test_phone_lookup_tolerates_separators_and_needs_a_country_code(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    source = make_source(shopify_settings)
    found = source.customer_by_phone("0045 20-12 34 56")
    assert found is not None and found.id == ASTRID
    assert source.customer_by_phone("20123456") is None
    assert [r.variables for r in demo_server.requests] == [{"query": 'phone:"+4520123456"'}]


def test_orders_are_read_through_the_customer_and_checked_against_it(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    shop = demo_server.shops[DEMO_DOMAIN]
    intruder = dict(shop.orders[LARS][0], customer={"id": ASTRID}, name="#1999",
                    id="gid://shopify/Order/1999")
    shop.orders[LARS].insert(0, intruder)
    source = make_source(shopify_settings, orders_page_size=50)
    lars_numbers = [o.number for o in source.orders_for_customer(LARS)]
    assert intruder["name"].lstrip("#") not in lars_numbers
    request = demo_server.requests[-1]
    assert request.operation == "CustomerOrders" and request.variables["id"] == LARS
    astrid = CustomerOrders(source, ASTRID)
    assert astrid.by_number(lars_numbers[0]) is None


@pytest.mark.parametrize("customer_id", ["demo-customer-1", "gid://shopify/Order/1",
                                         "gid://shopify/Customer/1 OR 1"])
def test_malformed_customer_ids_are_not_queried(demo_server: FakeShopifyServer,
                                                shopify_settings: SettingsFactory,
                                                customer_id: str) -> None:
    source = make_source(shopify_settings)
    assert source.orders_for_customer(customer_id) == []
    assert source.customer(customer_id) is None
    assert demo_server.requests == []


def test_an_unknown_customer_has_no_orders(demo_server: FakeShopifyServer,
                                           shopify_settings: SettingsFactory) -> None:
    source = make_source(shopify_settings)
    assert source.orders_for_customer("gid://shopify/Customer/1") == []
    assert source.customer("gid://shopify/Customer/1") is None


def test_orders_are_paged_newest_first_up_to_the_limit(demo_server: FakeShopifyServer,
                                                       shopify_settings: SettingsFactory) -> None:
    source = make_source(shopify_settings, orders_page_size=3, max_order_pages=2)
    numbers = [o.number for o in source.orders_for_customer(customer_gid("demo-customer-5"))]
    assert len(numbers) == 6 and numbers == sorted(numbers, reverse=True)
    assert [r.variables["after"] for r in demo_server.requests] == [None, "3"]


def test_the_cache_serves_repeats_until_it_expires_or_the_order_changes(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    clock = Clock()
    source = make_source(shopify_settings, ttl=60, clock=clock, orders_page_size=50)
    orders = source.orders_for_customer(ASTRID)
    assert source.orders_for_customer(ASTRID) == orders
    assert operations(demo_server) == ["CustomerOrders"]

    source.invalidate_order(orders[0].id)
    source.orders_for_customer(ASTRID)
    source.orders_for_customer(LARS)
    source.invalidate_order("gid://shopify/Order/1", customer_id=LARS)
    source.orders_for_customer(LARS)
    source.orders_for_customer(ASTRID)
    assert operations(demo_server) == ["CustomerOrders"] * 4

    clock.now += 61
    source.orders_for_customer(ASTRID)
    assert len(demo_server.requests) == 5


def test_an_invalidation_during_a_read_keeps_the_stale_answer_out_of_the_cache(
        demo_server: FakeShopifyServer, shopify_settings: SettingsFactory) -> None:
    demo_server.shops[DEMO_DOMAIN].delay_seconds = 0.2
    source = make_source(shopify_settings, orders_page_size=50)
    reader = threading.Thread(target=source.orders_for_customer, args=(ASTRID,))
    reader.start()
    time.sleep(0.05)
    source.invalidate_order("gid://shopify/Order/123")
    reader.join()
    demo_server.shops[DEMO_DOMAIN].delay_seconds = 0
    source.orders_for_customer(ASTRID)
    assert operations(demo_server) == ["CustomerOrders", "CustomerOrders"]


def test_products_come_from_the_catalog(demo_server: FakeShopifyServer,
                                        shopify_settings: SettingsFactory) -> None:
    source = make_source(shopify_settings)
    products = source.products()
    assert products and all(p.variants for p in products)
    assert source.products() == products and operations(demo_server) == ["Products"]


def test_the_factory_builds_the_shopify_source_from_the_environment(
        demo_server: FakeShopifyServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_SHOPIFY_SHOP_DOMAIN", "fjord-fell")
    monkeypatch.setenv("CUSTOMER_AGENT_SHOPIFY_ACCESS_TOKEN", "shpat_fjord_fell_test")
    monkeypatch.setenv("CUSTOMER_AGENT_SHOPIFY_ADMIN_API_BASE_URL", demo_server.base_url)
    source = make_order_source(Settings(order_source="shopify"), FixedClock(FIXED_NOW))
    assert isinstance(source, ShopifyOrderSource)
    assert source.customer_by_email("astrid.nielsen@example.com") is not None
    source.close()

    monkeypatch.delenv("CUSTOMER_AGENT_SHOPIFY_ACCESS_TOKEN")
    with pytest.raises(ShopifyConfigError, match="CUSTOMER_AGENT_SHOPIFY_ACCESS_TOKEN"):
        make_order_source(Settings(order_source="shopify"), FixedClock(FIXED_NOW))
