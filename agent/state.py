"""The checkpointed conversation state that flows through the graph.

Fields above the line persist between turns (identity, pending step, carried order);
fields below are reset by ``intake`` at the start of every turn. Everything is plain JSON
so the LangGraph checkpointer can store it in SQLite or PostgreSQL.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Inbound(TypedDict, total=False):
    """The message of this turn and what came with it."""

    text: str
    claimed_email: str | None
    storefront_token: str | None
    sender: str | None


class ConversationState(TypedDict, total=False):
    """Everything the graph knows about a conversation."""

    conversation_id: str
    channel: str
    inbound: Inbound
    # persisted between turns
    identity: str
    customer_id: str | None
    claimed_customer_id: str | None
    pending: dict[str, Any] | None
    carried: dict[str, Any]
    topics: list[str]
    language: str
    clarified: bool
    queue: list[dict[str, Any]]
    awaiting_email: bool
    # reset every turn
    silent: bool
    understanding: dict[str, Any]
    skill: str | None
    turn_skill: str | None
    confidence: float
    request: dict[str, Any]
    parts: list[dict[str, Any]]
    status: str | None
    redirect_to: str | None
    handoff: dict[str, Any] | None
    hops: int
    next: str
    trace: list[dict[str, Any]]


PER_TURN_RESET: ConversationState = {
    "silent": False,
    "understanding": {},
    "skill": None,
    "confidence": 0.0,
    "request": {},
    "parts": [],
    "status": None,
    "redirect_to": None,
    "turn_skill": None,
    "handoff": None,
    "hops": 0,
    "next": "",
    "trace": [],
}
