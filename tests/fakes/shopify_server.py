"""A loopback Shopify Admin GraphQL server, so tests exercise the real ``ShopifyAPI`` client.

It serves ``POST /{shop}/admin/api/{version}/graphql.json`` (the client's
``admin_api_base_url`` is ``http://127.0.0.1:{port}/{shop}``), checks the
``X-Shopify-Access-Token`` of the shop, answers the operations the order source sends
(``CustomerSearch``, ``CustomerById``, ``CustomerOrders``, ``Products``, ``DoctorProbe``)
from Shopify-shaped data, and adds the ``extensions.cost`` block Shopify sends. Scripted
answers (``THROTTLED``, 429 with ``Retry-After``, 5xx, anything) are served first, in order.
Every request is recorded: shop, version, token, operation and variables.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.loopback import LoopbackHTTPServer

PATH = re.compile(r"^/(?P<shop>[^/]+)/admin/api/(?P<version>[^/]+)/graphql\.json$")
SEARCH_TERM = re.compile(r'^(?P<field>email|phone):"(?P<value>[^"]*)"$')
DEFAULT_SCOPES = ("read_customers", "read_orders", "read_products", "read_inventory",
                  "read_merchant_managed_fulfillment_orders")
DEFAULT_VERSIONS = ({"handle": "2025-10", "supported": True},
                    {"handle": "2026-01", "supported": True},
                    {"handle": "2026-04", "supported": True},
                    {"handle": "2026-07", "supported": True},
                    {"handle": "2026-10", "supported": True},
                    {"handle": "unstable", "supported": False})
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def cost(requested: float = 12, available: float = 1988, rate: float = 100) -> dict[str, Any]:
    """The ``extensions`` block of an Admin GraphQL answer."""
    return {"cost": {"requestedQueryCost": requested,
                     "actualQueryCost": None if requested > available else requested,
                     "throttleStatus": {"maximumAvailable": 2000.0,
                                        "currentlyAvailable": available,
                                        "restoreRate": rate}}}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    shop: str
    version: str
    token: str | None
    operation: str | None
    variables: dict[str, Any]


@dataclass
class Scripted:
    """An answer served before any resolving: a status, a body (dict = JSON), headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    operation: str | None = None
    """Serve this only to that operation (None: to the next request, whatever it is)."""


def throttled(requested: float = 500, available: float = 100,
              rate: float = 100) -> Scripted:
    """Shopify's answer when the bucket cannot pay for the query: 200 with THROTTLED."""
    return Scripted(body={"errors": [{"message": "Throttled",
                                      "extensions": {"code": "THROTTLED"}}],
                          "extensions": cost(requested, available, rate)})


@dataclass
class FakeShop:
    """One shop's data, shaped like Admin GraphQL nodes."""

    domain: str
    token: str
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Customer gid -> that customer's order nodes, newest first."""
    products: list[dict[str, Any]] = field(default_factory=list)
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    name: str = "Fjord & Fell"
    fuzzy_search: bool = False
    """Like the real search, match near misses too (``ann@x`` finds ``joann@x``)."""
    delay_seconds: float = 0.0


