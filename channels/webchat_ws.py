"""The widget's websocket, ``/channels/webchat/ws``: one JSON object per text frame.

Client -> server::

    {"type": "hello", "conversation_id": "web-..." | null, "after": 0}
    {"type": "message", "text": "...", "client_message_id": "c-..."}
    {"type": "ping"}

Server -> client::

    {"type": "welcome", "conversation_id": "..."}           (a new id when none was given)
    {"type": "messages", "messages": [history entries]}     (see channels.webchat_history)
    {"type": "typing", "on": true | false}
    {"type": "error", "code": "...", "error": "...", "client_message_id"?: "..."}
    {"type": "pong"}

A frame that is not JSON, too large, not UTF-8 or not one of the above gets an error
frame and changes nothing; the connection stays open. The turn runs in a worker thread
so the server keeps serving while the agent works. While a visitor is connected the
server also pushes messages stored outside a turn (a teammate's reply, a rating request)
and the conversation counts as online; when their last connection closes, as offline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from agent.runtime import Runtime
from agent.turns import DuplicateInFlight
from channels.webchat_history import (
    CONVERSATION_ID_PATTERN,
    UnknownConversation,
    history,
    new_client_message_id,
    set_presence,
    start_conversation,
    take_turn,
    webchat_conversation,
)
from channels.webchat_http import WEBSOCKET_PATH, ChatMessage

MAX_FRAME_BYTES = 16 * 1024
CONNECTION_GONE = (WebSocketDisconnect, RuntimeError, OSError)
log = logging.getLogger(__name__)


class Hello(BaseModel):
    """Join a conversation (or start one) and receive its history after ``after``."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["hello"]
    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID_PATTERN)
    after: int = Field(default=0, ge=0)


class Say(ChatMessage):
    """A message from the shopper."""

    type: Literal["message"]


class Ping(BaseModel):
    """Keep the connection alive."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["ping"]


frames: TypeAdapter[Hello | Say | Ping] = TypeAdapter(
    Annotated[Hello | Say | Ping, Field(discriminator="type")])


class FrameError(ValueError):
    """A frame the server cannot read; ``code`` names the kind of problem."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_frame(message: Mapping[str, Any]) -> Hello | Say | Ping:
    """The frame in one websocket message; FrameError if it is not a valid frame."""
    raw = message.get("text")
    if raw is None:
        try:
            raw = bytes(message.get("bytes") or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError("invalid_utf8", "frame is not valid UTF-8") from None
    if len(raw.encode("utf-8")) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"frame larger than {MAX_FRAME_BYTES} bytes")
    try:
        return frames.validate_json(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'frame'}: {e['msg']}"
                             for e in error.errors())
        code = "invalid_json" if any(e["type"] == "json_invalid" for e in error.errors()) \
            else "invalid_frame"
        raise FrameError(code, problems) from None


