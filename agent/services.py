"""The long-lived parts one process shares across turns, passed to the graph's nodes.

Built once by ``agent.runtime``: no model, collection or store is loaded per turn.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.brain.base import Brain
from agent.brain.router import EmbeddingRouter
from agent.business_hours import OpeningHours
from agent.clock import Clock
from agent.commerce.source import OrderSource
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.identity import OneTimeCodes, StorefrontTokens
from agent.outbound import Outbound
from agent.topics import TopicClassifier
from skills.base import KnowledgeSearch
from skills.policy import StorePolicy
from skills.registry import SkillRegistry


@dataclass
class Services:
    """Dependencies of the engine, injected rather than imported as singletons."""

    settings: Settings
    clock: Clock
    store: ConversationStore
    source: OrderSource
    knowledge: KnowledgeSearch
    brain: Brain
    skills: SkillRegistry
    codes: OneTimeCodes
    tokens: StorefrontTokens
    policy: StorePolicy
    topics: TopicClassifier
    request_router: EmbeddingRouter
    hours: OpeningHours
    outbound: Outbound
