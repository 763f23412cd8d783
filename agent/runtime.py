"""The composition root: builds one process's services, graph and turn service from Settings.

Everything heavy (the embedding model, Chroma, the databases, the example embeddings of
the router) is created here once and shared by every turn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.brain.factory import make_brain
from agent.brain.router import EmbeddingRouter
from agent.brain.translated_examples import not_a_request_examples, translated_examples
from agent.business_hours import parse_hours
from agent.checkpoints import Checkpoints, open_checkpoints
from agent.clock import Clock, FixedClock, SystemClock
from agent.commerce.factory import make_order_source
from agent.commerce.source import OrderSource
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.db import make_engine
from agent.graph import build_graph
from agent.identity import OneTimeCodes, StorefrontTokens
from agent.knowledge import MemoisedSearch
from agent.outbound import Outbound, Transport
from agent.services import Services
from agent.topics import TopicClassifier
from agent.turns import TurnService
from channels.render import render
from channels.transports import configured_transports
from knowledge_base.embedder import Embedder
from knowledge_base.ingest import ingest_demo_if_empty
from knowledge_base.search import IngestReport, KnowledgeBase
from skills.base import PrerequisiteEnv
from skills.registry import SkillRegistry, SkillStatus, default_skills


@dataclass
class Runtime:
    """A running agent: its services, its knowledge base and the turn service."""

    settings: Settings
    services: Services
    knowledge_base: KnowledgeBase
    memo: MemoisedSearch
    turns: TurnService
    checkpoints: Checkpoints

    def refresh_skills(self) -> list[SkillStatus]:
        """Re-check every skill's prerequisites."""
        env = PrerequisiteEnv(settings=self.settings, knowledge=self.memo)
        return self.services.skills.refresh(env)

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        """Add articles to the knowledge base, then re-check what depends on content."""
        report = self.knowledge_base.ingest(paths)
        self.memo.clear()
        self.refresh_skills()
        return report

    def close(self) -> None:
        """Stop the turn threads, release the checkpoint connections and database pool."""
        self.turns.close()
        self.checkpoints.close()
        self.services.store.engine.dispose()
        close_source = getattr(self.services.source, "close", None)
        if callable(close_source):
            close_source()


def make_clock(settings: Settings) -> Clock:
    """A fixed clock when ``settings.now`` is set (tests, evals), else the system clock."""
    return FixedClock(settings.now) if settings.now else SystemClock()


def open_knowledge_base(settings: Settings, embedder: Embedder) -> KnowledgeBase:
    """The knowledge base on a Chroma server when ``chroma_url`` is set, else embedded."""
    if settings.chroma_url:
        return KnowledgeBase.connect(settings.chroma_url, settings.kb_collection, embedder,
                                     settings.kb_score_floor)
    return KnowledgeBase.open(settings.chroma_path, settings.kb_collection, embedder,
                              settings.kb_score_floor)


def make_outbound(settings: Settings, store: ConversationStore, clock: Clock,
                  transports: Mapping[str, Transport] | None = None) -> Outbound:
    """The outbound queue with the transports the settings configure (or those given)."""
    return Outbound(store, clock, configured_transports(settings, store, clock)
                    if transports is None else transports)


def build_runtime(settings: Settings, *, embedder: Embedder | None = None,
                  source: OrderSource | None = None, ingest_demo: bool = True,
                  transports: Mapping[str, Transport] | None = None) -> Runtime:
    """Wire a whole agent from settings; ``embedder``/``source``/``transports`` may be
    shared or swapped (no transport for a channel: its messages are held in the outbox)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    clock = make_clock(settings)
    embedder = embedder or Embedder()
    knowledge_base = open_knowledge_base(settings, embedder)
    if ingest_demo:
        ingest_demo_if_empty(knowledge_base)
    memo = MemoisedSearch(knowledge_base)
    skills = SkillRegistry(default_skills())
    store = ConversationStore(make_engine(settings.resolved_database_url()))
    secret = settings.resolved_secret_key()
    examples = {s.name: s.examples for s in skills}
    skill_router = EmbeddingRouter(embedder, examples, unrelated=not_a_request_examples(),
                                   translated=translated_examples(skills))
    services = Services(
        settings=settings, clock=clock, store=store,
        source=source or make_order_source(settings, clock), knowledge=memo,
        brain=make_brain(settings, embedder, examples, skill_router),
        skills=skills, codes=OneTimeCodes(store, secret), tokens=StorefrontTokens(secret),
        policy=settings.store_policy(),
        topics=TopicClassifier(embedder),
        request_router=skill_router,
        hours=parse_hours(settings.business_hours, settings.holidays, settings.store_timezone),
        outbound=make_outbound(settings, store, clock, transports),
    )
    checkpoints = open_checkpoints(settings)
    graph = build_graph(services, checkpoints.saver)
    runtime = Runtime(settings=settings, services=services, knowledge_base=knowledge_base,
                      memo=memo, turns=TurnService(services, graph, render),
                      checkpoints=checkpoints)
    runtime.refresh_skills()
    return runtime
