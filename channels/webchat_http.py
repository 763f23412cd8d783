"""The widget's HTTP routes: its settings, starting a conversation, history, and the HTTP
fallback for when a websocket cannot be opened (send a message, report presence, give an
email at chat start).

Everything is under ``/channels/webchat``. A conversation id the server does not know is
a 404; a body that does not validate is a 422 with a readable message, and nothing is
stored for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.runtime import Runtime
from agent.turns import DuplicateInFlight, MessageText
from channels.webchat_history import (
    CLIENT_MESSAGE_ID_PATTERN,
    CONVERSATION_ID_PATTERN,
    UnknownConversation,
    history,
    new_client_message_id,
    set_presence,
    start_conversation,
    take_turn,
    webchat_conversation,
)
from skills.discounts import shareable_codes

PREFIX = "/channels/webchat"
WEBSOCKET_PATH = f"{PREFIX}/ws"
MAX_FREQUENT_QUESTIONS = 8

ConversationId = Annotated[str, Path(pattern=CONVERSATION_ID_PATTERN)]
EmailAddress = Annotated[str, Field(max_length=254,
                                    pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+$")]


class ChatMessage(BaseModel):
    """A message the shopper typed (or a chip they clicked)."""

    model_config = ConfigDict(extra="forbid")
    text: MessageText
    client_message_id: str | None = Field(default=None, pattern=CLIENT_MESSAGE_ID_PATTERN)


class Presence(BaseModel):
    """The visitor is on the page (online) or has left it."""

    model_config = ConfigDict(extra="forbid")
    online: bool


class ContactEmail(BaseModel):
    """The email a visitor gives at chat start, for replies after they have left."""

    model_config = ConfigDict(extra="forbid")
    email: EmailAddress


class Utf8Route(APIRoute):
    """A route that answers a body which is not UTF-8 with a 400 saying so (FastAPI's own
    answer is a vague "error parsing the body")."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The usual handler, after the body's encoding is checked."""
        handle = super().get_route_handler()

        async def checked(request: Request) -> Response:
            try:
                (await request.body()).decode("utf-8")
            except UnicodeDecodeError:
                return JSONResponse(status_code=400, content={"error": "body is not valid UTF-8"})
            return await handle(request)

        return checked


def not_found(error: UnknownConversation) -> HTTPException:
    """The 404 for an unknown conversation."""
    return HTTPException(status_code=404, detail=str(error))


def widget_config(runtime: Runtime) -> dict[str, Any]:
    """What the widget shows when it opens: greeting, frequent questions, a shared code."""
    settings = runtime.settings
    shared = shareable_codes(settings.discount_codes, runtime.services.clock.now())
    discount = ({"code": shared[0].code, "description": shared[0].description}
                if shared else None)
    return {"store_name": settings.store_name, "greeting": settings.webchat_greeting,
            "frequent_questions": settings.webchat_frequent_questions[:MAX_FREQUENT_QUESTIONS],
            "ask_email": settings.webchat_ask_email, "discount": discount,
            "poll_seconds": settings.webchat_poll_seconds, "websocket_path": WEBSOCKET_PATH,
            "support_reply_time": settings.support_reply_time}


def http_router(runtime: Runtime, sockets: Counter[str]) -> APIRouter:
    """The widget's HTTP routes over one runtime (``sockets``: open websockets per
    conversation, kept by ``webchat_ws``)."""
    router = APIRouter(prefix=PREFIX, tags=["webchat"], route_class=Utf8Route)
    store = runtime.services.store

    def known(conversation_id: str) -> None:
        try:
            webchat_conversation(store, conversation_id)
        except UnknownConversation as error:
            raise not_found(error) from None

    @router.get("/config")
    def config() -> dict[str, Any]:
        return widget_config(runtime)

    @router.post("/conversations", status_code=201)
    def create_conversation() -> dict[str, Any]:
        conversation = start_conversation(store, runtime.services.clock.now())
        return {"conversation_id": conversation.id}

    @router.get("/conversations/{conversation_id}")
    def conversation(conversation_id: ConversationId) -> dict[str, Any]:
        try:
            found = webchat_conversation(store, conversation_id)
        except UnknownConversation as error:
            raise not_found(error) from None
        return {"conversation_id": found.id, "status": found.status,
                "has_contact_email": found.contact_email is not None}

    @router.get("/conversations/{conversation_id}/messages")
    def messages(conversation_id: ConversationId,
                 after: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        known(conversation_id)
        return {"conversation_id": conversation_id,
                "messages": history(store, conversation_id, after)}

    @router.post("/conversations/{conversation_id}/messages")
    async def send(conversation_id: ConversationId, body: ChatMessage) -> dict[str, Any]:
        known(conversation_id)
        client_id = body.client_message_id or new_client_message_id()
        try:
            entries = await runtime.turns.run(take_turn, runtime, conversation_id, body.text,
                                              client_id)
        except DuplicateInFlight as error:
            raise HTTPException(status_code=409, detail=str(error)) from None
        return {"conversation_id": conversation_id, "messages": entries}

    @router.post("/conversations/{conversation_id}/presence")
    async def presence(conversation_id: ConversationId, request: Request) -> dict[str, Any]:
        """JSON in any content type: ``navigator.sendBeacon`` posts ``text/plain``. A visitor
        with a websocket still open (another tab) stays online."""
        try:
            update = Presence.model_validate_json(await request.body())
        except ValidationError as error:
            raise RequestValidationError(error.errors()) from None
        online = update.online or sockets[conversation_id] > 0
        try:
            set_presence(store, conversation_id, online, runtime.services.clock.now())
        except UnknownConversation as error:
            raise not_found(error) from None
        return {"conversation_id": conversation_id, "online": online}

    @router.post("/conversations/{conversation_id}/contact")
    def contact(conversation_id: ConversationId, body: ContactEmail) -> dict[str, Any]:
        known(conversation_id)
        email = body.email.strip()
        store.update_with_event(conversation_id, "contact_email", {"email": email},
                                runtime.services.clock.now(), contact_email=email)
        return {"conversation_id": conversation_id, "contact_email": email}

    return router