class FakeShopifyServer(LoopbackHTTPServer):
    """The loopback server; use as a context manager."""

    def __init__(self) -> None:
        self.shops: dict[str, FakeShop] = {}
        self.versions: list[dict[str, Any]] = [dict(v) for v in DEFAULT_VERSIONS]
        self._script: deque[Scripted] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        super().__init__(_handler(self))

    @property
    def base_url(self) -> str:
        """The ``admin_api_base_url`` pointing the client here."""
        return f"{self.origin}/{{shop}}"

    def add_shop(self, shop: FakeShop) -> FakeShop:
        """Serve ``shop`` under its domain."""
        self.shops[shop.domain] = shop
        return shop

    def script(self, *answers: Scripted) -> None:
        """Queue answers served before the data is consulted."""
        with self._lock:
            self._script.extend(answers)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def unused_script(self) -> list[Scripted]:
        """Scripted answers nobody asked for (a test should leave none)."""
        with self._lock:
            return list(self._script)

    def handle(self, path: str, token: str | None, body: bytes) -> tuple[int, Any, dict[str, str]]:
        """Record a request and produce ``(status, body, headers)``."""
        match = PATH.match(path)
        if match is None:
            return 404, "Not Found", {}
        try:
            request = json.loads(body)
        except ValueError:
            return 400, {"errors": "invalid JSON"}, {}
        operation = request.get("operationName")
        recorded = RecordedRequest(match["shop"], match["version"], token, operation,
                                   dict(request.get("variables") or {}))
        with self._lock:
            self._requests.append(recorded)
            scripted = next((s for s in self._script
                             if s.operation in (None, operation)), None)
            if scripted is not None:
                self._script.remove(scripted)
        if scripted is not None:
            return scripted.status, scripted.body, scripted.headers
        shop = self.shops.get(recorded.shop)
        if shop is None:
            return 404, "Not Found", {}
        if token != shop.token:
            return 401, {"errors": INVALID_TOKEN}, {}
        time.sleep(shop.delay_seconds)
        if f"query {operation}" not in str(request.get("query")):
            return 200, {"errors": [{"message": "operationName does not match the query",
                                     "extensions": {"code": "BAD_REQUEST"}}]}, {}
        return 200, self.resolve(shop, operation, recorded.variables), {}

    def resolve(self, shop: FakeShop, operation: str | None,
                variables: dict[str, Any]) -> dict[str, Any]:
        """Answer one of the known operations from the shop's data."""
        if operation == "CustomerSearch":
            data: dict[str, Any] = {"customers": {"nodes": _search(shop, variables["query"])}}
        elif operation == "CustomerById":
            data = {"customer": _customer(shop, variables["id"])}
        elif operation == "CustomerOrders":
            data = {"customer": _orders_page(shop, variables)}
        elif operation == "Products":
            data = {"products": {"nodes": shop.products[:variables["first"]]}}
        elif operation == "DoctorProbe":
            data = {"shop": {"name": shop.name, "myshopifyDomain": shop.domain},
                    "currentAppInstallation": {
                        "accessScopes": [{"handle": s} for s in shop.scopes]},
                    "publicApiVersions": self.versions}
        else:
            return {"errors": [{"message": f"Unknown operation {operation}",
                                "extensions": {"code": "undefinedField"}}]}
        return {"data": data, "extensions": cost()}


def _customer(shop: FakeShop, customer_id: str) -> dict[str, Any] | None:
    return next((c for c in shop.customers if c["id"] == customer_id), None)


def _contact(customer: dict[str, Any], kind: str) -> str:
    if kind == "email":
        return ((customer.get("defaultEmailAddress") or {}).get("emailAddress") or "").lower()
    return (customer.get("defaultPhoneNumber") or {}).get("phoneNumber") or ""


def _search(shop: FakeShop, query: str) -> list[dict[str, Any]]:
    match = SEARCH_TERM.match(query)
    if match is None:
        return []
    kind, value = match["field"], match["value"].lower()
    if shop.fuzzy_search:
        return [c for c in shop.customers if value[1:] in _contact(c, kind)]
    return [c for c in shop.customers if _contact(c, kind) == value]


def _orders_page(shop: FakeShop, variables: dict[str, Any]) -> dict[str, Any] | None:
    customer = _customer(shop, variables["id"])
    if customer is None:
        return None
    orders = shop.orders.get(customer["id"], [])
    start = int(variables.get("after") or 0)
    end = start + int(variables["first"])
    return {"id": customer["id"], "orders": {
        "pageInfo": {"hasNextPage": end < len(orders), "endCursor": str(end)},
        "nodes": orders[start:end]}}


def _handler(server: FakeShopifyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, body, headers = server.handle(
                self.path, self.headers.get("X-Shopify-Access-Token"), self.rfile.read(length))
            raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the test output stays about the test."""

    return Handler
