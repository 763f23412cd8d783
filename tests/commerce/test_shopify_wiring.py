"""The Shopify pieces as a merchant reaches them: the app's webhook route and ``doctor``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.app import create_app
from agent.cli import main
from agent.commerce.shopify_webhooks import signature_of
from tests.conftest import RuntimeFactory
from tests.fakes.shopify_data import DEMO_DOMAIN, DEMO_TOKEN
from tests.fakes.shopify_server import FakeShopifyServer

SECRET = "wiring-secret"
ORDER = {"id": 6043, "admin_graphql_api_id": "gid://shopify/Order/6043", "name": "#1043"}


@pytest.fixture
def shop_env(monkeypatch: pytest.MonkeyPatch, demo_server: FakeShopifyServer) -> None:
    for name, value in {"SHOP_DOMAIN": DEMO_DOMAIN, "ACCESS_TOKEN": DEMO_TOKEN,
                        "ADMIN_API_BASE_URL": demo_server.base_url,
                        "WEBHOOK_SECRET": SECRET}.items():
        monkeypatch.setenv(f"CUSTOMER_AGENT_SHOPIFY_{name}", value)


def post(client: TestClient, body: bytes, signature: str, webhook_id: str) -> int:
    return client.post("/webhooks/shopify", content=body, headers={
        "X-Shopify-Topic": "orders/updated", "X-Shopify-Shop-Domain": DEMO_DOMAIN,
        "X-Shopify-Webhook-Id": webhook_id, "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": signature}).status_code


@pytest.mark.usefixtures("shop_env")
def test_the_server_verifies_and_deduplicates_shopify_webhooks(
        make_runtime: RuntimeFactory) -> None:
    client = TestClient(create_app(make_runtime(order_source="shopify")),
                        raise_server_exceptions=False)
    body = json.dumps(ORDER).encode()
    assert post(client, body, signature_of("forged", body), "wh-a") == 401
    assert post(client, body, signature_of(SECRET, body), "wh-a") == 200
    assert post(client, body, signature_of(SECRET, body), "wh-a") == 409


def test_the_demo_server_serves_no_webhook_route(make_runtime: RuntimeFactory) -> None:
    client = TestClient(create_app(make_runtime()), raise_server_exceptions=False)
    body = json.dumps(ORDER).encode()
    assert post(client, body, signature_of(SECRET, body), "wh-b") == 404


@pytest.mark.usefixtures("shop_env")
def test_doctor_reports_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_ORDER_SOURCE", "shopify")
    code = main(["--data-dir", str(tmp_path), "doctor", "--json"])
    findings = {(f["subject"], f["level"]): f["message"]
                for f in json.loads(capsys.readouterr().out)}
    assert code == 0
    assert findings[("connectivity", "ok")] == f'reached {DEMO_DOMAIN} ("Fjord & Fell")'
    assert findings[("API version", "ok")] == "API version 2026-10 is supported"
    assert findings[("access scopes", "ok")] == "every scope the skills need is granted"


def test_doctor_without_a_shop_says_what_to_set(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_ORDER_SOURCE", "shopify")
    code = main(["--data-dir", str(tmp_path), "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "CUSTOMER_AGENT_SHOPIFY_SHOP_DOMAIN" in out
