"""A turn's trace, arranged for the preview's trace panel.

Reads only what the engine recorded in ``TurnResult.trace`` (one entry per node visited,
with its timing and decision) plus the reply's parts; nothing is re-computed here except
the explicitly labelled knowledge-base search for the shopper's message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from skills.base import KnowledgeHit

SHOWN_ELSEWHERE = frozenset({"node", "ms", "scores", "entities", "model_calls"})


@dataclass
class TraceNode:
    """One node visit: its name, how long it took and what it decided."""

    node: str
    ms: float
    details: list[tuple[str, str]]


@dataclass
class OrderLine:
    """One line item of an order the skill looked at, with the rule's decision."""

    title: str
    status: str
    decision: str
    allowed: bool | None
    reason: str


@dataclass
class TraceView:
    """Everything the trace panel shows for one turn."""

    skill: str | None
    confidence: float
    status: str
    identity: str
    topics: list[str]
    handoff: dict[str, Any] | None
    total_ms: float
    nodes: list[TraceNode]
    entities: dict[str, Any]
    route_scores: list[tuple[str, float]]
    order_number: str | None
    order_lines: list[OrderLine]
    used_passages: list[dict[str, Any]]
    searched_passages: list[dict[str, Any]] = field(default_factory=list)


def _details(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """A node's decision as key/value text; order line items have their own table."""
    details = []
    for key, value in entry.items():
        if key == "facts" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "items"}
        if key not in SHOWN_ELSEWHERE and value not in (None, [], {}):
            details.append((key, _shown(value)))
    return details


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _order_lines(facts: dict[str, Any]) -> list[OrderLine]:
    lines = []
    for item in facts.get("items") or []:
        if not isinstance(item, dict):
            continue
        allowed = item.get("allowed")
        decision = ("allowed" if allowed else "not allowed") if isinstance(allowed, bool) \
            else " / ".join(str(item[k]) for k in ("stage", "lateness") if item.get(k))
        title = " — ".join(str(item[k]) for k in ("title", "variant") if item.get(k))
        lines.append(OrderLine(title=title, status=str(item.get("status", "")),
                               decision=decision,
                               allowed=allowed if isinstance(allowed, bool) else None,
                               reason=str(item.get("reason") or item.get("detail") or "")))
    return lines


def _used_passages(trace: Sequence[dict[str, Any]],
                   parts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every section the skills retrieved this turn (their policy queries included), best
    score first, each marked when the reply cites it; cited sections come first."""
    cited = {p.get("section_id") for p in parts if p.get("type") == "citation"}
    best: dict[str, dict[str, Any]] = {}
    for entry in trace:
        for search in entry.get("retrieved") or []:
            for hit in search.get("hits") or []:
                known = best.get(hit["section_id"])
                if known is None or hit["score"] > known["score"]:
                    best[hit["section_id"]] = {**hit, "query": search.get("query", ""),
                                               "cited": hit["section_id"] in cited}
    passages = sorted(best.values(), key=lambda h: (not h["cited"], -h["score"]))
    passages += [{"article": p.get("article", ""), "heading": p.get("heading", ""),
                  "section_id": p.get("section_id", ""), "score": None, "cited": True,
                  "query": ""}
                 for p in parts if p.get("type") == "citation"
                 and p.get("section_id") not in best]
    return passages


def trace_view(result: dict[str, Any]) -> TraceView:
    """The panel's view of one stored ``TurnResult``."""
    trace: list[dict[str, Any]] = list(result.get("trace") or [])
    understanding = next((e for e in trace if e.get("node") == "understand"), {})
    facts: dict[str, Any] = {}
    for entry in trace:
        if entry.get("node") == "run_skill" and isinstance(entry.get("facts"), dict):
            facts = {**facts, **entry["facts"]}
    scores = understanding.get("scores") or {}
    nodes = [TraceNode(node=str(e.get("node", "?")), ms=float(e.get("ms") or 0.0),
                       details=_details(e)) for e in trace]
    return TraceView(
        skill=result.get("skill"), confidence=float(result.get("confidence") or 0.0),
        status=str(result.get("status", "")), identity=str(result.get("identity", "")),
        topics=list(result.get("topics") or []), handoff=result.get("handoff"),
        total_ms=round(sum(n.ms for n in nodes), 2), nodes=nodes,
        entities={k: v for k, v in (understanding.get("entities") or {}).items() if v},
        route_scores=sorted(((str(k), float(v)) for k, v in scores.items()),
                            key=lambda pair: -pair[1]),
        order_number=facts.get("order_number"), order_lines=_order_lines(facts),
        used_passages=_used_passages(trace, result.get("parts") or []),
    )


def searched_passages(hits: Sequence[KnowledgeHit]) -> list[dict[str, Any]]:
    """Knowledge-base hits as the panel lists them."""
    return [{"article": h.article, "heading": h.heading, "section_id": h.section_id,
             "score": round(h.score, 3)} for h in hits]
