"""``customer-agent doctor``: connectivity, API version and access scopes, said in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from agent.commerce.shopify_settings import ShopifySettings
from agent.config import Settings
from agent.doctor import (
    Finding,
    doctor_exit_code,
    findings_json,
    format_findings,
    run_doctor,
    scope_findings,
)
from agent.links import LinkSettings
from tests.fakes.shopify_server import FakeShop, FakeShopifyServer, Scripted

DOMAIN = "fjord-fell.myshopify.com"
TOKEN = "shpat_doctor"
SHOPIFY = Settings(order_source="shopify")


@pytest.fixture
def server() -> Iterator[FakeShopifyServer]:
    with FakeShopifyServer() as fake:
        fake.add_shop(FakeShop(domain=DOMAIN, token=TOKEN))
        yield fake
        assert fake.unused_script == []


def shop_settings(server: FakeShopifyServer, **overrides: Any) -> ShopifySettings:
    values: dict[str, Any] = {"shop_domain": DOMAIN, "access_token": TOKEN,
                              "webhook_secret": "s", "admin_api_base_url": server.base_url,
                              "max_attempts": 1}
    values.update(overrides)
    return ShopifySettings(**values)


def messages(findings: list[Finding], level: str) -> list[str]:
    return [f.message for f in findings if f.level == level]


def test_a_healthy_shop_has_only_good_news(server: FakeShopifyServer) -> None:
    findings = run_doctor(SHOPIFY, shop_settings(server), links=LinkSettings())
    assert messages(findings, "error") == [] and messages(findings, "warning") == []
    assert 'reached fjord-fell.myshopify.com ("Fjord & Fell")' in messages(findings, "ok")
    assert "API version 2026-10 is supported" in messages(findings, "ok")
    assert doctor_exit_code(findings) == 0
    assert [r.operation for r in server.requests] == ["DoctorProbe"]


def test_missing_scopes_are_named_with_what_they_break(server: FakeShopifyServer) -> None:
    server.shops[DOMAIN].scopes = ("read_customers", "write_orders")
    findings = run_doctor(SHOPIFY, shop_settings(server), links=LinkSettings())
    warnings = messages(findings, "warning")
    assert "access scope read_products missing: product questions can't use the catalog" \
        in warnings
    assert any(w.startswith("access scope read_merchant_managed_fulfillment_orders or "
                            "read_assigned_fulfillment_orders or "
                            "read_third_party_fulfillment_orders missing: the agent can't see")
               for w in warnings)
    assert messages(findings, "error") == []
    assert "the agent only reads; it does not need write_orders" in messages(findings, "info")


def test_a_missing_required_scope_is_an_error() -> None:
    findings = scope_findings({"read_orders"})
    errors = [f.message for f in findings if f.level == "error"]
    assert errors == ["access scope read_customers missing: shoppers can't be looked up by "
                      "email or phone, so nobody can be verified and order editing, returns "
                      "and order status all hand off"]
    assert doctor_exit_code(findings) == 1


@pytest.mark.parametrize(("version", "level", "words"), [
    ("2024-01", "error", "API version 2024-01 is not offered by Shopify (supported: 2025-10, "),
    ("unstable", "warning", "API version unstable is not a supported stable version; use 2026-10"),
    ("2026-07", "ok", "API version 2026-07 is supported (newest: 2026-10)"),
])
def test_the_api_version_is_checked_against_shopify(server: FakeShopifyServer, version: str,
                                                    level: str, words: str) -> None:
    findings = run_doctor(SHOPIFY, shop_settings(server, api_version=version),
                          links=LinkSettings())
    assert any(m.startswith(words) for m in messages(findings, level))


def test_an_api_version_too_old_for_the_queries_is_an_error(server: FakeShopifyServer) -> None:
    server.versions.append({"handle": "2025-01", "supported": True})
    findings = run_doctor(SHOPIFY, shop_settings(server, api_version="2025-01"),
                          links=LinkSettings())
    assert ("API version 2025-01 is older than 2025-04: customer emails and phones can't be "
            "read") in messages(findings, "error")


@pytest.mark.parametrize(("overrides", "scripted", "words"), [
    ({"access_token": "shpat_wrong"}, None, "fjord-fell.myshopify.com refused the access token"),
    ({"admin_api_base_url": "http://127.0.0.1:9/{shop}"}, None,
     "can't reach fjord-fell.myshopify.com"),
    ({}, Scripted(status=404, body="Not Found"), "no Admin API at fjord-fell.myshopify.com"),
    ({}, Scripted(status=503, body="down"), "the shop did not answer the check"),
])
def test_connection_failures_are_explained(server: FakeShopifyServer, overrides: dict[str, Any],
                                           scripted: Scripted | None, words: str) -> None:
    if scripted is not None:
        server.script(scripted)
    findings = run_doctor(SHOPIFY, shop_settings(server, **overrides), links=LinkSettings())
    assert any(m.startswith(words) for m in messages(findings, "error"))
    assert doctor_exit_code(findings) == 1


def test_configuration_gaps_are_named_without_calling_shopify(server: FakeShopifyServer) -> None:
    findings = run_doctor(SHOPIFY, ShopifySettings(shop_domain="", access_token=""),
                          links=LinkSettings(self_service_link="shopify_customer_account"))
    assert messages(findings, "error") == [
        "Shopify is not configured: set CUSTOMER_AGENT_SHOPIFY_SHOP_DOMAIN, "
        "CUSTOMER_AGENT_SHOPIFY_ACCESS_TOKEN"]
    assert messages(findings, "warning") == [
        "Shopify customer account links chosen, but no customer account URL configured: the "
        "skills that link there are Unavailable"]
    assert server.requests == []
    demo = run_doctor(Settings(), ShopifySettings(shop_domain="", access_token=""),
                      links=LinkSettings())
    assert doctor_exit_code(demo) == 0


def test_a_missing_webhook_secret_is_a_warning(server: FakeShopifyServer) -> None:
    findings = run_doctor(SHOPIFY, shop_settings(server, webhook_secret=""),
                          links=LinkSettings())
    assert any("webhooks are refused" in w for w in messages(findings, "warning"))


def test_findings_print_worst_first_and_as_json() -> None:
    findings = [Finding("ok", "connectivity", "reached x"),
                Finding("error", "access scopes", "access scope read_orders missing: ...")]
    assert format_findings(findings).splitlines() == [
        "✗ access scopes: access scope read_orders missing: ...",
        "✓ connectivity: reached x"]
    assert findings_json(findings)[0] == {"level": "ok", "subject": "connectivity",
                                          "message": "reached x"}
