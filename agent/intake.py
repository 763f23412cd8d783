"""The intake node: who owns the thread, and who the shopper is before anything else.

A blocked sender's message is recorded and the agent stays silent (``agent.inbox_blocking``).
A human-owned conversation is recorded and the agent stays silent (only a contact email
the team asked for is acknowledged). A digit answering an open rating request is recorded
as the rating and thanked, without the agent reading it. Otherwise identity is
established: a valid storefront token verifies; a sender or claimed email on file is a
matched contact, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.brain.extractors import extract_email
from agent.commerce.source import OrderSourceUnavailable
from agent.identity import IdentityLevel
from agent.inbox_blocking import sender_blocked, silent_for_blocked
from agent.satisfaction import rating_reply, record_rating
from agent.services import Services
from agent.state import PER_TURN_RESET, ConversationState
from skills.parts import Channel, parts_to_json


def build_intake(services: Services) -> Callable[[ConversationState], dict[str, Any]]:
    """The intake node over the process's services."""
    store, brain = services.store, services.brain

    def intake(state: ConversationState) -> dict[str, Any]:
        update: dict[str, Any] = {**PER_TURN_RESET, "trace": []}
        conversation = store.conversation(state["conversation_id"])
        if conversation is not None and sender_blocked(store, conversation,
                                                      state.get("inbound", {})):
            return {**update, **silent_for_blocked(store, conversation, services.clock.now())}
        if conversation is not None and conversation.owner == "human":
            update.update(silent=True, status="handoff", next="end",
                          handoff={"reason": "human_owned", "ticket_id": None})
            update["decision"] = {"owner": "human", "action": "recorded, agent silent"}
            email = extract_email(state.get("inbound", {}).get("text", ""))
            if state.get("awaiting_email") and email:
                store.update_conversation(state["conversation_id"], services.clock.now(),
                                          contact_email=email)
                noted = brain.phrase("handoff.email_noted", {"email": email})
                update.update(awaiting_email=False, parts=parts_to_json([noted]))
                update["decision"]["action"] = "contact email recorded"
            return update
        score = rating_reply(conversation, state.get("inbound", {}).get("text", ""))
        if score is not None:
            record_rating(store, state["conversation_id"], score, services.clock.now())
            thanks = brain.phrase("satisfaction.thanks", {"score": score})
            update.update(status="resolved", next="end", parts=parts_to_json([thanks]),
                          decision={"rating": score, "action": "rating recorded"})
            return update
        if conversation is not None and conversation.status == "closed":
            store.update_conversation(state["conversation_id"], services.clock.now(),
                                      status="open")
        identity = state.get("identity") or IdentityLevel.ANONYMOUS.value
        inbound = state.get("inbound", {})
        decision: dict[str, Any] = {"owner": "bot"}
        token = inbound.get("storefront_token")
        if token and identity != IdentityLevel.VERIFIED.value:
            customer_id = services.tokens.verify(token, services.clock.now())
            if customer_id and services.source.customer(customer_id) is not None:
                identity = IdentityLevel.VERIFIED.value
                update["customer_id"] = customer_id
                decision["storefront_token"] = "valid"
            else:
                decision["storefront_token"] = "rejected"
        if identity == IdentityLevel.ANONYMOUS.value:
            matched = match_contact(state)
            if matched is not None:
                identity = IdentityLevel.CONTACT_MATCHED.value
                update["claimed_customer_id"] = matched
        update["identity"] = identity
        decision["identity"] = identity
        update["decision"] = decision
        return update

    def match_contact(state: ConversationState) -> str | None:
        try:
            return lookup_contact(state)
        except OrderSourceUnavailable:
            return None

    def lookup_contact(state: ConversationState) -> str | None:
        inbound = state.get("inbound", {})
        channel = Channel(state["channel"])
        found = None
        if inbound.get("claimed_email"):
            found = services.source.customer_by_email(inbound["claimed_email"] or "")
        elif inbound.get("sender") and channel in (Channel.SMS, Channel.WHATSAPP):
            found = services.source.customer_by_phone(inbound["sender"] or "")
        elif inbound.get("sender") and channel is Channel.EMAIL:
            found = services.source.customer_by_email(inbound["sender"] or "")
        return found.id if found else None

    return intake
