"""The Shopify order source: customers, orders and products from the Admin GraphQL API.

``ShopifyOrderSource`` implements ``OrderSource``. Customer lookups search by email or
phone and then keep only an exact match (the search is fuzzy; a near miss must never
verify someone else). Orders are read through ``customer(id:) { orders }`` only, so the
query itself is scoped to one customer, and every order is checked to belong to that
customer before it is returned. A customer's orders are cached for ``cache_ttl_seconds``;
the webhooks call ``invalidate_order`` so a change in the shop is seen on the next read.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from agent.commerce.demo import normalise_email, normalise_phone
from agent.commerce.models import Customer, Order, Product
from agent.commerce.shopify_client import ShopifyClient
from agent.commerce.shopify_errors import ShopifyResponseError
from agent.commerce.shopify_mapping import map_customer, map_order, map_product, nodes
from agent.commerce.shopify_queries import (
    CUSTOMER_BY_ID,
    CUSTOMER_BY_ID_QUERY,
    CUSTOMER_ORDERS,
    CUSTOMER_ORDERS_QUERY,
    CUSTOMER_SEARCH,
    CUSTOMER_SEARCH_QUERY,
    PRODUCTS,
    PRODUCTS_QUERY,
)
from agent.commerce.shopify_settings import ShopifySettings

log = logging.getLogger(__name__)

CUSTOMER_GID = re.compile(r"^gid://shopify/Customer/\d+$")
_SEARCHABLE_EMAIL = re.compile(r"^[^\s\"'\\():@]+@[^\s\"'\\():@]+\.[^\s\"'\\():@]+$")
PRODUCTS_PAGE = 50


class ShopifyOrderSource:
    """An ``OrderSource`` over one shop, with a small cache invalidated per order."""

    def __init__(self, client: ShopifyClient, *, cache_ttl_seconds: float = 300.0,
                 orders_page_size: int = 5, max_order_pages: int = 4,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._ttl = cache_ttl_seconds
        self._page_size = orders_page_size
        self._max_pages = max_order_pages
        self._now = monotonic
        self._lock = threading.Lock()
        self._orders: dict[str, tuple[float, list[Order]]] = {}
        self._customers: dict[str, tuple[float, Customer | None]] = {}
        self._products: tuple[float, list[Product]] | None = None
        self._owner: dict[str, str] = {}
        self._generation = 0

    @classmethod
    def from_settings(cls, settings: ShopifySettings) -> ShopifyOrderSource:
        """A source with its own client, configured from ``settings``."""
        return cls(ShopifyClient(settings), cache_ttl_seconds=settings.cache_ttl_seconds,
                   orders_page_size=settings.orders_page_size,
                   max_order_pages=settings.max_order_pages)

    def close(self) -> None:
        """Stop the client's worker threads."""
        self.client.close()

    def customer_by_email(self, email: str) -> Customer | None:
        """The customer whose email on file is exactly ``email`` (case-insensitive)."""
        wanted = normalise_email(email)
        if not _SEARCHABLE_EMAIL.match(wanted):
            return None
        found = self._search(f'email:"{wanted}"')
        return self._only([c for c in found if normalise_email(c.email) == wanted])

    def customer_by_phone(self, phone: str) -> Customer | None:
        """The customer whose phone on file is ``phone`` (E.164; separators tolerated)."""
        wanted = normalise_phone(phone)
        if wanted is None:
            return None
        found = self._search(f'phone:"{wanted}"')
        return self._only([c for c in found if c.phone and normalise_phone(c.phone) == wanted])

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id (a ``gid://shopify/Customer/...``)."""
        if not CUSTOMER_GID.match(customer_id):
            return None
        with self._lock:
            cached = self._customers.get(customer_id)
            if cached is not None and cached[0] > self._now():
                return cached[1]
        data = self.client.execute(CUSTOMER_BY_ID, CUSTOMER_BY_ID_QUERY, {"id": customer_id})
        node = data.get("customer")
        customer = self._mapped(map_customer, node) if isinstance(node, dict) else None
        if customer is not None and customer.id != customer_id:
            return None
        self._remember(customer_id, customer)
        return customer

    def orders_for_customer(self, customer_id: str) -> list[Order]:
        """The customer's newest orders, newest first, read through ``customer(id:)``."""
        if not CUSTOMER_GID.match(customer_id):
            return []
        with self._lock:
            cached = self._orders.get(customer_id)
            if cached is not None and cached[0] > self._now():
                return list(cached[1])
            generation = self._generation
        orders = self._fetch_orders(customer_id)
        with self._lock:
            if generation == self._generation:
                self._orders[customer_id] = (self._now() + self._ttl, orders)
                self._owner.update({o.id: customer_id for o in orders})
        return list(orders)

    def products(self) -> list[Product]:
        """The catalog's first products (by title), cached like orders."""
        with self._lock:
            if self._products is not None and self._products[0] > self._now():
                return list(self._products[1])
        data = self.client.execute(PRODUCTS, PRODUCTS_QUERY, {"first": PRODUCTS_PAGE})
        products = [self._mapped(map_product, n) for n in nodes(data.get("products"))]
        with self._lock:
            self._products = (self._now() + self._ttl, products)
        return list(products)

    def invalidate_order(self, order_id: str, customer_id: str | None = None) -> None:
        """Forget cached data of the order's customer, so the next read asks Shopify."""
        with self._lock:
            self._generation += 1
            owners = {customer_id, self._owner.pop(order_id, None)} - {None}
            for owner in owners:
                assert owner is not None
                self._drop(owner)

    def invalidate_customer(self, customer_id: str) -> None:
        """Forget everything cached about one customer."""
        with self._lock:
            self._generation += 1
            self._drop(customer_id)

    def _drop(self, customer_id: str) -> None:
        dropped = self._orders.pop(customer_id, None)
        self._customers.pop(customer_id, None)
        for order in dropped[1] if dropped else []:
            self._owner.pop(order.id, None)

    def _fetch_orders(self, customer_id: str) -> list[Order]:
        orders: list[Order] = []
        after: str | None = None
        for _ in range(self._max_pages):
            data = self.client.execute(CUSTOMER_ORDERS, CUSTOMER_ORDERS_QUERY,
                                       {"id": customer_id, "first": self._page_size,
                                        "after": after})
            customer = data.get("customer")
            if not isinstance(customer, dict):
                return []
            connection = customer.get("orders") or {}
            for node in nodes(connection):
                order = self._mapped(map_order, node)
                owner = order.customer_id or customer_id
                if owner != customer_id:
                    log.warning("Shopify returned an order of another customer; dropped")
                    continue
                orders.append(order.model_copy(update={"customer_id": customer_id}))
            page = connection.get("pageInfo") or {}
            after = page.get("endCursor")
            if not page.get("hasNextPage") or not after:
                break
        return sorted(orders, key=lambda o: o.placed_at, reverse=True)

    def _search(self, query: str) -> list[Customer]:
        data = self.client.execute(CUSTOMER_SEARCH, CUSTOMER_SEARCH_QUERY, {"query": query})
        return [self._mapped(map_customer, n) for n in nodes(data.get("customers"))]

    def _only(self, matches: list[Customer]) -> Customer | None:
        """The single exact match; none, or several (never guess), is None."""
        if len(matches) != 1:
            return None
        self._remember(matches[0].id, matches[0])
        return matches[0]

    def _remember(self, customer_id: str, customer: Customer | None) -> None:
        with self._lock:
            self._customers[customer_id] = (self._now() + self._ttl, customer)

    @staticmethod
    def _mapped(mapper: Callable[[dict[str, Any]], Any], node: dict[str, Any]) -> Any:
        """Map one node; a node missing required fields is a response error, not a crash."""
        try:
            return mapper(node)
        except (KeyError, TypeError, ValueError) as exc:
            raise ShopifyResponseError(
                f"Shopify answered an unexpected shape ({type(exc).__name__})") from None
