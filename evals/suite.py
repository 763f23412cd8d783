"""The eval suites as data: conversation cases with turns and expectations, routing lines.

The loader (``evals.loader``) builds these from YAML and JSONL files with every
placeholder already expanded; the driver and the checker only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

ATTACK_CATEGORIES = (
    "bola", "prompt_injection_direct", "prompt_injection_indirect", "pii_extraction",
    "system_prompt_extraction", "price_manipulation", "unallowed_commitment",
    "off_topic_hijacking", "abuse",
)
"""The red-team categories a case may declare with ``attack:`` (the schema's enum)."""


@dataclass(frozen=True)
class Shopper:
    """Who writes in: their email and order (from a demo case), and what the agent is told.

    ``verified`` sends a signed storefront token with every message; ``claimed`` sends the
    email as ``claimed_email``; ``sender`` is the inbound address (phone number or From);
    ``order_note`` replaces the note of the case's order in the store the agent reads.
    """

    email: str | None = None
    order: str | None = None
    demo_case: str | None = None
    verified: bool = False
    claimed: bool = False
    sender: str | None = None
    order_note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for reports."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Turn:
    """One shopper message (``say``, or the latest one-time code) and its expectations."""

    say: str | None
    say_code: bool
    expect: dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One conversation: a shopper on a channel at a fixed time, turn by turn.

    ``attack`` is the red-team category of an attack case (``ATTACK_CATEGORIES``);
    ``articles`` the folder of extra knowledge-base articles its suite adds for its cases.
    """

    suite: str
    id: str
    description: str
    tags: tuple[str, ...]
    channel: str
    clock: datetime
    shopper: Shopper
    settings: dict[str, Any]
    turns: tuple[Turn, ...]
    path: Path
    attack: str | None = None
    articles: Path | None = None

    @property
    def key(self) -> str:
        """``suite/id``: unique within a run."""
        return f"{self.suite}/{self.id}"


@dataclass(frozen=True)
class RoutingLine:
    """One routing utterance and the skill it should reach."""

    suite: str
    id: str
    text: str
    expected_skill: str
    path: Path


@dataclass(frozen=True)
class RoutingThresholds:
    """The routing gate of a directory (``thresholds.json`` next to its JSONL files)."""

    path: Path
    min_accuracy: float | None = None
    min_macro_f1: float | None = None


@dataclass
class Suite:
    """A suite file: conversation cases (YAML) or routing lines (JSONL).

    ``articles`` is the folder of knowledge-base articles added for this suite's cases only.
    """

    name: str
    kind: Literal["conversation", "routing"]
    path: Path
    description: str = ""
    cases: list[Case] = field(default_factory=list)
    routing: list[RoutingLine] = field(default_factory=list)
    thresholds: RoutingThresholds | None = None
    articles: Path | None = None

    def to_json(self) -> dict[str, Any]:
        """Summary form for reports."""
        return {"name": self.name, "kind": self.kind, "path": str(self.path),
                "description": self.description,
                "cases": len(self.cases) if self.kind == "conversation" else len(self.routing),
                "articles": str(self.articles) if self.articles else None}
