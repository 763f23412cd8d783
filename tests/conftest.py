"""Shared fixtures: one embedding model and one ingested knowledge base per test session.

Each test that takes turns gets its own runtime (own SQLite database and checkpoints) on
a fixed clock, sharing the embedder and the demo knowledge base so nothing heavy is
loaded per test.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from evals.embedding import SharedEmbedder
from knowledge_base.embedder import Embedder
from knowledge_base.ingest import ingest_demo_if_empty
from knowledge_base.search import KnowledgeBase
from tests.fakes.no_network import no_real_provider  # noqa: F401 (autouse fixture)
from tests.postgres import PostgresSchemas

FIXED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The packaged all-MiniLM-L6-v2 model, loaded once for the whole run. As in eval runs
    (``evals.embedding.SharedEmbedder``), a batch of texts seen before (every runtime's
    skill and topic examples) is embedded once; single texts (messages, queries) always go
    to the model. That takes a runtime's build from about 1 s to 0.2 s."""
    return SharedEmbedder(Embedder())


@pytest.fixture(scope="session")
def demo_chroma(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chroma directory with the demo articles ingested once."""
    path = tmp_path_factory.mktemp("chroma")
    ingest_demo_if_empty(KnowledgeBase.open(path, "knowledge_base", embedder))
    return path


RuntimeFactory = Callable[..., Runtime]
TEST_DATABASE = os.environ.get("CUSTOMER_AGENT_TEST_DATABASE", "sqlite")
"""``postgresql`` runs every runtime of the suite on the PostgreSQL server of this machine
(a fresh schema per runtime, conversation store and checkpoints alike); else SQLite."""


@pytest.fixture
def make_runtime(embedder: Embedder, demo_chroma: Path,
                 tmp_path: Path) -> Iterator[RuntimeFactory]:
    """Build runtimes on the fixed clock with a fresh database; settings may be overridden."""
    built: list[Runtime] = []
    schemas = PostgresSchemas() if TEST_DATABASE == "postgresql" else None

    def factory(**overrides: Any) -> Runtime:
        values: dict[str, Any] = {"data_dir": tmp_path / f"data{len(built)}",
                                  "chroma_dir": demo_chroma, "now": FIXED_NOW,
                                  "secret_key": "test-secret"}
        if schemas is not None:
            values["database_url"] = schemas.new_database_url()
        source = overrides.pop("source", None)
        values.update(overrides)
        runtime = build_runtime(Settings(**values), embedder=embedder, source=source)
        built.append(runtime)
        return runtime

    yield factory
    for runtime in built:
        runtime.close()
    if schemas is not None:
        schemas.drop_all()


def cli_location(runtime: Runtime) -> list[str]:
    """The CLI options that point ``customer-agent`` at this runtime's data."""
    location = ["--data-dir", str(runtime.settings.data_dir)]
    if runtime.settings.database_url:
        location += ["--database-url", runtime.settings.database_url]
    return location


@pytest.fixture
def runtime(make_runtime: RuntimeFactory) -> Runtime:
    """A runtime with the embedded defaults on the fixed clock."""
    return make_runtime()
