"""Fixtures of the eval runner's tests: the session's embedder shared across runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evals.embedding import SharedEmbedder
from evals.loader import load_suites
from evals.runner import RunOptions, run_evals
from evals.settings import BrainName
from knowledge_base.embedder import Embedder

DATA = Path(__file__).parent / "data"
RunSuites = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def shared_embedder(embedder: Embedder) -> SharedEmbedder:
    """One embedder for every eval run of the session (example embeddings made once)."""
    return SharedEmbedder(embedder)


@pytest.fixture(scope="session")
def run_suites(shared_embedder: SharedEmbedder, demo_chroma: Path) -> RunSuites:
    """``run_suites(*paths, k=1, jobs=1, baseline=None, brain="offline")`` -> the report of
    an in-process run (the LLM brain reads ``CUSTOMER_AGENT_LLM_*``)."""

    def run(*paths: Path, k: int = 1, jobs: int = 1, baseline: dict[str, Any] | None = None,
            brain: BrainName = "offline") -> dict[str, Any]:
        suites = load_suites(list(paths))
        options = RunOptions(k=k, jobs=jobs, baseline=baseline, embedder=shared_embedder,
                             chroma_dir=demo_chroma, brain=brain)
        return run_evals(suites, options, list(paths))

    return run
