"""The graph's nodes: intake, understand, route, verify, run_skill, respond.

Each node reads the checkpointed state, decides, and returns an update plus a trace
entry. Identity, authorization and handoff are decided here and in ``skills/rules.py``,
never by the brain: the brain only classifies and words.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from agent.commerce.source import CustomerOrders
from agent.identity import IdentityLevel
from agent.services import Services
from agent.state import PER_TURN_RESET, ConversationState
from agent.verification import continue_verification, request_verification
from skills.base import OutcomeStatus, Request, SkillContext, SkillOutcome
from skills.parts import (
    Channel,
    HandoffNoticePart,
    QuickRepliesPart,
    QuickReply,
    parts_from_json,
    parts_to_json,
)

Node = Callable[[ConversationState], dict[str, Any]]
MAX_REDIRECTS = 2
TOPIC_CONFIDENCE = 0.90
MAX_TOPICS = 2
NOT_UNDERSTOOD = "not_understood"

SKILL_CHOICES: dict[str, str] = {
    "order_editing": "Change or cancel an order",
    "order_status": "Where is my order?",
    "returns": "Return or exchange",
    "faq": "A question about products or policies",
    "handoff": "Talk to a person",
}


def traced(name: str, body: Callable[[ConversationState], dict[str, Any]]) -> Node:
    """Wrap a node so it appends ``{node, ms, ...decision}`` to the turn's trace."""

    def node(state: ConversationState) -> dict[str, Any]:
        started = time.perf_counter()
        update = body(state)
        decision = update.pop("decision", {})
        entry = {"node": name, "ms": round((time.perf_counter() - started) * 1000, 2),
                 **decision}
        update["trace"] = [*update.get("trace", state.get("trace", [])), entry]
        return update

    return node


def choice_for(text: str, options: list[dict[str, str]]) -> dict[str, str] | None:
    """The quick reply a message picks: its value, its label, or its number (SMS)."""
    wanted = text.strip().lower()
    for index, option in enumerate(options, start=1):
        if wanted in (option["value"].lower(), option["label"].lower(), str(index)):
            return option
    return None


