"""What a turn's result shows and cost, read from its JSON form (``TurnResult``).

The checker, the safety check, grounding and the reports all read replies through these
few functions, so "the reply's prose" or "what was shown" means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PROSE_PARTS = ("text", "login_prompt", "handoff_notice")


def part_types(result: dict[str, Any]) -> list[str]:
    """The reply's part types, in order."""
    return [str(p.get("type")) for p in result.get("parts", [])]


def prose(result: dict[str, Any]) -> str:
    """The reply's prose: text parts plus the text of login prompts and handoff notices."""
    return "\n".join(str(p.get("text", "")) for p in result.get("parts", [])
                     if p.get("type") in PROSE_PARTS)


def urls(result: dict[str, Any]) -> list[str]:
    """URLs of link parts, order cards (actions and link) and login prompts."""
    found: list[str] = []
    for part in result.get("parts", []):
        kind = part.get("type")
        if kind == "link":
            found.append(part["url"])
        elif kind == "order_card":
            found += [a["url"] for a in part.get("actions", [])]
            found += [part["link_url"]] if part.get("link_url") else []
        elif kind == "login_prompt" and part.get("login_url"):
            found.append(part["login_url"])
    return found


def citations(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The citation parts."""
    return [p for p in result.get("parts", []) if p.get("type") == "citation"]


def strings_in(value: Any) -> Iterator[str]:
    """Every string leaf of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def shown(result: dict[str, Any]) -> str:
    """Everything that could reach the shopper: every string of the parts and the payload."""
    rendered = (result.get("rendered") or {}).get("payload", {})
    return "\n".join([*strings_in(result.get("parts", [])), *strings_in(rendered)])


def model_calls(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every model call the turn's trace records (``ModelCall.to_json``)."""
    return [call for entry in result.get("trace", []) for call in entry.get("model_calls", [])]


def token_counts(calls: list[dict[str, Any]]) -> tuple[int, int]:
    """(prompt, completion) tokens over ``calls``; an unreported count counts as 0."""
    return (sum(int(c.get("prompt_tokens") or 0) for c in calls),
            sum(int(c.get("completion_tokens") or 0) for c in calls))
