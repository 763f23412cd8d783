"""The Brain protocol: understanding a message and wording a reply.

A brain classifies and words; it never decides. The offline brain (embeddings,
extractors, templates) is the default; an LLM brain implements the same protocol and
reports every model call it made, so the trace shows what each turn cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from skills.base import KnowledgeSearch
from skills.parts import Channel, Part, TextPart


@dataclass(frozen=True)
class Entities:
    """What the extractors found in one message (``items`` may come from a model)."""

    order_number: str | None = None
    email: str | None = None
    phone: str | None = None
    code: str | None = None
    yes_no: bool | None = None
    change: str | None = None
    items: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form, for the trace."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in self.__dict__.items() if v is not None and v != ()}


@dataclass(frozen=True)
class ModelCall:
    """One call to a language model: why, how long, what it cost, and how it ended."""

    purpose: str
    ms: float
    outcome: str
    attempts: int = 1
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form, for the trace and eval reports."""
        return dict(self.__dict__)


@dataclass
class Understanding:
    """A message, understood: the skill it asks for, how sure, and its entities.

    ``rule`` names the engine rule that handles the message (no model is asked then);
    ``fallback`` says why a model's answer was not used; ``language`` is None when the
    message is too short to tell.
    """

    skill: str | None
    confidence: float
    entities: Entities
    scores: dict[str, float] = field(default_factory=dict)
    greeting: bool = False
    language: str | None = None
    vector: np.ndarray | None = None
    topics: list[str] = field(default_factory=list)
    injection: bool = False
    rule: str | None = None
    fallback: str | None = None
    model_calls: list[ModelCall] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON form for the state and the trace (the embedding is left out)."""
        data: dict[str, Any] = {
            "skill": self.skill, "confidence": round(self.confidence, 3),
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
            "entities": self.entities.to_json(), "greeting": self.greeting,
            "language": self.language, "injection": self.injection,
            "model_calls": [call.to_json() for call in self.model_calls]}
        optional = {"topics": self.topics, "rule": self.rule, "fallback": self.fallback}
        data.update({k: v for k, v in optional.items() if v})
        return data


@dataclass(frozen=True)
class ComposeContext:
    """What wording a reply may use besides its parts: where it goes and in which language.

    ``knowledge`` lets a brain read the text of the sections the reply cites.
    """

    channel: Channel
    language: str = "en"
    knowledge: KnowledgeSearch | None = None


@dataclass
class Composed:
    """A worded reply, the model calls it took and, per text part, why a draft was kept."""

    parts: list[Part]
    model_calls: list[ModelCall] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The trace's view: calls always, notes when there are any."""
        data: dict[str, Any] = {"model_calls": [call.to_json() for call in self.model_calls]}
        if self.notes:
            data["composition"] = self.notes
        return data


class Brain(Protocol):
    """What the engine asks of a brain."""

    name: str

    def understand(self, text: str, allowed_skills: Sequence[str],
                   rule: str | None = None) -> Understanding:
        """Classify ``text`` among ``allowed_skills`` and extract its entities.

        ``rule`` names the engine rule that already handles the message; a brain then
        asks no model about it.
        """
        ...

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """Word the template ``key`` with ``facts``."""
        ...

    def compose(self, parts: list[Part], context: ComposeContext) -> Composed:
        """Final wording of the reply's text parts; cards, links and codes are untouched."""
        ...


class LlmNotConfigured(ValueError):
    """``--brain llm`` was asked for without a model to call."""
