"""Fixtures for the Shopify tests: the loopback Admin API server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agent.commerce.shopify_settings import ShopifySettings
from tests.conftest import FIXED_NOW
from tests.fakes.shopify_data import DEMO_DOMAIN, DEMO_TOKEN, demo_shop
from tests.fakes.shopify_server import FakeShopifyServer

SettingsFactory = Callable[..., ShopifySettings]
SCENARIO_CHANNELS = frozenset({"webchat", "sms"})
"""The Shopify scenario reruns cover a card channel and a link channel; the renderers are
channel-specific, not source-specific, and run on every channel in tests/scenarios."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the Shopify scenario reruns to ``SCENARIO_CHANNELS``."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        channel = callspec.params.get("channel") if callspec is not None else None
        rerun = item.nodeid.startswith("tests/commerce/test_shopify_scenarios.py")
        (drop if rerun and channel and channel not in SCENARIO_CHANNELS else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def shopify_server() -> Iterator[FakeShopifyServer]:
    """An empty loopback Admin GraphQL server; scripted answers must all be used."""
    with FakeShopifyServer() as server:
        yield server
        assert server.unused_script == [], "scripted answers were left unused"


@pytest.fixture
def demo_server(shopify_server: FakeShopifyServer) -> FakeShopifyServer:
    """The loopback server serving the demo store as a Shopify shop at the fixed clock."""
    shopify_server.add_shop(demo_shop(FIXED_NOW))
    return shopify_server


@pytest.fixture
def shopify_settings(shopify_server: FakeShopifyServer) -> SettingsFactory:
    """Settings for a shop on the loopback server (the demo shop unless told otherwise)."""

    def make(**overrides: Any) -> ShopifySettings:
        values: dict[str, Any] = {"shop_domain": DEMO_DOMAIN, "access_token": DEMO_TOKEN,
                                  "admin_api_base_url": shopify_server.base_url,
                                  "timeout_seconds": 5.0}
        values.update(overrides)
        return ShopifySettings(**values)

    return make
