"""Two shops and two customers each, read at once from many threads, never cross.

The clients of both shops share one small worker pool, so the same worker threads serve
shop A and shop B in turn: only a session activated per call (and cleared after it) keeps
each request on its own shop with its own token.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shopify

from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient
from tests.commerce.conftest import SettingsFactory
from tests.fakes.shopify_server import FakeShop, FakeShopifyServer

SHOPS = {"north-shop.myshopify.com": "shpat_north", "south-shop.myshopify.com": "shpat_south"}


def customer(n: int, email: str) -> dict[str, Any]:
    return {"id": f"gid://shopify/Customer/{n}", "displayName": email.split("@")[0],
            "defaultEmailAddress": {"emailAddress": email}, "defaultPhoneNumber": None}


def order(n: int, customer_id: str, name: str) -> dict[str, Any]:
    return {"id": f"gid://shopify/Order/{n}", "name": name, "createdAt": "2026-11-19T10:00:00Z",
            "cancelledAt": None, "closed": False, "displayFulfillmentStatus": "UNFULFILLED",
            "statusPageUrl": None, "currencyCode": "EUR", "customer": {"id": customer_id},
            "lineItems": {"nodes": []}, "fulfillments": [], "fulfillmentOrders": {"nodes": []}}


def shop(domain: str, token: str, base: int) -> FakeShop:
    """A shop whose two customers each own orders named after shop and customer."""
    customers = [customer(base + i, f"shopper{i}@{domain}") for i in (1, 2)]
    orders = {c["id"]: [order(base * 10 + i * 3 + k, c["id"], f"#{domain[:5]}-{i}-{k}")
                        for k in range(3)] for i, c in enumerate(customers, start=1)}
    return FakeShop(domain=domain, token=token, customers=customers, orders=orders,
                    delay_seconds=0.002)


def test_two_shops_and_two_customers_never_cross(shopify_server: FakeShopifyServer,
                                                 shopify_settings: SettingsFactory) -> None:
    for base, (domain, token) in enumerate(SHOPS.items(), start=1):
        shopify_server.add_shop(shop(domain, token, base * 100))
    shared_pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="shared-shopify")
    sources = {domain: ShopifyOrderSource(
        ShopifyClient(shopify_settings(shop_domain=domain, access_token=token, max_attempts=1),
                      executor=shared_pool), cache_ttl_seconds=0, orders_page_size=2)
        for domain, token in SHOPS.items()}
    jobs = [(domain, i) for domain in SHOPS for i in (1, 2)] * 10
    failures: list[str] = []

    def read(job: tuple[str, int]) -> None:
        domain, i = job
        source = sources[domain]
        who = source.customer_by_email(f"shopper{i}@{domain}")
        if who is None:
            failures.append(f"{domain} shopper{i} not found")
            return
        names = {o.number for o in source.orders_for_customer(who.id)}
        expected = {f"{domain[:5]}-{i}-{k}" for k in range(3)}
        if names != expected or who.email != f"shopper{i}@{domain}":
            failures.append(f"{domain} shopper{i} got {sorted(names)} as {who.email}")

    threads = [threading.Thread(target=read, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shared_pool.shutdown()

    assert failures == []
    requests = shopify_server.requests
    assert len(requests) == len(jobs) * 3  # one search, two pages of orders
    for request in requests:
        assert request.token == SHOPS[request.shop]
        if request.operation == "CustomerOrders":
            number = int(request.variables["id"].rsplit("/", 1)[1])
            assert number // 100 == list(SHOPS).index(request.shop) + 1
        else:
            assert request.variables["query"].endswith(f'@{request.shop}"')
    assert {r.shop for r in requests} == set(SHOPS)
    assert "X-Shopify-Access-Token" not in shopify.ShopifyResource.get_headers()
