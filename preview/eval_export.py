"""A preview conversation as an eval case: the suite YAML of evals/README.md.

Each shopper message becomes a turn (a one-time code the preview held becomes
``say_code: true``) and what the agent did becomes the turn's expectations: skill,
status, identity and the reply's part types. The case runs on the clock of the
conversation's first message, with the settings the console overrides.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from preview.preview_engine import ShopperSetup

SUITE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _customer(setup: ShopperSetup, claimed: bool, sender: str | None) -> Any:
    if not setup.customer:
        return "anonymous"
    customer: dict[str, Any] = {"email": setup.customer}
    if setup.verified:
        customer["verified"] = True
    if claimed:
        customer["claimed"] = True
    if sender:
        customer["sender"] = sender
    return customer


def _clock(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _part_types(parts: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(str(p.get("type")) for p in parts))


def _expectations(result: dict[str, Any]) -> dict[str, Any]:
    expect: dict[str, Any] = {"skill": result.get("skill"), "status": result.get("status"),
                              "identity": result.get("identity")}
    types = _part_types(result.get("parts") or [])
    if types:
        expect["parts"] = types
    handoff = result.get("handoff")
    if result.get("status") == "handoff" and isinstance(handoff, dict) \
            and handoff.get("reason"):
        expect["handoff_reason"] = handoff["reason"]
    return expect


def eval_case(setup: ShopperSetup, turns: list[dict[str, Any]], held_codes: list[str], *,
              claimed: bool, sender: str | None, settings: dict[str, Any],
              author: str) -> dict[str, Any]:
    """The suite (one case) for a preview conversation's turns (``PreviewEngine.history``);
    ``claimed``/``sender`` say how the preview presented the shopper."""
    answered = [t for t in turns if t.get("result")]
    if not answered:
        raise ValueError("the conversation has no answered turn to save yet")
    steps: list[dict[str, Any]] = []
    for turn in answered:
        said = str(turn["said"])
        step: dict[str, Any] = ({"say_code": True} if said.strip() in held_codes
                                else {"say": said})
        step["expect"] = _expectations(turn["result"])
        steps.append(step)
    case: dict[str, Any] = {
        "id": setup.conversation_id,
        "description": f"Saved from the agent preview by {author}.",
        "tags": ["preview"],
        "channel": setup.channel.value,
        "clock": _clock(answered[0]["at"]),
        "customer": _customer(setup, claimed, sender),
    }
    if settings:
        case["settings"] = settings
    case["turns"] = steps
    return {"suite": SUITE_NAME.sub("-", setup.conversation_id),
            "description": "A conversation saved from the console's agent preview.",
            "cases": [case]}


def to_yaml(suite: dict[str, Any]) -> str:
    """The suite as YAML text (keys in the order given)."""
    return yaml.safe_dump(suite, sort_keys=False, allow_unicode=True, width=100)


def save_suite(suite: dict[str, Any], directory: Path) -> Path:
    """Write the suite under ``directory`` as ``<suite>.yaml``; returns the file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{suite['suite']}.yaml"
    path.write_text(to_yaml(suite), encoding="utf-8")
    return path
