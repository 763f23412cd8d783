"""Soft handoff: file a ticket, make the thread human-owned, tell the shopper when.

The customer learns who answers and when: within the reply-time promise during business
hours, otherwise when the team is next in. A webchat visitor with no email on file is
asked for one, so a reply reaches them if they leave.
"""

from __future__ import annotations

from typing import Any

from agent.business_hours import describe_opening
from agent.services import Services
from agent.state import ConversationState
from skills.parts import Channel, HandoffNoticePart, Part, TextPart, parts_to_json


def known_email(services: Services, state: ConversationState) -> str | None:
    """An email the team can answer on: the customer's on file, or one given in chat."""
    for customer_id in (state.get("customer_id"), state.get("claimed_customer_id")):
        customer = services.source.customer(customer_id) if customer_id else None
        if customer is not None:
            return customer.email
    conversation = services.store.conversation(state["conversation_id"])
    if conversation is not None and conversation.contact_email:
        return conversation.contact_email
    return state.get("inbound", {}).get("claimed_email")


def expected_reply(services: Services) -> tuple[str, str]:
    """(template key, when a person replies) given the business hours now."""
    now = services.clock.now()
    opening = services.hours.next_opening(now)
    if opening is None:
        return "handoff.notice", services.settings.support_reply_time
    when = describe_opening(opening, now, services.settings.store_timezone)
    return "handoff.notice_closed", f"{when} ({services.settings.store_timezone} time)"


def hand_off(services: Services, state: ConversationState, reason: str, why: str,
             skill: str = "handoff") -> dict[str, Any]:
    """The state update of a soft handoff; files the ticket and hands the thread over."""
    cid, now = state["conversation_id"], services.clock.now()
    text = state.get("inbound", {}).get("text", "")
    topics = list(state.get("topics", []))
    summary = f"{reason} ({skill}): {text[:200]}"
    ticket_id = services.store.create_ticket(cid, reason, summary, now, topics=topics)
    services.store.update_conversation(cid, now, owner="human")
    key, when = expected_reply(services)
    notice = HandoffNoticePart(text=services.brain.phrase(key, {"expected": when}).text,
                               reason=reason, expected_reply=when, ticket_id=ticket_id)
    parts: list[Part] = [notice]
    ask_email = Channel(state["channel"]) is Channel.WEBCHAT and not known_email(services,
                                                                                  state)
    if ask_email:
        parts.append(TextPart(**services.brain.phrase("handoff.ask_email", {}).model_dump()))
    return {"next": "respond", "status": "handoff", "pending": None, "queue": [],
            "skill": skill, "turn_skill": skill, "awaiting_email": ask_email,
            "handoff": {"reason": reason, "ticket_id": ticket_id},
            "parts": [*state.get("parts", []), *parts_to_json(parts)],
            "decision": {"handoff": reason, "why": why, "ticket_id": ticket_id,
                         "expected_reply": when}}
