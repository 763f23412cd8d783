"""The graph's nodes: intake, understand, route, verify, run_skill, respond.

Each node reads the checkpointed state, decides, and returns an update plus a trace
entry. Identity, authorization and handoff are decided here and in ``skills/rules.py``,
never by the brain: the brain only classifies and words.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from agent.brain.base import ComposeContext
from agent.brain.extractors import extract_email, extract_entities
from agent.brain.triage import handled_by_rule
from agent.commerce.source import CustomerOrders, OrderSourceUnavailable
from agent.handoff import hand_off
from agent.identity import IdentityLevel
from agent.requests import split_requests
from agent.services import Services
from agent.state import PER_TURN_RESET, ConversationState
from agent.topics import apply_topic
from agent.verification import continue_verification, request_verification
from skills.base import OutcomeStatus, Request, SkillContext, SkillOutcome
from skills.handoff_rules import handoff_trigger
from skills.parts import (
    Channel,
    QuickRepliesPart,
    QuickReply,
    parts_from_json,
    parts_to_json,
)

Node = Callable[[ConversationState], dict[str, Any]]
MAX_REDIRECTS = 2
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
            email = extract_email(state.get("inbound", {}).get("text", ""))
            if state.get("awaiting_email") and email:
                store.update_conversation(state["conversation_id"], services.clock.now(),
                                          contact_email=email)
                noted = brain.phrase("handoff.email_noted", {"email": email})
                update.update(awaiting_email=False, parts=parts_to_json([noted]))
                update["decision"]["action"] = "contact email recorded"
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

    def understand(state: ConversationState) -> dict[str, Any]:
        text = state.get("inbound", {}).get("text", "")
        pending = state.get("pending") or {}
        offered = [*pending.get("options", []),
                   *({"label": label, "value": label} for label in SKILL_CHOICES.values())]
        picks_option = choice_for(text, offered) is not None
        understanding = brain.understand(text, services.skills.names(),
                                         rule=handled_by_rule(text, pending, picks_option))
        language = understanding.language or state.get("language") or "en"
        as_json = {**understanding.to_json(), "language": language}
        return {"understanding": as_json, "language": language,
                "confidence": understanding.confidence,
                "request": {"text": text, "order_number": understanding.entities.order_number,
                            "change": understanding.entities.change},
                "decision": {"brain": brain.name, **as_json}}

    def label_topics(state: ConversationState) -> dict[str, Any]:
        text = state.get("inbound", {}).get("text", "")
        labels = list(state.get("topics", []))
        classified = []
        for part in split_requests(text):
            topic, confidence = services.topics.classify(part)
            labels = apply_topic(labels, topic, confidence)
            classified.append((topic, round(confidence, 3)))
        if labels != state.get("topics", []):
            store.update_conversation(state["conversation_id"], services.clock.now(),
                                      topics=labels)
        return {"topics": labels, "decision": {"classified": classified, "applied": labels}}

    def route(state: ConversationState) -> dict[str, Any]:
        trigger = handoff_trigger(state.get("inbound", {}).get("text", ""))
        if trigger is not None:
            return handoff_update(state, trigger, "handoff rule")
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
        plan = planned_requests(text)
        if plan:
            first, *queue = plan
            update = goto(first["skill"], first["request"], "first of several requests",
                          pending=None, queue=queue)
            update["decision"]["queued"] = [q["skill"] for q in queue]
            return update
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

    def planned_requests(text: str) -> list[dict[str, Any]]:
        """The requests of a message asking several things of different skills, in order.

        Empty unless at least two parts route confidently to different live skills.
        """
        parts = split_requests(text)
        if len(parts) < 2:
            return []
        names = services.skills.live_names()
        plan: list[dict[str, Any]] = []
        for part in parts:
            route = services.request_router.route_text(part, names)
            taken = {p["skill"] for p in plan}
            if route.confidence >= settings.route_confidence_floor and route.skill not in taken:
                entities = extract_entities(part)
                plan.append({"skill": route.skill, "request": {
                    "text": part, "order_number": entities.order_number,
                    "change": entities.change}})
        return plan if len(plan) >= 2 else []

    def goto(skill: str, request: dict[str, Any], why: str,
             **extra: Any) -> dict[str, Any]:
        return {"next": "run_skill", "skill": skill, "turn_skill": skill, "request": request,
                "clarified": False, **extra, "decision": {"skill": skill, "why": why}}

    def skill_menu() -> QuickRepliesPart:
        return QuickRepliesPart(options=[QuickReply(label=label, value=label)
                                         for name, label in SKILL_CHOICES.items()
                                         if services.skills.is_live(name)])

    def handoff_update(state: ConversationState, reason: str, why: str,
                       skill: str = "handoff") -> dict[str, Any]:
        return hand_off(services, state, reason, why, skill)

    def verify(state: ConversationState) -> dict[str, Any]:
        try:
            update = continue_verification(services, state)
        except OrderSourceUnavailable as unavailable:
            return handoff_update(state, "order_source_unavailable", str(unavailable)[:200])
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
            return with_queue_note(state, update)
        customer_id = state.get("customer_id")
        ctx = SkillContext(
            request=request, channel=Channel(state["channel"]), settings=settings,
            policy=services.policy, now=services.clock.now(), knowledge=services.knowledge,
            phrasing=brain, products=services.source.products,
            orders=CustomerOrders(services.source, customer_id)
            if verified and customer_id else None,
            carried=dict(state.get("carried", {})),
        )
        try:
            outcome = skill.run(ctx)
        except OrderSourceUnavailable as unavailable:
            return handoff_update(state, "order_source_unavailable", str(unavailable)[:200],
                                  skill=name)
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
                update.update(next="run_skill", hops=hops, skill=outcome.redirect_to)
        elif outcome.status is OutcomeStatus.HANDOFF:
            merged = cast(ConversationState, {**state, "parts": parts, "skill": name})
            handed = handoff_update(merged, outcome.handoff_reason or "skill", "skill asked",
                                    skill=name)
            handed["decision"] = {**decision, **handed["decision"]}
            return handed
        else:
            update["pending"] = None
            queue = list(state.get("queue", []))
            if queue and state.get("hops", 0) < MAX_REDIRECTS + 1:
                follow = queue.pop(0)
                now_text = parts_to_json([brain.phrase("multi.now", {})])
                update.update(next="run_skill", skill=follow["skill"], queue=queue,
                              request=follow["request"], hops=state.get("hops", 0) + 1,
                              parts=[*update["parts"], *now_text])
        if "queue" not in update:
            return with_queue_note(state, update)
        return update

    def with_queue_note(state: ConversationState, update: dict[str, Any]) -> dict[str, Any]:
        """Tell the shopper a queued request will follow when this reply ends the turn."""
        queue = update.get("queue", state.get("queue"))
        if update.get("next") != "respond" or not queue:
            return update
        label = SKILL_CHOICES.get(queue[0]["skill"], queue[0]["skill"])
        note = parts_to_json([brain.phrase("multi.next", {"topic": label.lower()})])
        return {**update, "parts": [*update.get("parts", []), *note]}

    def respond(state: ConversationState) -> dict[str, Any]:
        context = ComposeContext(channel=Channel(state["channel"]),
                                 language=state.get("language") or "en",
                                 knowledge=services.knowledge)
        composed = brain.compose(parts_from_json(state.get("parts", [])), context)
        return {"parts": parts_to_json(composed.parts),
                "decision": {"parts": [p.type for p in composed.parts],
                             "language": context.language, **composed.to_json()}}

    return {
        "intake": traced("intake", intake),
        "understand": traced("understand", understand),
        "topics": traced("topics", label_topics),
        "route": traced("route", route),
        "verify": traced("verify", verify),
        "run_skill": traced("run_skill", run_skill),
        "respond": traced("respond", respond),
    }
