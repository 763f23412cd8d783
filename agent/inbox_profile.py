"""Who the teammate is talking to: the customer profile beside a conversation.

New or returning (returning = an earlier conversation from the same customer or address,
or an order on file), where they are and what they use (from the webchat ``visitor``
JSON: location, time zone, language, browser, OS, pages viewed), their orders with each
line item's status (from the order source), and their previous conversations. How sure
the agent is of who they are is shown too: a profile found by an address is a match,
not a verification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.commerce.models import Customer, Order
from agent.commerce.source import OrderSource, OrderSourceUnavailable
from agent.conversations import Conversation, ConversationStore
from agent.inbox import CustomerLookup, is_preview
from agent.inbox_blocking import conversation_addresses, conversation_key

VISITOR_FIELDS = ("location", "timezone", "language", "browser", "os")
MAX_PAGES = 20
IDENTITY_WORDS = {"verified": "Verified", "contact_matched": "Matched by contact (not verified)",
                  "anonymous": "Not identified"}


@dataclass(frozen=True)
class OrderLine:
    """One line item of an order, with its own status."""

    title: str
    variant: str
    quantity: int
    status: str


@dataclass(frozen=True)
class OrderSummary:
    """An order as the profile lists it."""

    number: str
    placed_at: datetime
    status: str
    total: str
    lines: list[OrderLine]


@dataclass(frozen=True)
class PreviousConversation:
    """An earlier (or other) conversation of the same customer."""

    id: str
    channel: str
    status: str
    topics: list[str]
    created_at: datetime


@dataclass
class CustomerProfile:
    """Everything the console shows about the person behind a conversation."""

    customer: Customer | None
    identity: str
    returning: bool
    visitor: dict[str, str] = field(default_factory=dict)
    pages: list[dict[str, str]] = field(default_factory=list)
    orders: list[OrderSummary] = field(default_factory=list)
    orders_unavailable: str | None = None
    previous: list[PreviousConversation] = field(default_factory=list)


def visitor_details(visitor: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(location/time zone/language/browser/OS, pages viewed newest first) from ``visitor``
    JSON; anything missing or malformed is left out."""
    if not isinstance(visitor, dict):
        return {}, []
    details = {name: str(visitor[name]) for name in VISITOR_FIELDS
               if isinstance(visitor.get(name), str | int | float) and str(visitor[name])}
    pages = [{"url": str(p.get("url", "")), "title": str(p.get("title") or p.get("url", "")),
              "at": str(p.get("at", ""))}
             for p in visitor.get("pages") or [] if isinstance(p, dict) and p.get("url")]
    return details, list(reversed(pages))[:MAX_PAGES]


def order_summary(order: Order) -> OrderSummary:
    """An order with each line's status in words."""
    lines = [OrderLine(li.title, li.variant, li.quantity,
                       li.fulfillment_status.value.replace("_", " "))
             for li in order.line_items]
    return OrderSummary(order.number, order.placed_at, order.status.value.replace("_", " "),
                        f"{order.total:.2f} {order.currency}", lines)


def related_conversations(store: ConversationStore, conversation: Conversation,
                          customer: Customer | None) -> list[PreviousConversation]:
    """Other conversations with the same customer id or an address in common, newest first."""
    own = set(conversation_addresses(conversation)) - {conversation_key(conversation.id)}
    if customer is not None:
        own.add(customer.email.casefold())
    related = []
    for other in store.conversations():
        if other.id == conversation.id or is_preview(other.id):
            continue
        same_customer = customer is not None and other.customer_id == customer.id
        if same_customer or own & set(conversation_addresses(other)):
            related.append(PreviousConversation(other.id, other.channel, other.status,
                                                list(other.topics or []), other.created_at))
    return related


def customer_profile(store: ConversationStore, source: OrderSource,
                     conversation: Conversation,
                     last_result: dict[str, Any] | None) -> CustomerProfile:
    """The profile beside a conversation; an unreachable order source only loses orders."""
    customer = CustomerLookup(source).for_conversation(conversation)
    identity = IDENTITY_WORDS.get(str((last_result or {}).get("identity")), "Not identified")
    details, pages = visitor_details(conversation.visitor)
    previous = related_conversations(store, conversation, customer)
    profile = CustomerProfile(customer=customer, identity=identity, returning=False,
                              visitor=details, pages=pages, previous=previous)
    if customer is not None:
        try:
            orders = [o for o in source.orders_for_customer(customer.id)
                      if o.customer_id == customer.id]
        except OrderSourceUnavailable as unavailable:
            orders = []
            profile.orders_unavailable = f"orders could not be read: {unavailable}"
        profile.orders = [order_summary(o) for o in orders]
        newest = max(orders, key=lambda o: o.placed_at, default=None)
        if "location" not in details and newest is not None and newest.shipping_address:
            details["location"] = (f"{place_of(newest.shipping_address)} "
                                   "(latest shipping address)")
    if "location" not in details and details.get("timezone"):
        details["location"] = f"{zone_place(details['timezone'])} (browser time zone)"
    earlier = any(p.created_at < conversation.created_at for p in previous)
    profile.returning = earlier or bool(profile.orders)
    return profile


def place_of(address: str) -> str:
    """The town and country of a one-line postal address (its last two parts)."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    return ", ".join(parts[-2:]) if parts else address


def zone_place(timezone: str) -> str:
    """The city an IANA time zone is named after: ``Europe/Copenhagen`` -> ``Copenhagen``."""
    return timezone.rsplit("/", 1)[-1].replace("_", " ")
