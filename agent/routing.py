"""The route node: pending steps first, then handoff rules, several requests, greeting,
clarifying once when unsure, and finally the understood skill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.brain.extractors import extract_entities
from agent.handoff import hand_off
from agent.requests import split_requests
from agent.services import Services
from agent.state import ConversationState
from skills.base import Request
from skills.handoff_rules import handoff_trigger
from skills.parts import QuickRepliesPart, QuickReply, parts_to_json

NOT_UNDERSTOOD = "not_understood"

SKILL_CHOICES: dict[str, str] = {
    "order_editing": "Change or cancel an order",
    "order_status": "Where is my order?",
    "returns": "Return or exchange",
    "faq": "A question about products or policies",
    "handoff": "Talk to a person",
}


def choice_for(text: str, options: list[dict[str, str]]) -> dict[str, str] | None:
    """The quick reply a message picks: its value, its label, or its number (SMS)."""
    wanted = text.strip().lower()
    for index, option in enumerate(options, start=1):
        if wanted in (option["value"].lower(), option["label"].lower(), str(index)):
            return option
    return None


def build_route(services: Services) -> Callable[[ConversationState], dict[str, Any]]:
    """The route node over the process's services."""
    settings, brain = services.settings, services.brain

    def handoff_update(state: ConversationState, reason: str, why: str) -> dict[str, Any]:
        return hand_off(services, state, reason, why)

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
        if pending.get("kind") == "menu":
            picked = choice_for(text, pending.get("options", []))
            if picked is not None:
                return goto(picked["skill"], {"text": picked["label"]}, "picked from the menu",
                            pending=None)
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
        if understanding.get("rule") == "sign_off":
            return {"next": "respond", "status": "resolved", "pending": None,
                    "clarified": False,
                    "parts": parts_to_json([brain.phrase("sign_off",
                                                         {"store": settings.store_name})]),
                    "decision": {"action": "sign_off"}}
        if understanding.get("greeting"):
            return {"next": "respond", "status": "resolved",
                    "pending": {"kind": "menu", "options": menu_choices()},
                    "parts": parts_to_json([brain.phrase("greeting",
                                                         {"store": settings.store_name}),
                                            skill_menu()]),
                    "decision": {"action": "greeting"}}
        if not confident or best is None:
            if state.get("clarified"):
                return handoff_update(state, NOT_UNDERSTOOD, "unsure twice")
            return {"next": "respond", "status": "awaiting", "clarified": True,
                    "pending": {"kind": "clarify", "request": state.get("request", {}),
                                "options": menu_choices()},
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

    def menu_choices() -> list[dict[str, str]]:
        return [{"label": label, "value": label, "skill": name}
                for name, label in SKILL_CHOICES.items() if services.skills.is_live(name)]

    def skill_menu() -> QuickRepliesPart:
        return QuickRepliesPart(options=[QuickReply(label=label, value=label)
                                         for name, label in SKILL_CHOICES.items()
                                         if services.skills.is_live(name)])

    return route
