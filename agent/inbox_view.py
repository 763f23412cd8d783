"""One conversation as a teammate sees it: the whole history in time order.

Customer, agent and teammate messages, cart and presence events, and the team's internal
notes are merged into one timeline. Notes are only ever read here, for the console: they
are not in the ``messages`` table, so no transcript, ticket or outgoing message has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.conversations import ConversationStore, Event, Message
from agent.inbox_records import InboxRecords, Note

EVENT_WORDING: dict[str, str] = {
    "online": "Visitor came online", "offline": "Visitor left the chat",
    "closed": "Closed by {by}", "reopened": "Reopened by {by}",
    "assigned": "Assigned to {assignee} by {by}", "unassigned": "Unassigned by {by}",
    "handback": "Handed back to the agent by {by}", "marked_unread": "Marked unread by {by}",
    "rating": "Customer rated the conversation {score}/5",
    "blocked": "Sender blocked by {by}", "unblocked": "Sender unblocked by {by}",
    "blocked_inbound": "Message from a blocked sender: the agent stayed silent",
    "cancel_warning": "Cancel-request warning shown to {by}: {choice_words}",
    "agent_error": "The agent could not answer a message; ticket {ticket_id} for the team",
}
CHOICE_WORDS = {"send_anyway": "sent anyway", "edit": "went back to edit"}
SOURCE_ORDER = {"message": 0, "event": 1, "note": 2}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing in a conversation's history, as the console shows it."""

    kind: str
    at: datetime
    author: str
    text: str
    extras: list[str] = field(default_factory=list)
    channel: str | None = None
    delivery_state: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def describe_part(part: dict[str, Any]) -> str | None:
    """A one-line account of a non-text reply part (card, link, buttons)."""
    kind = part.get("type")
    if kind == "order_card":
        items = part.get("items") or []
        return f"Order card #{part.get('order_number', '?')} ({len(items)} items)"
    if kind == "link":
        return f"Link: {part.get('label', '')} {part.get('url', '')}".strip()
    if kind == "quick_replies":
        labels = [str(o.get("label", "")) for o in part.get("options") or []]
        return "Buttons: " + ", ".join(labels)
    if kind in ("handoff_notice", "login_prompt"):
        return str(part.get("text") or "")
    if kind == "citation":
        return f"Source: {part.get('article', '')}"
    if kind == "product_card":
        return f"Product: {part.get('title', '')}"
    return None


def describe_event(event: Event) -> str:
    """What an event means, in words."""
    detail = dict(event.detail or {})
    if event.kind in ("cart_add", "cart_remove"):
        verb = "Added to cart" if event.kind == "cart_add" else "Removed from cart"
        title = detail.get("title") or detail.get("product_id") or "an item"
        quantity = detail.get("quantity")
        return f"{verb}: {title}" + (f" ×{quantity}" if quantity else "")
    if event.kind == "page_view":
        return f"Viewed {detail.get('title') or detail.get('url') or 'a page'}"
    wording = EVENT_WORDING.get(event.kind)
    if wording is None:
        return event.kind.replace("_", " ").capitalize()
    values = {"by": "someone", "assignee": "nobody", "score": "?",
              "choice_words": CHOICE_WORDS.get(str(detail.get("choice")), "no choice"),
              **{k: v for k, v in detail.items() if isinstance(v, str | int)}}
    return wording.format(**values)


def _message_entry(message: Message) -> TimelineEntry | None:
    extras = [d for d in (describe_part(p) for p in message.parts or []) if d]
    if message.direction == "in":
        return TimelineEntry("message", message.created_at, "customer", message.text,
                             channel=message.channel)
    if not message.text and not extras:
        return None
    return TimelineEntry("message", message.created_at, message.author, message.text,
                         extras=extras, channel=message.channel,
                         delivery_state=message.delivery_state)


def _note_entry(note: Note) -> TimelineEntry:
    return TimelineEntry("note", note.created_at, note.author, note.text)


def _event_entry(event: Event) -> TimelineEntry:
    return TimelineEntry("event", event.created_at, event.kind, describe_event(event),
                         detail=dict(event.detail or {}))


def timeline(store: ConversationStore, records: InboxRecords,
             conversation_id: str) -> list[TimelineEntry]:
    """Messages, events and notes of a conversation, oldest first (ties: messages first)."""
    entries: list[tuple[datetime, int, int, TimelineEntry]] = []
    for index, message in enumerate(store.messages(conversation_id)):
        entry = _message_entry(message)
        if entry is not None:
            entries.append((entry.at, SOURCE_ORDER["message"], index, entry))
    for index, event in enumerate(store.events(conversation_id)):
        entries.append((event.created_at, SOURCE_ORDER["event"], index, _event_entry(event)))
    for index, note in enumerate(records.notes(conversation_id)):
        entries.append((note.created_at, SOURCE_ORDER["note"], index, _note_entry(note)))
    entries.sort(key=lambda item: (item[0], item[1], item[2]))
    return [entry for *_key, entry in entries]


def last_turn_result(store: ConversationStore, conversation_id: str) -> dict[str, Any] | None:
    """The result of the agent's latest turn in the conversation (skill, identity, trace)."""
    for message in reversed(store.messages(conversation_id)):
        if message.direction == "out" and message.result:
            return dict(message.result)
    return None


def last_customer_text(store: ConversationStore, conversation_id: str) -> str:
    """What the customer wrote last."""
    for message in reversed(store.messages(conversation_id)):
        if message.direction == "in":
            return message.text
    return ""
