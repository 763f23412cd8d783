"""Self-service links: each kind, the custom templates as before, and the prerequisites."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.commerce.models import Order
from agent.commerce.shopify_mapping import ShopifyOrder
from agent.config import Settings
from agent.links import (
    LinkKind,
    LinkPurpose,
    LinkSettings,
    custom_template_url,
    describe_links,
    klaviyo_hub_url,
    link_problem,
    self_service_link,
    self_service_url,
    shopify_account_order_url,
)
from skills.base import PrerequisiteEnv

PLACED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SHOPIFY_ORDER = ShopifyOrder(id="gid://shopify/Order/6043", number="1043", customer_id="c",
                             placed_at=PLACED,
                             status_page_url="https://fjord-fell.com/7/orders/abc/authenticate")
DEMO_ORDER = Order(id="demo-order-1043", number="1043", customer_id="c", placed_at=PLACED)
SETTINGS = Settings()


def links(kind: LinkKind, **values: str) -> LinkSettings:
    return LinkSettings(self_service_link=kind, **values)


def test_the_custom_templates_behave_as_before() -> None:
    assert self_service_url(DEMO_ORDER, LinkPurpose.EDIT, SETTINGS, LinkSettings()) == \
        "http://127.0.0.1:8000/account/orders/1043/edit"
    assert self_service_url(DEMO_ORDER, LinkPurpose.RETURNS, SETTINGS, LinkSettings()) == \
        "http://127.0.0.1:8000/returns?order=1043"
    assert custom_template_url("  ", "http://x", "1") is None


@pytest.mark.parametrize(("kind", "values", "order", "url"), [
    (LinkKind.SHOPIFY_CUSTOMER_ACCOUNT,
     {"shopify_customer_account_url": "https://shopify.com/70001/account/"}, SHOPIFY_ORDER,
     "https://shopify.com/70001/account/orders/6043"),
    (LinkKind.SHOPIFY_CUSTOMER_ACCOUNT,
     {"shopify_customer_account_url": "https://account.fjord-fell.com"}, DEMO_ORDER, None),
    (LinkKind.ORDER_STATUS_PAGE, {}, SHOPIFY_ORDER,
     "https://fjord-fell.com/7/orders/abc/authenticate"),
    (LinkKind.ORDER_STATUS_PAGE, {}, DEMO_ORDER, None),
    (LinkKind.KLAVIYO_CUSTOMER_HUB,
     {"klaviyo_customer_hub_url": "https://fjord-fell.com/pages/hub?order={order_number}"},
     SHOPIFY_ORDER, "https://fjord-fell.com/pages/hub?order=1043"),
])
def test_each_kind_links_to_its_page(kind: LinkKind, values: dict[str, str], order: Order,
                                     url: str | None) -> None:
    for purpose in LinkPurpose:
        assert self_service_url(order, purpose, SETTINGS, links(kind, **values)) == url


def test_pure_builders() -> None:
    assert shopify_account_order_url("https://a.example/account", "gid://shopify/Order/9") == \
        "https://a.example/account/orders/9"
    assert shopify_account_order_url("", "gid://shopify/Order/9") is None
    assert klaviyo_hub_url("https://hub.example", "7") == "https://hub.example"


@pytest.mark.parametrize(("kind", "values", "settings", "edit", "returns"), [
    (LinkKind.CUSTOM, {}, Settings(), None, None),
    (LinkKind.CUSTOM, {}, Settings(order_edit_url_template=""),
     "no self-service order page configured", None),
    (LinkKind.CUSTOM, {}, Settings(returns_url_template=""), None, "no returns page configured"),
    (LinkKind.SHOPIFY_CUSTOMER_ACCOUNT, {}, Settings(),
     "Shopify customer account links chosen, but no customer account URL configured",
     "Shopify customer account links chosen, but no customer account URL configured"),
    (LinkKind.ORDER_STATUS_PAGE, {}, Settings(),
     "order status page links need the Shopify order source",
     "order status page links need the Shopify order source"),
    (LinkKind.ORDER_STATUS_PAGE, {}, Settings(order_source="shopify", returns_url_template=""),
     None, None),
    (LinkKind.KLAVIYO_CUSTOMER_HUB, {"klaviyo_customer_hub_url": "https://hub.example"},
     Settings(order_edit_url_template=""), None, None),
])
def test_prerequisites_follow_the_configured_kind(kind: LinkKind, values: dict[str, str],
                                                  settings: Settings, edit: str | None,
                                                  returns: str | None) -> None:
    chosen = links(kind, **values)
    env = PrerequisiteEnv(settings=settings, knowledge=None)  # type: ignore[arg-type]
    assert self_service_link(LinkPurpose.EDIT, chosen).check(env) == edit
    assert self_service_link(LinkPurpose.RETURNS, chosen).check(env) == returns
    assert link_problem(LinkPurpose.EDIT, settings, chosen) == edit


def test_the_kind_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_AGENT_SELF_SERVICE_LINK", "klaviyo_customer_hub")
    monkeypatch.setenv("CUSTOMER_AGENT_KLAVIYO_CUSTOMER_HUB_URL", "https://hub.example/{order_number}")
    assert self_service_url(DEMO_ORDER, LinkPurpose.EDIT, SETTINGS) == "https://hub.example/1043"
    assert describe_links(SETTINGS) == "the Klaviyo Customer Hub"
    env = PrerequisiteEnv(settings=SETTINGS, knowledge=None)  # type: ignore[arg-type]
    assert self_service_link(LinkPurpose.RETURNS).check(env) is None
