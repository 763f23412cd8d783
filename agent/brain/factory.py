"""Choose the brain a deployment runs with: the offline brain, or an LLM brain over it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agent.brain.base import Brain
from agent.brain.offline import OfflineBrain
from agent.brain.router import TextEmbedder
from agent.config import Settings


def make_brain(settings: Settings, embedder: TextEmbedder,
               examples: Mapping[str, Sequence[str]]) -> Brain:
    """The brain named by ``settings.brain`` (``offline`` is the only one so far)."""
    return OfflineBrain(embedder, examples)
