"""The store's policy as numbers and tag sets: what the rules in ``rules.py`` apply.

The demo brand's knowledge-base articles state the same figures in words; the agent cites
the article and decides with these values, so a reply never promises what they forbid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

FINAL_SALE = "final-sale"
PERSONALISED = "personalised"
PRE_ORDER = "pre-order"


@dataclass(frozen=True)
class StorePolicy:
    """Windows and exclusions for editing, cancelling and returning orders."""

    edit_window: timedelta = timedelta(hours=12)
    cancel_window: timedelta = timedelta(hours=24)
    return_window: timedelta = timedelta(days=30)
    edit_excluded_tags: frozenset[str] = field(
        default_factory=lambda: frozenset({FINAL_SALE, PERSONALISED, PRE_ORDER}))
    cancel_excluded_tags: frozenset[str] = field(
        default_factory=lambda: frozenset({FINAL_SALE, PERSONALISED}))
    return_excluded_tags: frozenset[str] = field(
        default_factory=lambda: frozenset({FINAL_SALE, PERSONALISED}))
    dispatch_days: int = 2
    delivery_days: int = 5
