"""The offline brain: embeddings for routing, rule extractors for entities, templates for words.

Runs with no network and no key. The embedding model is passed in (loaded once per
process by the runtime) and shared with the knowledge base.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.brain.base import Understanding
from agent.brain.extractors import extract_entities, is_greeting
from agent.brain.router import EmbeddingRouter, TextEmbedder
from agent.brain.templates import TEMPLATES
from skills.parts import Channel, Part, TextPart


class OfflineBrain:
    """Understands with embeddings + extractors and words with templates."""

    name = "offline"

    def __init__(self, embedder: TextEmbedder, examples: Mapping[str, Sequence[str]],
                 templates: Mapping[str, str] = TEMPLATES) -> None:
        self._embedder = embedder
        self._router = EmbeddingRouter(embedder, examples)
        self._templates = templates

    def understand(self, text: str, allowed_skills: Sequence[str]) -> Understanding:
        """Route ``text`` among the allowed skills and extract its entities."""
        vector = self._embedder.embed_one(text)
        route = self._router.route(vector, allowed_skills)
        return Understanding(
            skill=route.skill,
            confidence=route.confidence,
            entities=extract_entities(text),
            scores=route.scores,
            greeting=is_greeting(text),
            vector=vector,
        )

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """The template ``key`` filled with ``facts``."""
        return TextPart(text=self._templates[key].format(**facts), template=key, facts=facts)

    def compose(self, parts: list[Part], channel: Channel) -> list[Part]:
        """Templates are already final wording: the parts are returned unchanged."""
        return parts