def build_nodes(services: Services) -> dict[str, Node]:
    """The nodes of the conversation graph, closed over the process's services."""
    settings, store, brain = services.settings, services.store, services.brain

    def intake(state: ConversationState) -> dict[str, Any]:
        update: dict[str, Any] = {**PER_TURN_RESET, "trace": []}
        conversation = store.conversation(state["conversation_id"])
        if conversation is not None and conversation.owner == "human":
            update.update(silent=True, status="handoff", next="end",
                          handoff={"reason": "human_owned", "ticket_id": None})
            update["decision"] = {"owner": "human", "action": "recorded, agent silent"}
            return update
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

    def understand(state: ConversationState) -> dict[str, Any]:
        text = state.get("inbound", {}).get("text", "")
        understanding = brain.understand(text, services.skills.names())
        as_json = understanding.to_json()
        return {"understanding": as_json, "confidence": understanding.confidence,
                "request": {"text": text, "order_number": understanding.entities.order_number,
                            "change": understanding.entities.change},
                "decision": {"brain": brain.name, **as_json}}

    def route(state: ConversationState) -> dict[str, Any]:
        pending = state.get("pending") or {}
        understanding = state.get("understanding", {})
        text = state.get("inbound", {}).get("text", "")
        best, confidence = understanding.get("skill"), understanding.get("confidence", 0.0)
        confident = confidence >= settings.route_confidence_floor

        if pending.get("kind") == "identity":
            if confident and best == "handoff":
                return goto(best, state.get("request", {}), "explicit handoff while verifying",
                            pending=None)
            return {"next": "verify", "decision": {"pending": "identity"}}
        if pending.get("kind") == "slot":
            picked = choice_for(text, pending.get("options", []))
            number = (picked or {}).get("value") or state.get("request", {}).get("order_number")
            if number:
                request = Request.from_dict(pending["request"]).merged(
                    Request(text=text, order_number=number.lstrip("#")))
                return goto(pending["skill"], request.to_dict(), "slot filled", pending=None)
            if not confident or best == pending["skill"]:
                options = [QuickReply(**o) for o in pending.get("options", [])]
                return {"next": "respond", "status": "awaiting", "skill": pending["skill"],
                        "parts": parts_to_json([brain.phrase("orders.which", {}),
                                                QuickRepliesPart(options=options)]),
                        "decision": {"pending": "slot", "action": "asked again"}}
        if pending.get("kind") == "clarify":
            picked = choice_for(text, pending.get("options", []))
            if picked is not None:
                request = Request.from_dict(pending["request"])
                return goto(picked["skill"], request.to_dict(), "clarified", pending=None)
            if not confident:
                return handoff_update(state, NOT_UNDERSTOOD, "still unsure after clarifying")
        if understanding.get("greeting"):
            return {"next": "respond", "status": "resolved", "pending": None,
                    "parts": parts_to_json([brain.phrase("greeting",
                                                         {"store": settings.store_name}),
                                            skill_menu()]),
                    "decision": {"action": "greeting"}}
        if not confident or best is None:
            if state.get("clarified"):
                return handoff_update(state, NOT_UNDERSTOOD, "unsure twice")
            choices = [{"label": label, "value": label, "skill": name}
                       for name, label in SKILL_CHOICES.items()
                       if services.skills.is_live(name)]
            return {"next": "respond", "status": "awaiting", "clarified": True,
                    "pending": {"kind": "clarify", "request": state.get("request", {}),
                                "options": choices},
                    "parts": parts_to_json([brain.phrase("clarify", {}), skill_menu()]),
                    "decision": {"action": "clarify", "confidence": confidence}}
        return goto(best, state.get("request", {}), "routed", pending=None)

    def goto(skill: str, request: dict[str, Any], why: str,
             **extra: Any) -> dict[str, Any]:
        return {"next": "run_skill", "skill": skill, "request": request,
                "clarified": False, **extra, "decision": {"skill": skill, "why": why}}

    def skill_menu() -> QuickRepliesPart:
        return QuickRepliesPart(options=[QuickReply(label=label, value=label)
                                         for name, label in SKILL_CHOICES.items()
                                         if services.skills.is_live(name)])

    def handoff_update(state: ConversationState, reason: str, why: str,
                       skill: str = "handoff") -> dict[str, Any]:
        cid = state["conversation_id"]
        now = services.clock.now()
        summary = f"{reason}: {state.get('inbound', {}).get('text', '')[:200]}"
        ticket_id = store.create_ticket(cid, reason, summary, now)
        store.update_conversation(cid, now, owner="human")
        notice = HandoffNoticePart(
            text=brain.phrase("handoff.notice", {"expected": settings.support_reply_time}).text,
            reason=reason, expected_reply=settings.support_reply_time, ticket_id=ticket_id)
        return {"next": "respond", "status": "handoff", "pending": None,
                "skill": skill,
                "handoff": {"reason": reason, "ticket_id": ticket_id},
                "parts": [*state.get("parts", []), *parts_to_json([notice])],
                "decision": {"handoff": reason, "why": why, "ticket_id": ticket_id}}

    def verify(state: ConversationState) -> dict[str, Any]:
        update = continue_verification(services, state)
        update["decision"] = {"identity": update.get("identity", state.get("identity")),
                              "next": update["next"]}
        return update

    def run_skill(state: ConversationState) -> dict[str, Any]:
        name = state.get("skill") or "handoff"
        skill = services.skills.get(name)
        if skill is None or not services.skills.is_live(name):
            return handoff_update(state, f"skill_unavailable:{name}", "skill not live")
        request = Request.from_dict(state.get("request", {}))
        verified = state.get("identity") == IdentityLevel.VERIFIED.value
        if skill.needs_identity_for(request) and not verified:
            update = request_verification(services, state, name, request.to_dict())
            update["decision"] = {"skill": name, "needs_identity": True}
            return update
        customer_id = state.get("customer_id")
        ctx = SkillContext(
            request=request, channel=Channel(state["channel"]), settings=settings,
            policy=services.policy, now=services.clock.now(), knowledge=services.knowledge,
            phrasing=brain, products=services.source.products,
            orders=CustomerOrders(services.source, customer_id)
            if verified and customer_id else None,
            carried=dict(state.get("carried", {})),
        )
        outcome = skill.run(ctx)
        return apply_outcome(state, name, outcome)

    def apply_outcome(state: ConversationState, name: str,
                      outcome: SkillOutcome) -> dict[str, Any]:
        parts = [*state.get("parts", []), *parts_to_json(outcome.parts)]
        decision = {"skill": name, "status": outcome.status.value, "facts": outcome.facts}
        carried = {**state.get("carried", {}), **outcome.carry}
        update: dict[str, Any] = {"parts": parts, "carried": carried, "decision": decision,
                                  "next": "respond", "status": outcome.status.value}
        if state.get("status") == "redirect":
            update["status"] = "redirect"
        if outcome.status is OutcomeStatus.AWAITING and outcome.awaiting is not None:
            options = [o.model_dump() for o in outcome.awaiting.options]
            update["pending"] = {"kind": "slot", "slot": outcome.awaiting.slot, "skill": name,
                                 "request": state.get("request", {}), "options": options}
            if outcome.awaiting.options:
                update["parts"] = [*parts, *parts_to_json(
                    [QuickRepliesPart(options=outcome.awaiting.options)])]
        elif outcome.status is OutcomeStatus.REDIRECT and outcome.redirect_to:
            hops = state.get("hops", 0) + 1
            update.update(status="redirect", pending=None)
            if state.get("redirect_to") is None:
                update["redirect_to"] = outcome.redirect_to
            if not services.skills.is_live(outcome.redirect_to):
                merged = cast(ConversationState, {**state, "parts": parts, "skill": name})
                return handoff_update(merged, f"skill_unavailable:{outcome.redirect_to}",
                                      "redirect target not live", skill=name)
            if hops <= MAX_REDIRECTS:
                update.update(next="run_skill", hops=hops, skill=outcome.redirect_to,
                              redirect_from=state.get("redirect_from") or name)
        elif outcome.status is OutcomeStatus.HANDOFF:
            merged = cast(ConversationState, {**state, "parts": parts, "skill": name})
            handed = handoff_update(merged, outcome.handoff_reason or "skill", "skill asked",
                                    skill=name)
            handed["decision"] = {**decision, **handed["decision"]}
            return handed
        else:
            update["pending"] = None
        return update

    def respond(state: ConversationState) -> dict[str, Any]:
        channel = Channel(state["channel"])
        composed = brain.compose(parts_from_json(state.get("parts", [])), channel)
        topics = list(state.get("topics", []))
        understanding = state.get("understanding", {})
        skill = services.skills.get(understanding.get("skill") or "")
        if skill is not None and understanding.get("confidence", 0.0) >= TOPIC_CONFIDENCE:
            for topic in skill.topics:
                topics = [topic, *[t for t in topics if t != topic]][:MAX_TOPICS]
        if topics != state.get("topics", []):
            store.update_conversation(state["conversation_id"], services.clock.now(),
                                      topics=topics)
        return {"parts": parts_to_json(composed), "topics": topics,
                "decision": {"parts": [p.type for p in composed], "topics": topics}}

    return {
        "intake": traced("intake", intake),
        "understand": traced("understand", understand),
        "route": traced("route", route),
        "verify": traced("verify", verify),
        "run_skill": traced("run_skill", run_skill),
        "respond": traced("respond", respond),
    }
