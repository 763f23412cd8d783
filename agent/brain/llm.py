"""The LLM brain: a model understands and words, the offline brain stands behind every step.

Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server)
is reached through ``agent.brain.llm_client``. ``understand`` makes one call per message
(none for a message a rule handles); ``compose`` makes one call that rewords the reply's
text parts, each checked against its sources by ``agent.brain.grounding`` (numbers, dates,
links), ``agent.brain.commitments`` (promises and actions in words) and
``agent.brain.prompt_echo`` (the instructions read out). Whatever fails, the offline brain's
answer is used for that step and the trace says why. The model only classifies and
words: codes, e-mails and order numbers the extractors found are never overridden, the
model's order number is a hint that code still looks up within the verified customer's
orders, and every decision stays with the engine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Annotated, Any, Literal

import openai
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from agent.brain.base import (
    ComposeContext,
    Composed,
    LlmNotConfigured,
    ModelCall,
    Understanding,
)
from agent.brain.commitments import unbacked
from agent.brain.grounding import ungrounded
from agent.brain.language import LANGUAGE_NAMES
from agent.brain.llm_client import CircuitBreaker, ModelClient
from agent.brain.offline import OfflineBrain
from agent.brain.prompt_echo import echoed
from agent.brain.prompts import (
    CHANNEL_STYLE,
    COMPOSITION_SCHEMA,
    composition_messages,
    looks_like_injection,
    understanding_messages,
    understanding_schema,
)
from skills.base import KnowledgeSearch
from skills.parts import CitationPart, Part, TextPart

Change = Literal["cancel", "address", "add_item", "size", "color", "quantity"]
Label = Annotated[str, Field(max_length=120)]
PASSAGE_CANDIDATES = 5
MODEL_LANGUAGE_MIN_WORDS = 3
GROWTH_FACTOR = 1.5
GROWTH_SLACK = 100


class LlmSettings(BaseSettings):
    """The model endpoint and how the LLM brain uses it (env prefix ``CUSTOMER_AGENT_LLM_``)."""

    model_config = SettingsConfigDict(env_prefix="CUSTOMER_AGENT_LLM_", extra="ignore")

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = ""
    timeout_seconds: float = Field(default=8.0, gt=0)
    max_retries: int = Field(default=1, ge=0, le=3)
    backoff_seconds: float = Field(default=0.5, ge=0)
    breaker_failures: int = Field(default=3, ge=1)
    breaker_cooldown_seconds: float = Field(default=30.0, ge=0)
    temperature: float = Field(default=0.2, ge=0, le=2)
    tone: str = "Warm, calm and to the point, like a helpful person in a small outdoor shop."
    style_rules: str = ("Short sentences. No emojis. No exclamation marks outside a greeting. "
                        "Speak to the shopper as 'you'.")

    def client(self) -> openai.OpenAI:
        """The ``openai`` client (its own retries off: ``ModelClient`` retries)."""
        if not self.model:
            raise LlmNotConfigured("set CUSTOMER_AGENT_LLM_MODEL to use the LLM brain")
        if self.api_key is None and not self.base_url:
            raise LlmNotConfigured("set CUSTOMER_AGENT_LLM_API_KEY (or CUSTOMER_AGENT_LLM_BASE_URL "
                                   "for a local server) to use the LLM brain")
        key = self.api_key.get_secret_value() if self.api_key else "not-needed"
        return openai.OpenAI(api_key=key, base_url=self.base_url, max_retries=0,
                             timeout=self.timeout_seconds)


class ModelEntities(BaseModel):
    """Entities as a model reports them."""

    model_config = ConfigDict(extra="forbid")
    order_number: Annotated[str, Field(pattern=r"^#?\d{3,8}$")] | None
    items: list[Label] = Field(max_length=10)
    change: Change | None


class ModelUnderstanding(BaseModel):
    """An understand call's answer, validated before anything reads it."""

    model_config = ConfigDict(extra="forbid")
    skill: str | None
    confidence: float = Field(ge=0, le=1)
    entities: ModelEntities
    topics: list[Label] = Field(max_length=5)
    language: str | None
    injection: bool


class ComposedText(BaseModel):
    """One reworded text part."""

    model_config = ConfigDict(extra="forbid")
    index: int
    text: str = Field(min_length=1, max_length=4000)


class ModelComposition(BaseModel):
    """A compose call's answer."""

    model_config = ConfigDict(extra="forbid")
    texts: list[ComposedText]


def parse_understanding(data: Any, allowed_skills: Sequence[str]) -> ModelUnderstanding:
    """The model's understanding, or ValueError if it breaks the schema or names a skill
    that is not allowed."""
    answer = ModelUnderstanding.model_validate(data)
    if answer.skill is not None and answer.skill not in allowed_skills:
        raise ValueError(f"skill {answer.skill!r} is not allowed")
    return answer


def parse_composition(data: Any, indexes: Iterable[int]) -> ModelComposition:
    """The model's texts, or ValueError if one answers a part it was not given."""
    answer = ModelComposition.model_validate(data)
    unknown = {t.index for t in answer.texts} - set(indexes)
    if unknown:
        raise ValueError(f"texts for parts it was not given: {sorted(unknown)}")
    return answer


def cited_passages(parts: Sequence[Part],
                   knowledge: KnowledgeSearch | None) -> list[dict[str, str]]:
    """The text of each section the reply cites, found again through the knowledge base."""
    if knowledge is None:
        return []
    passages: dict[str, dict[str, str]] = {}
    for part in parts:
        if not isinstance(part, CitationPart) or part.section_id in passages:
            continue
        for hit in knowledge.search(f"{part.article} {part.heading}", k=PASSAGE_CANDIDATES):
            if hit.section_id == part.section_id:
                passages[part.section_id] = {"article": hit.article, "heading": hit.heading,
                                             "text": hit.text}
    return list(passages.values())


