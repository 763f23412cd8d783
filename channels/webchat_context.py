"""What the team sees around a webchat conversation: pages viewed, browser and OS, the cart.

The widget reports each page view (the server reads browser and OS from the request's
User-Agent); the storefront's add/remove-to-cart and the discount chip change the cart
kept on the conversation. Each change and its event are stored in one transaction,
under a lock so two quick clicks cannot lose one another's line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from agent.runtime import Runtime
from channels.webchat_cart import (
    MAX_QUANTITY,
    CartError,
    NotFound,
    add_item,
    apply_discount,
    cart_event_detail,
    empty_cart,
    find_variant,
    remove_item,
)
from channels.webchat_history import UnknownConversation, webchat_conversation
from channels.webchat_http import PREFIX, ConversationId, Utf8Route, not_found
from channels.webchat_visitor import with_page_view
from skills.discounts import shareable_codes

WebUrl = Annotated[str, Field(max_length=2048, pattern=r"^https?://[^\s]+$")]


class PageView(BaseModel):
    """A page the visitor opened, with what the browser knows about its settings."""

    model_config = ConfigDict(extra="forbid")
    url: WebUrl
    title: str = Field(default="", max_length=300)
    timezone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=35)


class CartAddition(BaseModel):
    """Put some of a product variant in the cart."""

    model_config = ConfigDict(extra="forbid")
    variant_id: str = Field(min_length=1, max_length=128)
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


class DiscountRequest(BaseModel):
    """Apply a discount code to the cart."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)


def context_router(runtime: Runtime) -> APIRouter:
    """Routes for page views, the cart and its discount."""
    router = APIRouter(prefix=PREFIX, tags=["webchat"], route_class=Utf8Route)
    store, clock = runtime.services.store, runtime.services.clock
    cart_lock = threading.Lock()

    def conversation_cart(conversation_id: str) -> dict[str, Any]:
        try:
            return webchat_conversation(store, conversation_id).cart or empty_cart()
        except UnknownConversation as error:
            raise not_found(error) from None

    def change_cart(conversation_id: str,
                    change: Callable[[dict[str, Any]], tuple[dict[str, Any], str,
                                                             dict[str, Any]]]
                    ) -> dict[str, Any]:
        """Apply ``change(cart) -> (cart, event kind, event detail)`` and store both."""
        with cart_lock:
            try:
                cart, kind, detail = change(conversation_cart(conversation_id))
            except NotFound as error:
                raise HTTPException(status_code=404, detail=str(error)) from None
            except CartError as error:
                raise HTTPException(status_code=409, detail=str(error)) from None
            store.update_with_event(conversation_id, kind, detail, clock.now(), cart=cart)
        return cart

    @router.post("/conversations/{conversation_id}/pages")
    def page_view(conversation_id: ConversationId, body: PageView,
                  user_agent: Annotated[str, Header(max_length=1024)] = ""
                  ) -> dict[str, Any]:
        try:
            conversation = webchat_conversation(store, conversation_id)
        except UnknownConversation as error:
            raise not_found(error) from None
        now = clock.now()
        visitor = with_page_view(conversation.visitor, url=body.url, title=body.title, at=now,
                                 user_agent=user_agent, timezone=body.timezone,
                                 language=body.language)
        store.update_with_event(conversation_id, "page_view",
                                {"url": body.url, "title": body.title}, now, visitor=visitor)
        return {"conversation_id": conversation_id, "visitor": visitor}

    @router.get("/conversations/{conversation_id}/cart")
    def cart(conversation_id: ConversationId) -> dict[str, Any]:
        return conversation_cart(conversation_id)

    @router.post("/conversations/{conversation_id}/cart/items")
    def add(conversation_id: ConversationId, body: CartAddition) -> dict[str, Any]:
        def adding(cart: dict[str, Any]) -> tuple[dict[str, Any], str, dict[str, Any]]:
            product, variant = find_variant(runtime.services.source.products(),
                                            body.variant_id)
            changed = add_item(cart, product, variant, body.quantity)
            line = next(i for i in changed["items"] if i["variant_id"] == variant.id)
            return changed, "cart_add", cart_event_detail(
                {**line, "quantity": body.quantity}, changed)
        return change_cart(conversation_id, adding)

    @router.delete("/conversations/{conversation_id}/cart/items/{variant_id}")
    def remove(conversation_id: ConversationId,
               variant_id: Annotated[str, Path(max_length=128)],
               quantity: Annotated[int | None, Query(ge=1, le=MAX_QUANTITY)] = None
               ) -> dict[str, Any]:
        def removing(cart: dict[str, Any]) -> tuple[dict[str, Any], str, dict[str, Any]]:
            changed, line = remove_item(cart, variant_id, quantity)
            return changed, "cart_remove", cart_event_detail(line, changed)
        return change_cart(conversation_id, removing)

    @router.post("/conversations/{conversation_id}/cart/discount")
    def discount(conversation_id: ConversationId, body: DiscountRequest) -> dict[str, Any]:
        conversation_cart(conversation_id)
        wanted = body.code.strip().upper()
        allowed = shareable_codes(runtime.settings.discount_codes, clock.now())
        code = next((c for c in allowed if c.code.upper() == wanted), None)
        if code is None:  # the same answer for a private code and one that does not exist
            raise HTTPException(status_code=422, detail="this code cannot be applied")

        def applying(cart: dict[str, Any]) -> tuple[dict[str, Any], str, dict[str, Any]]:
            changed = apply_discount(cart, code)
            return changed, "discount_applied", {"code": code.code,
                                                 "amount": changed["discount"]["amount"]}
        return change_cart(conversation_id, applying)

    return router
