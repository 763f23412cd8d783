"""The Brain protocol: understanding a message and wording a reply.

A brain classifies and words; it never decides. The offline brain (embeddings,
extractors, templates) is the default; an LLM brain implements the same protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from skills.parts import Channel, Part, TextPart


@dataclass(frozen=True)
class Entities:
    """What the extractors found in one message."""

    order_number: str | None = None
    email: str | None = None
    phone: str | None = None
    code: str | None = None
    yes_no: bool | None = None
    change: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form, for the trace."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Understanding:
    """A message, understood: the skill it asks for, how sure, and its entities."""

    skill: str | None
    confidence: float
    entities: Entities
    scores: dict[str, float] = field(default_factory=dict)
    greeting: bool = False
    language: str = "en"
    vector: np.ndarray | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for the trace (the embedding is left out)."""
        return {"skill": self.skill, "confidence": round(self.confidence, 3),
                "scores": {k: round(v, 3) for k, v in self.scores.items()},
                "entities": self.entities.to_json(), "greeting": self.greeting,
                "language": self.language}


class Brain(Protocol):
    """What the engine asks of a brain."""

    name: str

    def understand(self, text: str, allowed_skills: Sequence[str]) -> Understanding:
        """Classify ``text`` among ``allowed_skills`` and extract its entities."""
        ...

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """Word the template ``key`` with ``facts``."""
        ...

    def compose(self, parts: list[Part], channel: Channel) -> list[Part]:
        """Final wording of the reply's text parts; cards, links and codes are untouched."""
        ...
