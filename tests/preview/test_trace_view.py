"""The trace panel lists what the skills retrieved, with scores and the query asked,
cited sections first: also the policy look-ups of skills other than FAQ."""

from __future__ import annotations

from agent.runtime import Runtime
from preview.trace_view import trace_view
from tests.scenarios.chat import of_type, verified


def test_a_policy_answer_lists_its_retrieved_sections_with_scores_cited_first(
        runtime: Runtime) -> None:
    shopper, number = verified(runtime, "delivered_recent", "webchat")
    result = shopper.say(f"I want to return order {number}")
    assert result.skill == "returns"
    cited = {p["section_id"] for p in of_type(result, "citation")}
    passages = trace_view(result.model_dump(mode="json")).used_passages
    assert cited and {p["section_id"] for p in passages} >= cited
    assert all(p["score"] is not None and 0 < p["score"] <= 1 and p["query"]
               for p in passages)
    flags = [p["cited"] for p in passages]
    assert flags == sorted(flags, reverse=True)
