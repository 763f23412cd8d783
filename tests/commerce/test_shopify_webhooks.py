"""Shopify webhooks over HTTP: signature, shop, topic, de-duplication in the database, refresh."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_webhooks import (
    deliveries,
    shopify_webhook_router,
    signature_of,
    webhook_router_for,
)
from agent.config import Settings
from agent.db import make_engine
from tests.commerce.conftest import SettingsFactory
from tests.fakes.shopify_data import DEMO_DOMAIN, customer_gid
from tests.fakes.shopify_server import FakeShopifyServer

SECRET = "app-client-secret"
ORDER = {"id": 6043, "admin_graphql_api_id": "gid://shopify/Order/6043", "name": "#1043",
         "customer": {"id": 7001, "email": "astrid.nielsen@example.com"}}


class RecordingCache:
    """Remembers what the webhooks asked to refresh; can be told to fail once."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []
        self.fail_next = False

    def invalidate_order(self, order_id: str, customer_id: str | None = None) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("cache unavailable")
        self.calls.append((order_id, customer_id))


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return make_engine(f"sqlite:///{tmp_path / 'webhooks.sqlite'}")


def app_for(engine: Engine, cache: Any) -> TestClient:
    app = FastAPI()
    app.include_router(shopify_webhook_router(secret=SECRET, shop_domain=DEMO_DOMAIN,
                                              engine=engine, cache=cache))
    return TestClient(app, raise_server_exceptions=False)


def deliver(client: TestClient, payload: Any, *, webhook_id: str = "wh-1",
            topic: str = "orders/updated", shop: str = DEMO_DOMAIN,
            signature: str | None = None, body: bytes | None = None) -> Any:
    raw = json.dumps(payload).encode() if body is None else body
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": shop,
               "X-Shopify-Webhook-Id": webhook_id, "Content-Type": "application/json",
               "X-Shopify-Hmac-Sha256": signature_of(SECRET, raw) if signature is None
               else signature}
    return client.post("/webhooks/shopify", content=raw, headers=headers)


def recorded(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(deliveries)).scalar_one())


def test_a_signed_delivery_refreshes_the_order_and_its_customer(engine: Engine) -> None:
    cache = RecordingCache()
    answer = deliver(app_for(engine, cache), ORDER)
    assert answer.status_code == 200 and answer.json()["status"] == "processed"
    assert cache.calls == [("gid://shopify/Order/6043", "gid://shopify/Customer/7001")]
    assert "astrid" not in answer.text


@pytest.mark.parametrize("topic", ["fulfillments/create", "fulfillments/update"])
def test_fulfillment_deliveries_refresh_their_order(engine: Engine, topic: str) -> None:
    cache = RecordingCache()
    payload = {"id": 99, "order_id": 6043, "status": "success", "tracking_number": "0037"}
    assert deliver(app_for(engine, cache), payload, topic=topic).status_code == 200
    assert cache.calls == [("gid://shopify/Order/6043", None)]


def test_a_replayed_delivery_is_refused_even_by_another_worker(engine: Engine) -> None:
    cache = RecordingCache()
    assert deliver(app_for(engine, cache), ORDER).status_code == 200
    replay = deliver(app_for(engine, cache), ORDER, topic="orders/cancelled")
    assert replay.status_code == 409
    assert replay.json() == {"error": "webhook wh-1 already processed"}
    assert len(cache.calls) == 1 and recorded(engine) == 1


@pytest.mark.parametrize("signature", ["", "bm90IHRoZSBzaWduYXR1cmU=",
                                       signature_of("another-secret", json.dumps(ORDER).encode())])
def test_forged_deliveries_are_refused(engine: Engine, signature: str) -> None:
    cache = RecordingCache()
    answer = deliver(app_for(engine, cache), ORDER, signature=signature)
    assert answer.status_code == 401 and answer.json() == {"error": "invalid webhook signature"}
    assert cache.calls == [] and recorded(engine) == 0


def test_a_body_changed_after_signing_is_refused(engine: Engine) -> None:
    signed = json.dumps(ORDER).encode()
    tampered = signed.replace(b"6043", b"6044")
    answer = deliver(app_for(engine, RecordingCache()), None, body=tampered,
                     signature=signature_of(SECRET, signed))
    assert answer.status_code == 401


@pytest.mark.parametrize(("overrides", "status", "error"), [
    ({"shop": "other-shop.myshopify.com"}, 403, "webhook for another shop"),
    ({"topic": "products/update"}, 400, "unsupported topic products/update"),
    ({"webhook_id": ""}, 400, "missing or over-long X-Shopify-Webhook-Id"),
    ({"webhook_id": "x" * 129}, 400, "missing or over-long X-Shopify-Webhook-Id"),
    ({"body": b"not json"}, 400, "body is not JSON"),
    ({"body": b'{"note": "no order here"}'}, 400, "payload names no order"),
])
def test_deliveries_that_cannot_be_handled_say_why(engine: Engine, overrides: dict[str, Any],
                                                   status: int, error: str) -> None:
    cache = RecordingCache()
    answer = deliver(app_for(engine, cache), ORDER, **overrides)
    assert (answer.status_code, answer.json()) == (status, {"error": error})
    assert cache.calls == [] and recorded(engine) == 0


def test_a_delivery_that_fails_half_way_is_not_marked_done(engine: Engine) -> None:
    cache = RecordingCache()
    cache.fail_next = True
    client = app_for(engine, cache)
    assert deliver(client, ORDER).status_code == 500
    assert recorded(engine) == 0
    assert deliver(client, ORDER).status_code == 200
    assert len(cache.calls) == 1


def test_a_webhook_makes_the_next_read_ask_shopify_again(
        engine: Engine, demo_server: FakeShopifyServer,
        shopify_settings: SettingsFactory) -> None:
    source = ShopifyOrderSource(ShopifyClient(shopify_settings()), orders_page_size=50)
    astrid = customer_gid("demo-customer-1")
    newest = source.orders_for_customer(astrid)[0]
    source.orders_for_customer(astrid)
    assert len(demo_server.requests) == 1
    payload = {"id": int(newest.id.rsplit("/", 1)[1]), "order_id": None}
    assert deliver(app_for(engine, source), payload, topic="orders/cancelled").status_code == 200
    source.orders_for_customer(astrid)
    assert len(demo_server.requests) == 2
    source.close()


def test_the_router_is_served_only_for_a_shopify_source_with_a_secret(
        engine: Engine, shopify_settings: SettingsFactory) -> None:
    def runtime(order_source: str, source: Any) -> Any:
        return SimpleNamespace(settings=Settings(order_source=order_source),
                               services=SimpleNamespace(source=source,
                                                        store=SimpleNamespace(engine=engine)))

    with_secret = ShopifyOrderSource(ShopifyClient(shopify_settings(webhook_secret=SECRET)))
    without = ShopifyOrderSource(ShopifyClient(shopify_settings()))
    assert webhook_router_for(runtime("demo", None)) is None
    assert webhook_router_for(runtime("shopify", without)) is None
    router = webhook_router_for(runtime("shopify", with_secret))
    assert router is not None and [r.path for r in router.routes] == ["/webhooks/shopify"]
