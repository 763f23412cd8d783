"""The benchmark's own world: a temporary directory, one embedding model, the demo
knowledge base ingested once, and runtimes built on it with a shared signing key (so a
storefront session minted here is valid on the server subprocess too).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from agent.turns import InboundMessage
from evals.bench.workload import TurnSpec
from knowledge_base.embedder import Embedder
from knowledge_base.ingest import ingest_demo_if_empty
from knowledge_base.search import KnowledgeBase
from skills.parts import Channel


@dataclass
class BenchEnvironment:
    """Where the benchmark keeps its data, and what every runtime of the run shares."""

    root: Path
    embedder: Embedder
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    runtimes: list[Runtime] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path) -> BenchEnvironment:
        """Load the model and ingest the demo articles under ``root``."""
        environment = cls(root, Embedder())
        ingest_demo_if_empty(KnowledgeBase.open(environment.chroma_dir, "knowledge_base",
                                                environment.embedder))
        return environment

    @property
    def chroma_dir(self) -> Path:
        """The ingested demo knowledge base every runtime and subprocess reads."""
        return self.root / "chroma"

    def settings(self, name: str, **overrides: Any) -> Settings:
        """Settings of a fresh data directory ``name`` on the shared knowledge base, with
        the embedded defaults whatever the environment says (offline brain, demo store,
        SQLite unless ``database_url`` is given)."""
        values: dict[str, Any] = {
            "data_dir": self.root / name, "chroma_dir": self.chroma_dir, "chroma_url": None,
            "database_url": None, "brain": "offline", "order_source": "demo",
            "secret_key": self.secret_key, **overrides}
        return Settings(**values)

    def runtime(self, name: str, **overrides: Any) -> Runtime:
        """A runtime on a fresh data directory, sharing the model; closed by ``close``."""
        runtime = build_runtime(self.settings(name, **overrides), embedder=self.embedder)
        self.runtimes.append(runtime)
        return runtime

    def close(self) -> None:
        """Close every runtime built here."""
        for runtime in self.runtimes:
            runtime.close()
        self.runtimes.clear()


def storefront_token(runtime: Runtime, email: str | None) -> str | None:
    """A signed storefront session for the demo customer with ``email`` (None: anonymous)."""
    if email is None:
        return None
    customer = runtime.services.source.customer_by_email(email)
    if customer is None:
        raise ValueError(f"no demo customer with email {email}")
    return runtime.services.tokens.issue(customer.id, runtime.services.clock.now())


def inbound(spec: TurnSpec, conversation_id: str, token: str | None) -> InboundMessage:
    """The webchat message of ``spec`` in ``conversation_id``, signed in with ``token``."""
    return InboundMessage(conversation_id=conversation_id, channel=Channel.WEBCHAT,
                          text=spec.text, storefront_token=token)


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000
