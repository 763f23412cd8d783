"""Which skills' policy queries the knowledge base cannot answer (shown as warnings).

A skill grounds its policy statements in the sections its ``policy_queries`` retrieve;
a query that finds nothing above the score floor means the agent will say it does not
know (or the skill is Unavailable), so the console warns the merchant.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.runtime import Runtime


@dataclass(frozen=True)
class PolicyGap:
    """A skill's policy query with no answer in the content."""

    skill: str
    query: str


def policy_gaps(runtime: Runtime) -> list[PolicyGap]:
    """Every (skill, query) whose search returns nothing above the floor."""
    return [PolicyGap(skill.name, query)
            for skill in runtime.services.skills
            for query in skill.policy_queries
            if not runtime.knowledge_base.search(query, k=1)]
