"""The skill contract: a declaration, prerequisites, a context to read facts from, an outcome.

A skill reads facts only through ``SkillContext`` (the verified customer's orders, the
knowledge base, the policy, the clock) and returns channel-neutral parts plus a status.
It never formats for a channel and never calls a model; wording goes through
``ctx.say`` so the brain can phrase it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from agent.commerce.models import Product
from agent.commerce.source import CustomerOrders
from agent.config import Settings
from skills.parts import Channel, CitationPart, Part, QuickReply, TextPart
from skills.policy import StorePolicy


class OutcomeStatus(StrEnum):
    """How a skill's turn ended."""

    RESOLVED = "resolved"
    NEEDS_IDENTITY = "needs_identity"
    AWAITING = "awaiting"
    REDIRECT = "redirect"
    HANDOFF = "handoff"


class KnowledgeHit(Protocol):
    """A retrieved knowledge-base section (see ``knowledge_base.search.Hit``)."""

    @property
    def article(self) -> str:
        """The article's title."""
        ...

    @property
    def heading(self) -> str:
        """The section's heading path."""
        ...

    @property
    def source(self) -> str:
        """The file the article came from."""
        ...

    @property
    def section_id(self) -> str:
        """Stable id of the section."""
        ...

    @property
    def text(self) -> str:
        """The section's text."""
        ...

    @property
    def score(self) -> float:
        """Fused relevance in [0, 1]."""
        ...


class KnowledgeSearch(Protocol):
    """Search over the brand's knowledge base; returns only hits above the score floor."""

    def search(self, query: str, k: int = 5) -> Sequence[KnowledgeHit]:
        """The best sections for ``query``."""
        ...


class Phrasing(Protocol):
    """Turns a template key and facts into a text part (templates offline, a model later)."""

    def phrase(self, key: str, facts: dict[str, Any]) -> TextPart:
        """The text for ``key`` filled with ``facts``."""
        ...


@dataclass(frozen=True)
class Request:
    """What the shopper asked, as understood: the message and the entities found in it."""

    text: str
    order_number: str | None = None
    change: str | None = None

    def merged(self, other: Request) -> Request:
        """This request, with blanks filled from ``other`` (a follow-up answer)."""
        return Request(
            text=self.text,
            order_number=self.order_number or other.order_number,
            change=self.change or other.change,
        )

    def to_dict(self) -> dict[str, str | None]:
        """JSON form, for the checkpointed state."""
        return {"text": self.text, "order_number": self.order_number, "change": self.change}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Request:
        """Back from the JSON form."""
        return cls(text=data.get("text") or "", order_number=data.get("order_number"),
                   change=data.get("change"))


@dataclass
class SkillContext:
    """Everything a skill may read. ``orders`` is None until the customer is verified."""

    request: Request
    channel: Channel
    settings: Settings
    policy: StorePolicy
    now: datetime
    knowledge: KnowledgeSearch
    phrasing: Phrasing
    products: Callable[[], list[Product]]
    orders: CustomerOrders | None = None
    carried: dict[str, Any] = field(default_factory=dict)

    def say(self, key: str, **facts: Any) -> TextPart:
        """A text part worded from the template ``key`` and ``facts``."""
        return self.phrasing.phrase(key, facts)

    def policy_hit(self, query: str) -> KnowledgeHit | None:
        """The best knowledge-base section for a policy query, or None below the floor."""
        hits = self.knowledge.search(query, k=1)
        return hits[0] if hits else None


def citation_of(hit: KnowledgeHit) -> CitationPart:
    """The citation part for a retrieved section."""
    return CitationPart(article=hit.article, heading=hit.heading, source=hit.source,
                        section_id=hit.section_id)


@dataclass
class Awaiting:
    """A question the skill asked; the answer fills ``slot`` on the next message."""

    slot: str
    options: list[QuickReply] = field(default_factory=list)


@dataclass
class SkillOutcome:
    """What a skill produced: parts, a status and what the engine needs to carry on."""

    status: OutcomeStatus
    parts: list[Part] = field(default_factory=list)
    awaiting: Awaiting | None = None
    redirect_to: str | None = None
    handoff_reason: str | None = None
    carry: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PrerequisiteEnv:
    """What prerequisites may inspect: settings and the knowledge base."""

    settings: Settings
    knowledge: KnowledgeSearch


@dataclass(frozen=True)
class Prerequisite:
    """A condition for a skill to be Live; ``check`` returns None when met, else why not."""

    name: str
    check: Callable[[PrerequisiteEnv], str | None]


def policy_content(query: str, missing: str) -> Prerequisite:
    """A prerequisite met when the knowledge base answers ``query`` above its floor."""

    def check(env: PrerequisiteEnv) -> str | None:
        return None if env.knowledge.search(query, k=1) else missing

    return Prerequisite(name=f"content: {query}", check=check)


class Skill:
    """Base of every skill: the declaration the router and the console read, and ``run``."""

    name: str = ""
    description: str = ""
    examples: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = tuple(Channel)
    needs_identity: bool = False
    policy_queries: tuple[str, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()

    def needs_identity_for(self, request: Request) -> bool:
        """Whether this particular request needs a verified customer."""
        return self.needs_identity

    def unmet_prerequisites(self, env: PrerequisiteEnv) -> list[str]:
        """The reasons this skill is Unavailable, in words; empty when Live."""
        return [reason for p in self.prerequisites if (reason := p.check(env)) is not None]

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Handle one request; subclasses implement this."""
        raise NotImplementedError
