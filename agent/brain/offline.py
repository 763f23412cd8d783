"""The offline brain: embeddings for routing, rule extractors for entities, templates for words.

Runs with no network and no key. The embedding model is passed in (loaded once per
process by the runtime) and shared with the knowledge base. Replies are worded from the
English templates and put into the customer's language where the translated templates
cover them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from string import Formatter
from typing import Any

from agent.brain.base import ComposeContext, Composed, Understanding
from agent.brain.extractors import extract_entities, is_greeting
from agent.brain.language import detect_language
from agent.brain.router import EmbeddingRouter, TextEmbedder
from agent.brain.templates import TEMPLATES
from agent.brain.translations import LOCALISED, LOCALISED_LABELS
from agent.brain.triage import KEEPS_LANGUAGE
from skills.parts import (
    HandoffNoticePart,
    LoginPromptPart,
    Part,
    QuickRepliesPart,
    QuickReply,
    TextPart,
)


def _pattern(template: str) -> re.Pattern[str]:
    """A regex that matches ``template``'s filled text and captures each placeholder."""
    pieces: list[str] = []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        pieces.append(re.escape(literal))
        if field is not None:
            pieces.append(f"(?P<{field}>.+?)")
    return re.compile("^" + "".join(pieces) + "$", re.S)


def _fill(template: str, facts: Mapping[str, Any]) -> str | None:
    try:
        return template.format(**facts)
    except (KeyError, IndexError):
        return None


class Localiser:
    """Puts parts worded from the English templates into another language's templates.

    A text part names its template and facts. A login prompt or a handoff notice carries
    only its text, so that text is matched back against the English template it was
    filled from, and its placeholders are carried over. Quick replies get their labels
    from ``labels``; the values they send back stay as they were.
    """

    def __init__(self, templates: Mapping[str, str],
                 localised: Mapping[str, Mapping[str, str]] = LOCALISED,
                 labels: Mapping[str, Mapping[str, str]] = LOCALISED_LABELS) -> None:
        self._localised = localised
        self._labels = labels
        keys = {key for table in localised.values() for key in table if key in templates}
        self._patterns = {key: _pattern(templates[key]) for key in sorted(keys)}

    def localise(self, parts: list[Part], language: str) -> list[Part]:
        """``parts`` in ``language`` where its templates cover them, else unchanged."""
        table = self._localised.get(language)
        if not table:
            return list(parts)
        labels = self._labels.get(language, {})
        return [self._labelled(part, labels) if isinstance(part, QuickRepliesPart)
                else self._localised_part(part, table) for part in parts]

    @staticmethod
    def _labelled(part: QuickRepliesPart, labels: Mapping[str, str]) -> QuickRepliesPart:
        options = [QuickReply(label=labels.get(option.label, option.label), value=option.value)
                   for option in part.options]
        return part.model_copy(update={"options": options})

    def _localised_part(self, part: Part, table: Mapping[str, str]) -> Part:
        text: str | None = None
        if isinstance(part, TextPart) and part.template is not None and part.template in table:
            text = _fill(table[part.template], part.facts)
        elif isinstance(part, LoginPromptPart | HandoffNoticePart):
            text = self._matched(part.text, table)
        return part.model_copy(update={"text": text}) if text is not None else part

    def _matched(self, text: str, table: Mapping[str, str]) -> str | None:
        for key, pattern in self._patterns.items():
            match = pattern.match(text)
            if match is not None and key in table:
                return _fill(table[key], match.groupdict())
        return None


class OfflineBrain:
    """Understands with embeddings + extractors and words with templates."""

    name = "offline"

    def __init__(self, embedder: TextEmbedder, examples: Mapping[str, Sequence[str]],
                 templates: Mapping[str, str] = TEMPLATES,
                 localised: Mapping[str, Mapping[str, str]] = LOCALISED,
                 router: EmbeddingRouter | None = None) -> None:
        self._embedder = embedder
        self._router = router or EmbeddingRouter(embedder, examples)
        self._templates = templates
        self._localiser = Localiser(templates, localised)

    def understand(self, text: str, allowed_skills: Sequence[str],
                   rule: str | None = None) -> Understanding:
        """Route ``text`` among the allowed skills, extract its entities, tell its language."""
        vector = self._embedder.embed_one(text)
        route = self._router.route(vector, allowed_skills, text)
        return Understanding(
            skill=route.skill,
            confidence=route.confidence,
            entities=extract_entities(text),
            scores=route.scores,
            greeting=is_greeting(text),
            language=None if rule in KEEPS_LANGUAGE else detect_language(text),
            vector=vector,
            rule=rule,
        )

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """The template ``key`` filled with ``facts``."""
        return TextPart(text=self._templates[key].format(**facts), template=key, facts=facts)

    def compose(self, parts: list[Part], context: ComposeContext) -> Composed:
        """Templates are final wording, put into the customer's language where covered."""
        return Composed(parts=self._localiser.localise(parts, context.language))