class WidgetConnection:
    """One open websocket: which conversation it joined and which messages it was sent."""

    def __init__(self, websocket: WebSocket, runtime: Runtime, online: Counter[str]) -> None:
        self.websocket = websocket
        self.runtime = runtime
        self.online = online
        self.conversation_id: str | None = None
        self.sent: set[int] = set()
        self.sending = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame (the reader and the poller may both be sending)."""
        async with self.sending:
            await self.websocket.send_json(frame)

    async def error(self, code: str, message: str, client_message_id: str | None = None) -> None:
        """Tell the client what was wrong with what it sent."""
        frame = {"type": "error", "code": code, "error": message}
        if client_message_id is not None:
            frame["client_message_id"] = client_message_id
        await self.send(frame)

    async def push(self, entries: list[dict[str, Any]]) -> None:
        """Send the entries this connection has not been sent yet."""
        fresh = [entry for entry in entries if entry["id"] not in self.sent]
        if fresh:
            self.sent.update(entry["id"] for entry in fresh)
            await self.send({"type": "messages", "messages": fresh})

    async def push_new(self) -> None:
        """Send what was stored since the newest message this connection was sent."""
        if self.conversation_id is not None:
            after = max(self.sent, default=0)
            store = self.runtime.services.store
            await self.push(await asyncio.to_thread(history, store, self.conversation_id,
                                                    after))

    async def hello(self, frame: Hello) -> None:
        """Join (or start) the conversation, mark the visitor online, replay the history."""
        if self.conversation_id is not None:
            await self.error("already_joined", "this connection already joined a conversation")
            return
        store, now = self.runtime.services.store, self.runtime.services.clock.now()
        if frame.conversation_id is None:
            conversation_id = (await asyncio.to_thread(start_conversation, store, now)).id
        else:
            try:
                await asyncio.to_thread(webchat_conversation, store, frame.conversation_id)
            except UnknownConversation as unknown:
                await self.error("unknown_conversation", str(unknown))
                return
            conversation_id = frame.conversation_id
        self.conversation_id = conversation_id
        self.online[conversation_id] += 1
        await asyncio.to_thread(set_presence, store, conversation_id, True, now)
        await self.send({"type": "welcome", "conversation_id": conversation_id})
        await self.push(await asyncio.to_thread(history, store, conversation_id, frame.after))

    async def say(self, frame: Say) -> None:
        """Take a turn on a turn thread, showing the typing indicator meanwhile."""
        client_id = frame.client_message_id or new_client_message_id()
        if self.conversation_id is None:
            await self.error("no_conversation", "send a hello frame first", client_id)
            return
        await self.send({"type": "typing", "on": True})
        try:
            entries = await self.runtime.turns.run(take_turn, self.runtime,
                                                   self.conversation_id, frame.text, client_id)
        except DuplicateInFlight as busy:
            await self.error("in_flight", str(busy), client_id)
        except Exception:  # the edge of a long-lived connection: say so, keep serving
            log.exception("webchat turn failed in %s", self.conversation_id)
            await self.error("turn_failed", "the agent could not answer that; please try "
                                            "again", client_id)
        else:
            await self.push(entries)
        finally:
            await self.send({"type": "typing", "on": False})

    async def leave(self) -> None:
        """The connection closed: the visitor is offline when it was their last one."""
        if self.conversation_id is None:
            return
        self.online[self.conversation_id] -= 1
        if self.online[self.conversation_id] <= 0:
            del self.online[self.conversation_id]
            store, now = self.runtime.services.store, self.runtime.services.clock.now()
            with contextlib.suppress(UnknownConversation):
                await asyncio.to_thread(set_presence, store, self.conversation_id, False, now)


async def poll_forever(connection: WidgetConnection, every_seconds: float) -> None:
    """Push messages stored outside a turn (teammate replies, rating requests) until the
    task is cancelled or the connection is gone."""
    with contextlib.suppress(*CONNECTION_GONE):
        while True:
            await asyncio.sleep(every_seconds)
            await connection.push_new()


def websocket_router(runtime: Runtime, online: Counter[str]) -> APIRouter:
    """The websocket route over one runtime; ``online`` counts open sockets per conversation."""
    router = APIRouter(tags=["webchat"])

    @router.websocket(WEBSOCKET_PATH)
    async def widget_socket(websocket: WebSocket) -> None:
        await websocket.accept()
        connection = WidgetConnection(websocket, runtime, online)
        poller = asyncio.create_task(
            poll_forever(connection, runtime.settings.webchat_poll_seconds))
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                try:
                    frame = read_frame(message)
                except FrameError as bad:
                    await connection.error(bad.code, str(bad))
                    continue
                match frame:
                    case Hello():
                        await connection.hello(frame)
                    case Say():
                        await connection.say(frame)
                    case Ping():
                        await connection.send({"type": "pong"})
        except CONNECTION_GONE:
            pass
        finally:
            poller.cancel()
            with anyio.CancelScope(shield=True):  # record the leaving even when cancelled
                await connection.leave()

    return router