def growth_limit(draft: TextPart) -> int:
    """The most characters a rewording of ``draft`` may take before it is padding."""
    return int(len(draft.text) * GROWTH_FACTOR) + GROWTH_SLACK


def rejection(text: str, draft: TextPart, passages: Sequence[dict[str, str]],
              limit: int, instructions: str) -> str:
    """Why the model's ``text`` for ``draft`` cannot be used; empty when it can.

    Refused: no text; a text over the channel's ``limit`` or far longer than its draft;
    a number, date, link or email its sources lack (``grounding``); a commitment they do
    not make (``commitments``); a run of the model's ``instructions`` (``prompt_echo``).
    """
    if not text:
        return "no text for this part"
    if len(text) > max(limit, len(draft.text)):
        return f"longer than {limit} characters"
    if len(text) > growth_limit(draft):
        return f"{len(text)} characters for a draft of {len(draft.text)}"
    sources = [json.dumps(draft.facts, ensure_ascii=False, default=str), draft.text,
               *(f"{p['heading']}\n{p['text']}" for p in passages)]
    found = [*ungrounded(text, sources), *unbacked(text, sources),
             *echoed(text, instructions, sources)]
    return "; ".join(str(f) for f in found)


class LlmBrain:
    """Understands and words with a model; the offline brain answers whenever it cannot."""

    name = "llm"

    def __init__(self, offline: OfflineBrain, client: ModelClient,
                 examples: Mapping[str, Sequence[str]], *, store: str, tone: str,
                 style_rules: str) -> None:
        self._offline = offline
        self._client = client
        self._examples = examples
        self._store = store
        self._tone = tone
        self._style_rules = style_rules

    @classmethod
    def from_settings(cls, settings: LlmSettings, offline: OfflineBrain,
                      examples: Mapping[str, Sequence[str]], *, store: str,
                      clock: Callable[[], float] = time.monotonic,
                      sleep: Callable[[float], None] = time.sleep) -> LlmBrain:
        """An LLM brain for the endpoint ``settings`` name, over ``offline``."""
        breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_seconds,
                                 clock)
        client = ModelClient(settings.client(), settings.model, breaker,
                             timeout_seconds=settings.timeout_seconds,
                             max_retries=settings.max_retries,
                             backoff_seconds=settings.backoff_seconds,
                             temperature=settings.temperature, sleep=sleep)
        return cls(offline, client, examples, store=store, tone=settings.tone,
                   style_rules=settings.style_rules)

    def understand(self, text: str, allowed_skills: Sequence[str],
                   rule: str | None = None) -> Understanding:
        """The model's reading of ``text`` over the offline one, or the offline one alone.

        No model is asked about a message a rule handles or one that plainly tries to
        instruct the agent; an answer the model flags as an injection is not used.
        """
        base = self._offline.understand(text, allowed_skills, rule)
        if rule is not None:
            return base
        if looks_like_injection(text):
            return replace(base, fallback="injection", injection=True)
        result = self._client.call_json(
            "understand", understanding_messages(text, self._store, self._examples,
                                                 allowed_skills),
            "understanding", understanding_schema(allowed_skills),
            lambda data: parse_understanding(data, allowed_skills))
        calls = [result.call] if result.call is not None else []
        answer = result.value
        if answer is None:
            return replace(base, model_calls=calls, fallback=result.failure)
        if answer.injection:
            return replace(base, model_calls=calls, fallback="injection", injection=True)
        hinted = (answer.entities.order_number or "").lstrip("#") or None
        entities = replace(base.entities, order_number=base.entities.order_number or hinted,
                           change=base.entities.change or answer.entities.change,
                           items=tuple(answer.entities.items))
        language = base.language
        if language is None and len(text.split()) >= MODEL_LANGUAGE_MIN_WORDS \
                and answer.language in LANGUAGE_NAMES:
            language = answer.language
        return replace(base, skill=answer.skill, confidence=answer.confidence,
                       entities=entities, scores={}, language=language,
                       topics=list(answer.topics), model_calls=calls)

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """Templates first: ``compose`` rewords them once the whole reply is known."""
        return self._offline.phrase(key, facts)

    def compose(self, parts: list[Part], context: ComposeContext) -> Composed:
        """The reply's text parts reworded by the model where grounded, else the templates."""
        drafted = self._offline.compose(parts, context).parts
        texts = {i: part for i, part in enumerate(parts) if isinstance(part, TextPart)}
        if not texts:
            return Composed(drafted)
        passages = cited_passages(parts, context.knowledge)
        drafts = [{"index": i, "draft": p.text, "facts": p.facts} for i, p in texts.items()]
        messages = composition_messages(
            drafts, passages, store=self._store, language=context.language,
            channel=context.channel, tone=self._tone, style_rules=self._style_rules)
        result = self._client.call_json(
            "compose", messages, "composition", COMPOSITION_SCHEMA,
            lambda data: parse_composition(data, texts))
        calls: list[ModelCall] = [result.call] if result.call is not None else []
        if result.value is None:
            return Composed(drafted, calls, [{"kept": "templates", "why": result.failure}])
        worded = {t.index: t.text.strip() for t in result.value.texts}
        limit = CHANNEL_STYLE[context.channel].max_chars
        composed, notes = list(drafted), []
        for index, original in texts.items():
            text = worded.get(index, "")
            why = rejection(text, original, passages, limit, messages[0]["content"])
            if why:
                notes.append({"index": index, "template": original.template,
                              "kept": "template", "why": why})
            else:
                composed[index] = drafted[index].model_copy(update={"text": text})
        return Composed(composed, calls, notes)
