"""Choose where orders come from: the demo store, or a connected shop."""

from __future__ import annotations

from agent.clock import Clock
from agent.commerce.demo import DemoStore
from agent.commerce.source import OrderSource
from agent.config import Settings


def make_order_source(settings: Settings, clock: Clock) -> OrderSource:
    """The order source named by ``settings.order_source`` (``demo`` so far)."""
    return DemoStore(anchor=clock.now())
