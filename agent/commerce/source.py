"""The OrderSource protocol, and the customer-scoped view skills are given.

Skills never hold an ``OrderSource``: they get a ``CustomerOrders`` bound to the verified
customer's id, so an order of another customer cannot be reached from a skill by number,
email or name, whatever the message or the model says.
"""

from __future__ import annotations

from typing import Protocol

from agent.commerce.models import Customer, Order, Product


class OrderSourceUnavailable(Exception):
    """The order source could not answer (down, throttled, misconfigured): hand off softly."""


class OrderSource(Protocol):
    """Where customers, orders and products come from (demo store, Shopify, ...)."""

    def customer_by_email(self, email: str) -> Customer | None:
        """The customer whose email on file is ``email`` (case-insensitive)."""
        ...

    def customer_by_phone(self, phone: str) -> Customer | None:
        """The customer whose phone on file is ``phone`` (E.164)."""
        ...

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id."""
        ...

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        """The customer's orders, newest first."""
        ...

    def products(self) -> list[Product]:
        """The catalog."""
        ...


def normalise_order_number(text: str) -> str:
    """``#1042``, `` 1042 `` and ``1042`` all name order ``1042``."""
    return text.strip().lstrip("#").strip()


class CustomerOrders:
    """Read access to one verified customer's orders, and nothing else."""

    def __init__(self, source: OrderSource, customer_id: str) -> None:
        self._source = source
        self.customer_id = customer_id

    def all(self) -> list[Order]:
        """This customer's orders, newest first."""
        return [o for o in self._source.orders_for_customer(self.customer_id)
                if o.customer_id == self.customer_id]

    def by_number(self, number: str) -> Order | None:
        """This customer's order with that number, or None (also when it is someone else's)."""
        wanted = normalise_order_number(number)
        return next((o for o in self.all() if o.number == wanted), None)

    def customer(self) -> Customer | None:
        """The verified customer's own record."""
        return self._source.customer(self.customer_id)
