"""build_graph(): the conversation graph's wiring, and nothing else.

intake -> understand -> route -> (verify | run_skill)* -> respond, checkpointed per
conversation (thread id = conversation id) so a pending step survives a restart.
"""

from __future__ import annotations

from typing import Any, cast

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from agent.nodes import build_nodes
from agent.services import Services
from agent.state import ConversationState


def _next(state: ConversationState) -> str:
    return state.get("next") or "respond"


def _after_intake(state: ConversationState) -> str:
    return END if state.get("silent") or state.get("next") == "end" else "understand"


def build_graph(services: Services, checkpointer: BaseCheckpointSaver[Any]) -> Any:
    """The compiled conversation graph."""
    nodes = build_nodes(services)
    graph = StateGraph(ConversationState)
    for name, node in nodes.items():
        graph.add_node(name, cast(Any, node))
    graph.add_edge(START, "intake")
    graph.add_conditional_edges("intake", _after_intake, ["understand", END])
    graph.add_edge("understand", "topics")
    graph.add_edge("topics", "route")
    graph.add_conditional_edges("route", _next, ["verify", "run_skill", "respond"])
    graph.add_conditional_edges("verify", _next, ["run_skill", "respond"])
    graph.add_conditional_edges("run_skill", _next, ["run_skill", "respond"])
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=checkpointer)
