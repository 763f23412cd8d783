"""Handoff: the shopper asks for a person. The engine files the ticket and tells them when."""

from __future__ import annotations

from skills.base import OutcomeStatus, Skill, SkillContext, SkillOutcome

CUSTOMER_REQUEST = "customer_request"


class HandoffSkill(Skill):
    """Pass the conversation to a person on the team."""

    name = "handoff"
    description = "The shopper wants a person, or is upset, or has a problem no skill covers."
    examples = (
        "I want to talk to a person",
        "can I speak to a human",
        "connect me with customer service",
        "let me talk to a real agent",
        "this is ridiculous, get me a manager",
        "I want to file a complaint",
        "you're not helping, I need a human",
        "I was charged twice on my card",
        "I can't log in to my account",
        "I'm going to contact my lawyer",
        "speak to someone please",
        "operator",
    )
    topics = ()

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Always a soft handoff; the engine creates the ticket and the notice."""
        return SkillOutcome(status=OutcomeStatus.HANDOFF, handoff_reason=CUSTOMER_REQUEST)
