"""Choose the brain a deployment runs with: the offline brain, or an LLM brain over it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agent.brain.base import Brain
from agent.brain.offline import OfflineBrain
from agent.brain.router import EmbeddingRouter, TextEmbedder
from agent.config import Settings


def make_brain(settings: Settings, embedder: TextEmbedder,
               examples: Mapping[str, Sequence[str]],
               router: EmbeddingRouter | None = None) -> Brain:
    """The brain named by ``settings.brain``: ``offline``, or ``llm`` with the offline brain
    behind it (the endpoint comes from ``LlmSettings``, env prefix ``CUSTOMER_AGENT_LLM_``).

    ``router`` shares example embeddings the caller already computed.
    """
    offline = OfflineBrain(embedder, examples, router=router)
    if settings.brain != "llm":
        return offline
    from agent.brain.llm import LlmBrain, LlmSettings  # the openai client only when asked for

    return LlmBrain.from_settings(LlmSettings(), offline, examples, store=settings.store_name)
