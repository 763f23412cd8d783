"""create_app(): the HTTP server's wiring (health and the turn API for now).

Errors are turned into HTTP answers only here: invalid input is a 422 with a message a
person can read, an oversized body a 413, a message already in flight a 409.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.commerce.shopify_webhooks import webhook_router_for
from agent.failed_turns import hand_failed_turns_to_people
from agent.runtime import Runtime
from agent.satisfaction import close_idle_conversations
from agent.turns import DuplicateInFlight, InboundMessage, MessageText, TurnResult
from agent.unsent_replies import send_unsent_replies
from channels import email_inbound, rating_page, twilio, webchat
from channels.background_turns import BackgroundTurns
from channels.render import render
from preview.routes import LARGE_BODY_PATHS, install_console
from skills.parts import Channel

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_WEBHOOK_BYTES = 1024 * 1024
MAX_EMAIL_BYTES = 10 * 1024 * 1024


class TurnRequest(BaseModel):
    """The body of ``POST /api/turns``."""

    conversation_id: str | None = Field(default=None, min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9_.:@+-]+$")
    channel: Channel = Channel.WEBCHAT
    text: MessageText
    as_email: str | None = Field(default=None, max_length=254)
    storefront_token: str | None = Field(default=None, max_length=2048)
    sender: str | None = Field(default=None, max_length=254)
    client_message_id: str | None = Field(default=None, max_length=128)


class BodySizeLimit:
    """Refuse request bodies over the limit with a 413, declared length or not (chunked).

    ``larger`` raises the limit for path prefixes (webhooks carry whole orders).
    """

    def __init__(self, app: ASGIApp, max_bytes: int,
                 larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_max = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length up front, then count the bytes as they arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = next((size for prefix, size in self.larger.items()
                      if scope["path"].startswith(prefix)), self.default_max)
        too_large = f"body larger than {limit} bytes"
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await JSONResponse(status_code=413, content={"error": too_large})(
                scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise StarletteHTTPException(status_code=413, detail=too_large)
            return message

        await self.app(scope, counting_receive, send)


class PresenceUpdate(BaseModel):
    """The body of ``POST /api/conversations/{id}/presence``: the visitor came or left."""

    online: bool


def describe_errors(errors: list[Any]) -> str:
    """Validation errors in one sentence: ``channel: Input should be 'webchat', ...``."""
    described = []
    for error in errors:
        if error.get("type") == "json_invalid":
            described.append("body: invalid JSON")
            continue
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        described.append(f"{where or 'body'}: {error.get('msg', 'invalid')}")
    return "; ".join(described)


def housekeeping(runtime: Runtime) -> None:
    """Resume abandoned turns, hand messages whose turn failed to a person, send replies a
    dead process stored but never sent, retry queued outgoing messages, and close resolved
    conversations gone quiet."""
    services = runtime.services
    runtime.turns.resume_abandoned()
    hand_failed_turns_to_people(services)
    send_unsent_replies(services)
    services.outbound.retry_due()
    close_idle_conversations(services.store, services.outbound, services.settings,
                             services.clock.now())


async def housekeeping_forever(runtime: Runtime, every_seconds: float) -> None:
    """Run ``housekeeping`` every few seconds until cancelled; a round that fails (the
    database unreachable, say) is logged and the next round runs as usual."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await asyncio.to_thread(housekeeping, runtime)
        except Exception:
            log.exception("housekeeping round failed; trying again in %s s", every_seconds)


def create_app(runtime: Runtime, background_turns: BackgroundTurns | None = None) -> FastAPI:
    """The FastAPI application over one runtime; webhook turns run on ``background_turns``
    (default: a pool of its own, closed with the app)."""

    background_turns = background_turns or BackgroundTurns()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        chores = asyncio.create_task(
            housekeeping_forever(runtime, runtime.settings.outbox_retry_seconds))
        try:
            yield
        finally:
            chores.cancel()
            background_turns.close()

    app = FastAPI(title="customer-agent", version="0.1.0", lifespan=lifespan)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES,
                       larger={"/webhooks/": MAX_WEBHOOK_BYTES,
                               "/channels/email/": MAX_EMAIL_BYTES, **LARGE_BODY_PATHS})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"error": exc.detail})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "error": describe_errors(list(exc.errors())),
            "detail": [{"loc": list(e.get("loc", ())), "msg": e.get("msg")}
                       for e in exc.errors()]})

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        skills = runtime.services.skills
        return {"status": "ok", "worker_pid": os.getpid(), "skills_live": skills.live_names(),
                "knowledge_sections": runtime.knowledge_base.section_count()}

    @app.post("/api/conversations/{conversation_id}/presence")
    def presence(conversation_id: str, body: PresenceUpdate) -> Any:
        store, now = runtime.services.store, runtime.services.clock.now()
        if store.conversation(conversation_id) is None:
            return JSONResponse(status_code=404,
                                content={"error": f"no conversation {conversation_id}"})
        store.update_conversation(conversation_id, now, visitor_online=body.online)
        store.record_event(conversation_id, "online" if body.online else "offline", {}, now)
        return {"conversation_id": conversation_id, "online": body.online}

    @app.post("/api/turns", response_model=TurnResult)
    async def take_turn(body: TurnRequest) -> Any:
        message = InboundMessage(
            conversation_id=body.conversation_id or f"web-{uuid.uuid4().hex[:12]}",
            channel=body.channel, text=body.text, claimed_email=body.as_email,
            storefront_token=body.storefront_token, sender=body.sender,
            client_message_id=body.client_message_id)
        try:
            result = await runtime.turns.run(runtime.turns.handle, message)
        except DuplicateInFlight as exc:
            return JSONResponse(status_code=409, content={"error": str(exc)})
        # serialised once, by pydantic, rather than validated again against the model
        return Response(result.model_dump_json(), media_type="application/json")

    shopify_webhooks = webhook_router_for(runtime)
    if shopify_webhooks is not None:
        app.include_router(shopify_webhooks)
    app.include_router(rating_page.router_for(runtime))
    app.include_router(twilio.router_for(runtime, background_turns))
    app.include_router(email_inbound.router_for(runtime))
    app.include_router(webchat.router_for(runtime))
    install_console(app, runtime, render)
    return app
