"""The order-editing, returns and order-status scenarios, rerun on the Shopify source.

The scenario tests are imported unchanged; the ``runtime`` and ``make_runtime`` fixtures
below override the embedded ones so every runtime reads the demo store's customers and
orders through the real ShopifyAPI client from the loopback Admin API server. One runtime
serves the module (building one takes seconds); every shopper has its own conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_settings import ShopifySettings
from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from knowledge_base.embedder import Embedder
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.fakes.shopify_data import DEMO_DOMAIN, DEMO_TOKEN, demo_shop
from tests.fakes.shopify_server import FakeShopifyServer
from tests.scenarios.test_order_editing import (
    test_a_single_order_is_used_without_asking,
    test_an_order_number_not_on_the_account_is_not_found,
    test_anonymous_shopper_gives_email_then_code,
    test_cancellation_follows_the_cancellation_policy,
    test_closed_edit_window_is_explained_and_cited,
    test_editable_order_links_to_the_self_service_page,
    test_excluded_items_are_explained_per_item,
    test_partially_fulfilled_names_both_sides_and_redirects_shipped_items,
    test_several_open_orders_ask_which_then_continue,
    test_shipped_order_redirects_to_returns,
    test_unverified_shopper_verifies_and_the_request_continues,
    test_without_self_service_page_the_skill_is_unavailable_and_hands_off,
)
from tests.scenarios.test_other_skills import (
    test_order_status_needs_verification_first,
    test_order_status_shows_tracking_per_item,
    test_returns_lists_eligible_and_ineligible_items,
)

__all__ = [
    "test_a_single_order_is_used_without_asking",
    "test_an_order_number_not_on_the_account_is_not_found",
    "test_anonymous_shopper_gives_email_then_code",
    "test_cancellation_follows_the_cancellation_policy",
    "test_closed_edit_window_is_explained_and_cited",
    "test_editable_order_links_to_the_self_service_page",
    "test_excluded_items_are_explained_per_item",
    "test_order_status_needs_verification_first",
    "test_order_status_shows_tracking_per_item",
    "test_partially_fulfilled_names_both_sides_and_redirects_shipped_items",
    "test_returns_lists_eligible_and_ineligible_items",
    "test_several_open_orders_ask_which_then_continue",
    "test_shipped_order_redirects_to_returns",
    "test_unverified_shopper_verifies_and_the_request_continues",
    "test_without_self_service_page_the_skill_is_unavailable_and_hands_off",
]


@pytest.fixture(scope="module")
def scenario_server() -> Iterator[FakeShopifyServer]:
    """The demo store as a shop on a loopback Admin API server, for the whole module."""
    with FakeShopifyServer() as server:
        server.add_shop(demo_shop(FIXED_NOW))
        yield server
        assert {r.operation for r in server.requests} <= {
            "CustomerSearch", "CustomerById", "CustomerOrders", "Products"}
        assert "CustomerOrders" in {r.operation for r in server.requests}


def build(embedder: Embedder, demo_chroma: Path, data_dir: Path, server: FakeShopifyServer,
          **overrides: Any) -> tuple[Runtime, ShopifyOrderSource]:
    """A runtime on the fixed clock whose order source is the shop on ``server``."""
    values: dict[str, Any] = {"data_dir": data_dir, "chroma_dir": demo_chroma,
                              "now": FIXED_NOW, "secret_key": "test-secret",
                              "order_source": "shopify"}
    values.update(overrides)
    shop = ShopifySettings(shop_domain=DEMO_DOMAIN, access_token=DEMO_TOKEN,
                           admin_api_base_url=server.base_url)
    source = ShopifyOrderSource(ShopifyClient(shop), orders_page_size=5)
    return build_runtime(Settings(**values), embedder=embedder, source=source), source


@pytest.fixture(scope="module")
def runtime(embedder: Embedder, demo_chroma: Path, tmp_path_factory: pytest.TempPathFactory,
            scenario_server: FakeShopifyServer) -> Iterator[Runtime]:
    """One runtime on the Shopify source for the module (each shopper has its own thread)."""
    runtime, source = build(embedder, demo_chroma, tmp_path_factory.mktemp("shopify-data"),
                            scenario_server)
    yield runtime
    runtime.close()
    source.close()


@pytest.fixture
def make_runtime(embedder: Embedder, demo_chroma: Path, tmp_path: Path,
                 scenario_server: FakeShopifyServer) -> Iterator[RuntimeFactory]:
    """Runtimes with overridden settings on the Shopify source, one per call."""
    built: list[tuple[Runtime, ShopifyOrderSource]] = []

    def factory(**overrides: Any) -> Runtime:
        pair = build(embedder, demo_chroma, tmp_path / f"data{len(built)}", scenario_server,
                     **overrides)
        built.append(pair)
        return pair[0]

    yield factory
    for runtime, source in built:
        runtime.close()
        source.close()
