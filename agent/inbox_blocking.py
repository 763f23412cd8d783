"""Blocked senders: the merchant blocks a conversation's sender from the inbox.

A block is a ``blocked`` suppression (``agent.suppressions``) on every address of the
conversation: the phone number or email it came from, the email the shopper gave, and
``conversation:<digest of the id>`` (a webchat visitor may have no address at all). From
then on their messages are still stored, but marked by a ``blocked_inbound`` event, the
agent takes no turn and sends nothing (intake ends the turn silently, and the outbound
queue never writes to a suppressed address), and the default inbox view hides the
conversation. Unblocking lifts the suppressions; the history of both stays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from agent.conversations import Conversation, ConversationStore
from agent.suppressions import Suppression, normalise_address

BLOCKED = "blocked"
ANY_BLOCKED = select(Suppression.id).where(
    Suppression.address.in_(bindparam("addresses", expanding=True)),
    Suppression.reason == BLOCKED, Suppression.lifted_at.is_(None)).limit(1)
"""Whether any of the given addresses is blocked now (built once: asked on every turn)."""


def conversation_key(conversation_id: str) -> str:
    """The address that stands for a conversation itself (a visitor with no address): a
    digest, so that address normalisation (which drops ``-`` and ``.``) cannot merge two."""
    return f"conversation:{hashlib.sha256(conversation_id.encode()).hexdigest()[:32]}"


def conversation_addresses(conversation: Conversation) -> list[str]:
    """Every address a conversation's sender is known by, normalised, without repeats."""
    found = [conversation.reply_to, conversation.contact_email,
             conversation_key(conversation.id)]
    return list(dict.fromkeys(normalise_address(a) for a in found if a))


def blocked_addresses(store: ConversationStore) -> set[str]:
    """Every address blocked right now (normalised)."""
    with Session(store.engine) as session:
        return set(session.scalars(select(Suppression.address).where(
            Suppression.reason == BLOCKED, Suppression.lifted_at.is_(None))))


def is_blocked(store: ConversationStore, addresses: Iterable[str | None]) -> bool:
    """Whether any of these addresses is blocked (one query for all of them)."""
    normalised = {normalise_address(address) for address in addresses if address}
    if not normalised:
        return False
    with store.engine.connect() as connection:
        return connection.scalar(ANY_BLOCKED, {"addresses": sorted(normalised)}) is not None


def sender_blocked(store: ConversationStore, conversation: Conversation,
                   inbound: Mapping[str, Any]) -> bool:
    """Whether an inbound message comes from a blocked sender: its own sender address, the
    email it claims, or any address the conversation is known by."""
    claimed = [inbound.get("sender"), inbound.get("claimed_email")]
    return is_blocked(store, [*claimed, *conversation_addresses(conversation)])


def silent_for_blocked(store: ConversationStore, conversation: Conversation,
                       now: datetime) -> dict[str, Any]:
    """The intake's update for a blocked sender's message: mark it, end the turn silently."""
    store.record_event(conversation.id, "blocked_inbound", {}, now)
    return {"silent": True, "status": "handoff", "next": "end", "parts": [],
            "handoff": {"reason": "blocked_sender", "ticket_id": None},
            "decision": {"owner": conversation.owner, "action": "sender blocked, agent silent"}}


def conversation_blocked(conversation: Conversation, blocked: set[str]) -> bool:
    """Whether the conversation's sender is blocked, given ``blocked_addresses``."""
    return any(a in blocked for a in conversation_addresses(conversation))


def block_sender(store: ConversationStore, conversation: Conversation, by: str,
                 now: datetime) -> list[str]:
    """Block every address of the conversation's sender; returns the addresses blocked."""
    addresses = conversation_addresses(conversation)
    for address in addresses:
        store.suppress(address, BLOCKED, by, now)
    store.record_event(conversation.id, "blocked", {"by": by, "addresses": addresses}, now)
    return addresses


def unblock_sender(store: ConversationStore, conversation: Conversation, by: str,
                   now: datetime) -> list[str]:
    """Lift the blocks on the conversation's sender; returns the addresses unblocked."""
    lifted = [a for a in conversation_addresses(conversation)
              if store.lift_suppression(a, BLOCKED, by, now)]
    store.record_event(conversation.id, "unblocked", {"by": by, "addresses": lifted}, now)
    return lifted
