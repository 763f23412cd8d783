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
from agent.brain.triage import handled_by_rule
from agent.commerce.source import CustomerOrders, OrderSourceUnavailable
from agent.handoff import hand_off
from agent.identity import IdentityLevel
from agent.intake import build_intake
from agent.knowledge import RetrievalLog
from agent.requests import split_requests
from agent.routing import SKILL_CHOICES, build_route, choice_for
from agent.services import Services
from agent.state import ConversationState
from agent.topics import apply_topic
from agent.verification import continue_verification, request_verification
from knowledge_base.errors import KnowledgeUnavailable
from skills.base import OutcomeStatus, Request, SkillContext, SkillOutcome
from skills.parts import (
    Channel,
    QuickRepliesPart,
    parts_from_json,
    parts_to_json,
)

Node = Callable[[ConversationState], dict[str, Any]]
MAX_REDIRECTS = 2

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


def build_nodes(services: Services) -> dict[str, Node]:
    """The nodes of the conversation graph, closed over the process's services."""
    settings, brain = services.settings, services.brain

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
        return {"topics": labels, "decision": {"classified": classified, "applied": labels}}

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
        retrieval = RetrievalLog(services.knowledge)
        ctx = SkillContext(
            request=request, channel=Channel(state["channel"]), settings=settings,
            policy=services.policy, now=services.clock.now(), knowledge=retrieval,
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
        except KnowledgeUnavailable as unavailable:
            return handoff_update(state, "knowledge_unavailable", str(unavailable)[:200],
                                  skill=name)
        update = apply_outcome(state, name, outcome)
        update["decision"]["retrieved"] = retrieval.entries
        return update

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
        "intake": traced("intake", build_intake(services)),
        "understand": traced("understand", understand),
        "topics": traced("topics", label_topics),
        "route": traced("route", build_route(services)),
        "verify": traced("verify", verify),
        "run_skill": traced("run_skill", run_skill),
        "respond": traced("respond", respond),
    }
