"""Webchat conversations on the server: ids, the history the widget replays, presence, turns.

A history entry is one stored message as the widget draws it::

    {"id", "direction": "in"|"out", "author": "customer"|"agent"|"teammate", "channel",
     "client_message_id", "at", "messages": [webchat messages from channels.render]}

The widget de-duplicates by ``id`` and, for its own messages, by ``client_message_id``
(the id it sent the message with; the store keeps it unique per conversation, so a
message sent twice is answered once). Text stays raw here: the widget only ever inserts
it as text.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from agent.conversations import Conversation, ConversationStore, Message
from agent.runtime import Runtime
from agent.turns import InboundMessage
from channels.render import render
from skills.parts import Channel, parts_from_json

CONVERSATION_ID_PATTERN = r"^[A-Za-z0-9_.:@+-]{1,64}$"
CLIENT_MESSAGE_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"


class UnknownConversation(LookupError):
    """No webchat conversation has that id."""


def new_conversation_id() -> str:
    """A fresh, unguessable webchat conversation id (it is the visitor's only key to it)."""
    return f"web-{uuid.uuid4().hex}"


def new_client_message_id() -> str:
    """An id for a message the client sent without one."""
    return f"srv-{uuid.uuid4().hex}"


def webchat_conversation(store: ConversationStore, conversation_id: str) -> Conversation:
    """The webchat conversation with this id; UnknownConversation if there is none."""
    conversation = store.conversation(conversation_id)
    if conversation is None or conversation.channel != Channel.WEBCHAT.value:
        raise UnknownConversation(f"no webchat conversation {conversation_id}")
    return conversation


def start_conversation(store: ConversationStore, now: datetime) -> Conversation:
    """A new, empty webchat conversation."""
    return store.ensure_conversation(new_conversation_id(), Channel.WEBCHAT.value, now)


def message_entry(message: Message) -> dict[str, Any] | None:
    """How the widget shows a stored message; None for a reply that was never shown."""
    if message.direction == "in":
        shown = [{"kind": "text", "text": message.text}]
    elif message.delivery_state == "not_sent":
        return None
    elif message.parts:
        shown = render(parts_from_json(message.parts), Channel.WEBCHAT)["messages"]
    else:
        shown = [{"kind": "text", "text": message.text}] if message.text else []
    if not shown:
        return None
    return {"id": message.id, "direction": message.direction, "author": message.author,
            "channel": message.channel,
            "client_message_id": message.provider_id if message.direction == "in" else None,
            "at": message.created_at.isoformat(), "messages": shown}


def history(store: ConversationStore, conversation_id: str,
            after_id: int = 0) -> list[dict[str, Any]]:
    """The entries of a conversation after ``after_id``, oldest first."""
    entries = (message_entry(m) for m in store.messages(conversation_id, after_id))
    return [entry for entry in entries if entry is not None]


def turn_entries(store: ConversationStore, conversation_id: str,
                 client_message_id: str) -> list[dict[str, Any]]:
    """The shopper's message with this client id and the replies to it."""
    stored = store.messages(conversation_id)
    inbound = next((m for m in stored if m.direction == "in"
                    and m.provider_id == client_message_id), None)
    if inbound is None:
        return []
    turn = [inbound, *(m for m in stored if m.reply_to == inbound.id)]
    entries = (message_entry(m) for m in turn)
    return [entry for entry in entries if entry is not None]


def take_turn(runtime: Runtime, conversation_id: str, text: str,
              client_message_id: str) -> list[dict[str, Any]]:
    """One webchat turn (synchronous: call it in a thread); the entries it added.

    The email the visitor gave at chat start is passed as the claimed email, which only
    ever matches a contact (a code is still needed before any order data is shown).
    """
    store = runtime.services.store
    conversation = webchat_conversation(store, conversation_id)
    runtime.turns.handle(InboundMessage(
        conversation_id=conversation_id, channel=Channel.WEBCHAT, text=text,
        claimed_email=conversation.contact_email, client_message_id=client_message_id))
    return turn_entries(store, conversation_id, client_message_id)


def set_presence(store: ConversationStore, conversation_id: str, online: bool,
                 now: datetime) -> bool:
    """Record that the visitor came or left; False (nothing recorded) if already so."""
    conversation = webchat_conversation(store, conversation_id)
    if conversation.visitor_online is online:
        return False
    store.update_with_event(conversation_id, "online" if online else "offline", {}, now,
                            visitor_online=online)
    return True
