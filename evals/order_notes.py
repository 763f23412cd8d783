"""The demo store with a case's order note put in, for indirect prompt injection cases.

A red-team case can set ``customer.order_note``: the note of its order (``{order}``) in
the store the agent reads is replaced by that text, so an instruction hidden in an order
note really is in the data a skill, and a model, could see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from agent.commerce.demo import DemoStore
from agent.commerce.models import Order


class NotedDemoStore(DemoStore):
    """``DemoStore`` whose orders named in ``notes`` (number -> text) carry that note."""

    def __init__(self, anchor: datetime, notes: Mapping[str, str]) -> None:
        super().__init__(anchor)
        self._notes = dict(notes)

    def _noted(self, order: Order) -> Order:
        note = self._notes.get(order.number)
        return order if note is None else order.model_copy(update={"note": note})

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        """The customer's orders, newest first, with the notes put in."""
        return [self._noted(o) for o in super().orders_for_customer(customer_id)]

    def orders(self) -> list[Order]:
        """Every order, newest first, with the notes put in."""
        return [self._noted(o) for o in super().orders()]
