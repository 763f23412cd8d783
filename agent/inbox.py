"""The inbox's list of conversations: who, where, what about, and whether anyone is on it.

Every row shows the channel, the customer (name when the order source knows them, else the
address), topics (at most two, newest first), Open / Closed, unread, assignee, whether a
webchat visitor is online, and the cart. Filters: status, channel, assignee (a name or
``unassigned``), topic, and a search over customer name, email/phone, conversation id and
message text. Agent-preview conversations (``preview-...``) are never listed, and a blocked
sender's conversations only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.commerce.models import Customer
from agent.commerce.source import OrderSource, OrderSourceUnavailable
from agent.conversations import Conversation, ConversationStore, Message
from agent.inbox_blocking import blocked_addresses, conversation_blocked

PREVIEW_PREFIX = "preview-"
UNASSIGNED = "unassigned"
MAX_ROWS = 500
SNIPPET_CHARS = 90


def is_preview(conversation_id: str) -> bool:
    """Whether a conversation was held in the console's agent preview (not a real shopper)."""
    return conversation_id.startswith(PREVIEW_PREFIX)


@dataclass(frozen=True)
class InboxFilter:
    """What the list is narrowed to; empty fields filter nothing."""

    status: str = ""
    channel: str = ""
    assignee: str = ""
    topic: str = ""
    query: str = ""
    show_blocked: bool = False


@dataclass(frozen=True)
class InboxRow:
    """One conversation as the list shows it."""

    id: str
    channel: str
    customer: str
    address: str | None
    topics: list[str]
    status: str
    owner: str
    unread: bool
    assignee: str | None
    online: bool | None
    cart: str | None
    blocked: bool
    updated_at: datetime
    last_message: str = ""


def cart_summary(cart: Any) -> str | None:
    """``3 items · 149.00 EUR`` from a conversation's cart JSON; None when empty or absent."""
    if not isinstance(cart, dict):
        return None
    count = cart.get("item_count")
    if not isinstance(count, int):
        items = cart.get("items")
        count = sum(int(i.get("quantity") or 1) for i in items if isinstance(i, dict)) \
            if isinstance(items, list) else 0
    if count <= 0:
        return None
    summary = f"{count} item{'s' if count != 1 else ''}"
    try:
        subtotal = Decimal(str(cart.get("subtotal")))
    except (InvalidOperation, ValueError):
        return summary
    if not subtotal.is_finite():
        return summary
    return f"{summary} · {subtotal:.2f} {str(cart.get('currency') or '').strip()}".strip()


def cart_lines(cart: Any) -> list[dict[str, str]]:
    """The cart's items as ``{"title", "quantity", "unit_price"}`` strings; malformed
    entries are skipped."""
    items = cart.get("items") if isinstance(cart, dict) else None
    if not isinstance(items, list):
        return []
    return [{"title": str(item.get("title") or item.get("product_id") or "item"),
             "quantity": str(item.get("quantity") or 1),
             "unit_price": str(item.get("unit_price") or "")}
            for item in items if isinstance(item, dict)]


class CustomerLookup:
    """Customers by id or address, asked of the order source once each per request."""

    def __init__(self, source: OrderSource) -> None:
        self._source = source
        self._seen: dict[str, Customer | None] = {}

    def for_conversation(self, conversation: Conversation) -> Customer | None:
        """The customer on file for a conversation: by id, else by its addresses."""
        keys = [("id", conversation.customer_id), ("address", conversation.reply_to),
                ("address", conversation.contact_email)]
        for kind, value in keys:
            if value:
                found = self._lookup(kind, value)
                if found is not None:
                    return found
        return None

    def _lookup(self, kind: str, value: str) -> Customer | None:
        key = f"{kind}:{value.strip().casefold()}"
        if key not in self._seen:
            self._seen[key] = self._ask(kind, value.strip())
        return self._seen[key]

    def _ask(self, kind: str, value: str) -> Customer | None:
        try:
            if kind == "id":
                return self._source.customer(value)
            if "@" in value:
                return self._source.customer_by_email(value)
            return self._source.customer_by_phone(value.removeprefix("whatsapp:"))
        except OrderSourceUnavailable:
            return None


