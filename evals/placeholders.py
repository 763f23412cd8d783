"""Placeholders in suite strings, filled from the demo store's named cases.

``{order}`` / ``{email}`` are the case's own order number and customer email;
``{order:CASE}`` / ``{email:CASE}`` those of another ``DEMO_CASES`` entry. Any other
brace text (a JSON-looking prompt injection, say) is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = re.compile(r"\{(order|email)(?::([A-Za-z0-9_]+))?\}")


class PlaceholderError(ValueError):
    """A placeholder that cannot be filled; the message names it."""


@dataclass(frozen=True)
class Values:
    """What the placeholders of one case stand for."""

    email: str | None
    order: str | None
    cases: Mapping[str, tuple[str, str]]


def expand(text: str, values: Values) -> str:
    """``text`` with every placeholder replaced."""
    email, order, cases = values.email, values.order, values.cases

    def fill(match: re.Match[str]) -> str:
        field, case = match.group(1), match.group(2)
        if case is not None:
            if case not in cases:
                raise PlaceholderError(f"{match.group(0)}: no demo case named {case!r} "
                                       f"(known: {', '.join(sorted(cases))})")
            case_email, case_order = cases[case]
            return case_order if field == "order" else case_email
        value = order if field == "order" else email
        if value is None:
            source = "customer.case" if field == "order" else "customer.email or customer.case"
            raise PlaceholderError(f"{match.group(0)} needs {source}")
        return value

    return PLACEHOLDER.sub(fill, text)


def expand_all(value: Any, values: Values) -> Any:
    """``value`` (a string, list or mapping of them) with every string expanded."""
    if isinstance(value, str):
        return expand(value, values)
    if isinstance(value, list):
        return [expand_all(item, values) for item in value]
    if isinstance(value, dict):
        return {key: expand_all(item, values) for key, item in value.items()}
    return value
