"""Choose where orders come from: the demo store, or a connected shop."""

from __future__ import annotations

from agent.clock import Clock
from agent.commerce.demo import DemoStore
from agent.commerce.source import OrderSource
from agent.config import Settings


def make_order_source(settings: Settings, clock: Clock) -> OrderSource:
    """The order source named by ``settings.order_source``: the demo store or Shopify.

    Shopify is configured from ``CUSTOMER_AGENT_SHOPIFY_*`` (see ``ShopifySettings``);
    a missing shop domain or token raises ``ShopifyConfigError`` naming what to set.
    """
    if settings.order_source == "shopify":
        from agent.commerce.shopify import ShopifyOrderSource
        from agent.commerce.shopify_settings import ShopifySettings

        return ShopifyOrderSource.from_settings(ShopifySettings())
    return DemoStore(anchor=clock.now())