def conversations_with_text(store: ConversationStore, query: str) -> set[str]:
    """Ids of conversations with a message containing ``query`` (case-insensitive)."""
    pattern = f"%{query.lower()}%"
    with Session(store.engine) as session:
        return set(session.scalars(select(Message.conversation_id).where(
            func.lower(Message.text).like(pattern)).distinct()))


def last_messages(store: ConversationStore) -> dict[str, str]:
    """Each conversation's latest non-empty message text, shortened."""
    with Session(store.engine) as session:
        latest = (select(func.max(Message.id)).where(Message.text != "")
                  .group_by(Message.conversation_id))
        rows = session.execute(select(Message.conversation_id, Message.text)
                               .where(Message.id.in_(latest)))
        return {cid: _snippet(text) for cid, text in rows}


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[:SNIPPET_CHARS - 1] + "…"


def _matches(row: InboxRow, wanted: InboxFilter, found_in_text: set[str]) -> bool:
    if wanted.status and row.status != wanted.status:
        return False
    if wanted.channel and row.channel != wanted.channel:
        return False
    if wanted.assignee == UNASSIGNED and row.assignee:
        return False
    if wanted.assignee and wanted.assignee != UNASSIGNED and row.assignee != wanted.assignee:
        return False
    if wanted.topic and wanted.topic not in row.topics:
        return False
    if row.blocked and not wanted.show_blocked:
        return False
    query = wanted.query.strip().casefold()
    if not query:
        return True
    haystack = " ".join([row.id, row.customer, row.address or ""]).casefold()
    return query in haystack or row.id in found_in_text


def inbox_rows(store: ConversationStore, source: OrderSource,
               wanted: InboxFilter | None = None) -> list[InboxRow]:
    """The conversations the list shows, most recently active first."""
    wanted = wanted or InboxFilter()
    blocked = blocked_addresses(store)
    customers = CustomerLookup(source)
    found_in_text = conversations_with_text(store, wanted.query.strip()) \
        if wanted.query.strip() else set()
    snippets = last_messages(store)
    rows = []
    for conversation in store.conversations():
        if is_preview(conversation.id):
            continue
        row = inbox_row(conversation, customers, blocked, snippets.get(conversation.id, ""))
        if _matches(row, wanted, found_in_text):
            rows.append(row)
        if len(rows) >= MAX_ROWS:
            break
    return rows


def inbox_row(conversation: Conversation, customers: CustomerLookup, blocked: set[str],
              last_message: str = "") -> InboxRow:
    """One conversation as a list row."""
    customer = customers.for_conversation(conversation)
    address = conversation.reply_to or conversation.contact_email
    if customer is not None:
        name = customer.name or customer.email
    else:
        name = address or "Anonymous visitor"
    return InboxRow(
        id=conversation.id, channel=conversation.channel, customer=name,
        address=customer.email if customer is not None else address,
        topics=list(conversation.topics or [])[:2], status=conversation.status,
        owner=conversation.owner, unread=bool(conversation.unread),
        assignee=conversation.assignee, online=conversation.visitor_online,
        cart=cart_summary(conversation.cart),
        blocked=conversation_blocked(conversation, blocked),
        updated_at=conversation.updated_at, last_message=last_message)


@dataclass(frozen=True)
class NewMessage:
    """An inbound message the console may notify about."""

    id: int
    conversation_id: str
    channel: str
    text: str
    at: datetime


def latest_message_id(store: ConversationStore) -> int:
    """The id of the newest message (the notification cursor to start from)."""
    with Session(store.engine) as session:
        return int(session.scalar(select(func.max(Message.id))) or 0)


def new_inbound(store: ConversationStore, after_id: int,
                limit: int = 50) -> tuple[list[NewMessage], int]:
    """Customer messages stored after ``after_id``, oldest first, and the cursor to ask
    from next time; previews and blocked senders' messages are left out."""
    blocked = blocked_addresses(store)
    with Session(store.engine) as session:
        rows = list(session.scalars(select(Message).where(
            Message.id > after_id, Message.direction == "in").order_by(Message.id)
            .limit(limit)))
    fresh = []
    for message in rows:
        if is_preview(message.conversation_id):
            continue
        conversation = store.conversation(message.conversation_id)
        if conversation is None or conversation_blocked(conversation, blocked):
            continue
        fresh.append(NewMessage(message.id, message.conversation_id, message.channel,
                                _snippet(message.text), message.created_at))
    return fresh, (rows[-1].id if rows else after_id)
