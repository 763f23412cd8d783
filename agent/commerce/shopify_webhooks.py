"""``POST /webhooks/shopify``: verified, de-duplicated webhooks that refresh cached orders.

Handled topics: ``orders/updated``, ``orders/cancelled``, ``fulfillments/create`` and
``fulfillments/update``. A delivery is accepted only when ``X-Shopify-Hmac-Sha256`` is the
base64 HMAC-SHA256 of the raw body under the app's secret (401 otherwise), it names this
shop (403), and its ``X-Shopify-Webhook-Id`` was never processed before (409): the ids
live in the conversation database, so a replay is refused across restarts and workers.
The id is recorded in the same transaction as the cache refresh, so a delivery that fails
half-way is not marked done and Shopify's retry is processed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Column, DateTime, MetaData, String, Table, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from agent.commerce.shopify import ShopifyOrderSource
from agent.commerce.shopify_settings import ShopifySettings

if TYPE_CHECKING:
    from agent.runtime import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/shopify"
TOPICS = frozenset({"orders/updated", "orders/cancelled", "fulfillments/create",
                    "fulfillments/update"})
MAX_WEBHOOK_ID = 128

webhook_metadata = MetaData()
deliveries = Table(
    "shopify_webhook_deliveries", webhook_metadata,
    Column("webhook_id", String(MAX_WEBHOOK_ID), primary_key=True),
    Column("shop_domain", String(255), nullable=False),
    Column("topic", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


class OrderCache(Protocol):
    """What a webhook refreshes: cached data of one order (and its customer)."""

    def invalidate_order(self, order_id: str, customer_id: str | None = None) -> None:
        """Forget the cached order so the next read asks Shopify."""
        ...


def signature_of(secret: str, body: bytes) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify sends for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is this body's HMAC under ``secret`` (constant-time compare)."""
    if not secret or not signature:
        return False
    return hmac.compare_digest(signature_of(secret, body).encode(), signature.strip().encode())


def _gid(kind: str, value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("gid://shopify/"):
        return value
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return f"gid://shopify/{kind}/{value}"
    return None


def order_reference(topic: str, payload: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(order gid, customer gid or None)`` named by a webhook payload."""
    if topic.startswith("fulfillments/"):
        return _gid("Order", payload.get("order_id")), None
    raw_customer = payload.get("customer")
    customer: dict[str, Any] = raw_customer if isinstance(raw_customer, dict) else {}
    order = _gid("Order", payload.get("admin_graphql_api_id")) or _gid("Order", payload.get("id"))
    person = (_gid("Customer", customer.get("admin_graphql_api_id"))
              or _gid("Customer", customer.get("id")))
    return order, person


def _answer(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})


def shopify_webhook_router(*, secret: str, shop_domain: str, engine: Engine,
                           cache: OrderCache | None,
                           now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> APIRouter:
    """The router serving ``POST /webhooks/shopify`` for one shop."""
    webhook_metadata.create_all(engine)
    router = APIRouter()

    def record_and_refresh(webhook_id: str, topic: str, order_id: str,
                           customer_id: str | None) -> bool:
        """Record the delivery and refresh the cache in one transaction; False if seen."""
        try:
            with engine.begin() as connection:
                connection.execute(insert(deliveries).values(
                    webhook_id=webhook_id, shop_domain=shop_domain, topic=topic,
                    received_at=now()))
                if cache is not None:
                    cache.invalidate_order(order_id, customer_id)
        except IntegrityError:
            return False
        return True

    @router.post(WEBHOOK_PATH)
    async def receive_shopify_webhook(request: Request) -> JSONResponse:
        body = await request.body()
        if not verify_signature(secret, body, request.headers.get("X-Shopify-Hmac-Sha256")):
            return _answer(401, "invalid webhook signature")
        webhook_id = (request.headers.get("X-Shopify-Webhook-Id") or "").strip()
        topic = (request.headers.get("X-Shopify-Topic") or "").strip()
        if not webhook_id or len(webhook_id) > MAX_WEBHOOK_ID:
            return _answer(400, "missing or over-long X-Shopify-Webhook-Id")
        if (request.headers.get("X-Shopify-Shop-Domain") or "").strip().lower() != shop_domain:
            return _answer(403, "webhook for another shop")
        if topic not in TOPICS:
            return _answer(400, f"unsupported topic {topic or '(none)'}")
        try:
            payload = json.loads(body)
        except ValueError:
            return _answer(400, "body is not JSON")
        order_id, customer_id = (order_reference(topic, payload) if isinstance(payload, dict)
                                 else (None, None))
        if order_id is None:
            return _answer(400, "payload names no order")
        fresh = await run_in_threadpool(record_and_refresh, webhook_id, topic, order_id,
                                        customer_id)
        if not fresh:
            return _answer(409, f"webhook {webhook_id} already processed")
        log.info("Shopify webhook %s (%s) refreshed %s", webhook_id, topic, order_id)
        return JSONResponse(status_code=200, content={"status": "processed", "topic": topic})

    return router


def webhook_router_for(runtime: Runtime) -> APIRouter | None:
    """The webhook router of a runtime on the Shopify source; None when it has no use.

    Without a webhook secret nothing can be verified, so no route is served (``doctor``
    says so); cached orders then refresh only when their cache entry expires.
    """
    if runtime.settings.order_source != "shopify":
        return None
    source = runtime.services.source
    cache = source if isinstance(source, ShopifyOrderSource) else None
    settings = cache.client.settings if cache is not None else ShopifySettings()
    secret = settings.webhook_secret.get_secret_value()
    if not secret:
        log.warning("Shopify webhooks are off: CUSTOMER_AGENT_SHOPIFY_WEBHOOK_SECRET is not set")
        return None
    return shopify_webhook_router(secret=secret, shop_domain=settings.myshopify_domain,
                                  engine=runtime.services.store.engine, cache=cache)
