"""The demo storefront: its pages, the widget's files, the catalog it shows, its contact form.

``/`` lists the demo store's products (``/products/{id}`` shows one; it is also where
product links in replies point), with add-to-cart, and embeds the widget with
``<script src="/widget.js" data-...>``. The pages are static HTML built into DOM by
``storefront.js`` from ``/store/products``; they are served with a Content-Security-Policy
that allows only this origin. The contact form posts into the same conversations as an
email-channel conversation whose reply leaves through the outbound queue.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from agent.commerce.models import Product
from agent.runtime import Runtime
from agent.turns import DuplicateInFlight, InboundMessage, MessageText
from channels.webchat_cart import CURRENCY
from channels.webchat_history import CLIENT_MESSAGE_ID_PATTERN
from channels.webchat_http import EmailAddress, Utf8Route
from skills.parts import Channel

STATIC = Path(__file__).parent / "static"
STOREFRONT_PAGE = STATIC / "store" / "index.html"
ASSETS: dict[str, tuple[Path, str]] = {
    "/widget.js": (STATIC / "webchat" / "widget.js", "text/javascript; charset=utf-8"),
    "/widget-view.js": (STATIC / "webchat" / "widget-view.js", "text/javascript; charset=utf-8"),
    "/widget-messages.js": (STATIC / "webchat" / "widget-messages.js",
                            "text/javascript; charset=utf-8"),
    "/widget.css": (STATIC / "webchat" / "widget.css", "text/css; charset=utf-8"),
    "/store/storefront.js": (STATIC / "store" / "storefront.js",
                             "text/javascript; charset=utf-8"),
    "/store/storefront.css": (STATIC / "store" / "storefront.css", "text/css; charset=utf-8"),
    "/store/favicon.svg": (STATIC / "store" / "favicon.svg", "image/svg+xml"),
}
PAGE_POLICY = ("default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'self'")


class ContactForm(BaseModel):
    """The storefront's contact form."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    email: EmailAddress
    message: MessageText
    form_id: str | None = Field(default=None, pattern=CLIENT_MESSAGE_ID_PATTERN)


def catalog_entry(product: Product) -> dict[str, Any]:
    """A product as the storefront shows it (prices as decimal strings)."""
    return {"id": product.id, "title": product.title, "product_type": product.product_type,
            "description": product.description, "material": product.material,
            "variants": [{"id": v.id, "title": v.title, "price": f"{v.price:.2f}",
                          "in_stock": v.inventory > 0} for v in product.variants]}


def contact_conversation_id(form_id: str) -> str:
    """The email-channel conversation a contact-form submission starts (stable per form)."""
    return f"email:form-{hashlib.sha256(form_id.encode()).hexdigest()[:24]}"


def submit_contact(runtime: Runtime, form: ContactForm) -> str:
    """Take the form as an email turn from its sender (call in a thread); the conversation id.

    The same ``form_id`` submitted twice is one message with one reply.
    """
    form_id = form.form_id or uuid.uuid4().hex
    conversation_id = contact_conversation_id(form_id)
    store, now = runtime.services.store, runtime.services.clock.now()
    email = form.email.strip()
    store.ensure_conversation(conversation_id, Channel.EMAIL.value, now)
    store.update_conversation(conversation_id, now, contact_email=email,
                              visitor={"name": form.name.strip(), "source": "contact_form"})
    runtime.turns.handle(InboundMessage(
        conversation_id=conversation_id, channel=Channel.EMAIL, text=form.message,
        claimed_email=email, sender=email, client_message_id=form_id))
    return conversation_id


def static_file(file: Path, media_type: str) -> Callable[[], FileResponse]:
    """A route handler that serves one file of the package."""
    def serve() -> FileResponse:
        return FileResponse(file, media_type=media_type, headers={"Cache-Control": "no-cache"})
    return serve


def store_router(runtime: Runtime) -> APIRouter:
    """The storefront's pages, assets, catalog and contact form."""
    router = APIRouter(tags=["storefront"], route_class=Utf8Route)

    def page() -> FileResponse:
        return FileResponse(STOREFRONT_PAGE, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": PAGE_POLICY,
                                     "Cache-Control": "no-cache"})

    @router.get("/", include_in_schema=False)
    def storefront() -> FileResponse:
        return page()

    @router.get("/products/{product_id}", include_in_schema=False)
    def product_page(product_id: str) -> FileResponse:
        if not any(p.id == product_id for p in runtime.services.source.products()):
            raise HTTPException(status_code=404, detail=f"no product {product_id}")
        return page()

    for path, (file, media_type) in ASSETS.items():
        router.add_api_route(path, static_file(file, media_type), methods=["GET"],
                             include_in_schema=False)

    @router.get("/store/products")
    def products() -> dict[str, Any]:
        return {"store_name": runtime.settings.store_name, "currency": CURRENCY,
                "products": [catalog_entry(p) for p in runtime.services.source.products()]}

    @router.post("/store/contact", status_code=202)
    async def contact(form: ContactForm) -> dict[str, Any]:
        try:
            conversation_id = await asyncio.to_thread(submit_contact, runtime, form)
        except DuplicateInFlight as busy:
            raise HTTPException(status_code=409, detail=str(busy)) from None
        return {"conversation_id": conversation_id, "status": "received"}

    return router
