"""Offline routing: a message's embedding against each skill's example utterances.

Example embeddings are computed once when the router is built. A skill's score is the
mean of its two closest examples; confidence combines how close the best skill is with
how far ahead of the runner-up it stands, so a low value honestly means "unsure". Messages
that ask for nothing (``unrelated``) count as a runner-up too, and a message matched only
by translated examples must name what it is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from agent.brain.translated_examples import mentions_a_request


class TextEmbedder(Protocol):
    """Anything that embeds texts into L2-normalised vectors."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text."""
        ...

    def embed_one(self, text: str) -> np.ndarray:
        """One text's vector (cached, so the knowledge base reuses the router's work)."""
        ...


@dataclass(frozen=True)
class Calibration:
    """Where similarity becomes confidence: ``low`` is 0, ``high`` is 1; the margin counts.

    Measured on the demo skills: gibberish and chit-chat score at most 0.29 against any
    skill, real requests mostly 0.44 and above (tests/agent/data/routing.jsonl).
    """

    low: float = 0.30
    high: float = 0.50
    margin_base: float = 0.6
    margin_scale: float = 6.0


@dataclass(frozen=True)
class Route:
    """The router's answer: best skill, confidence in [0, 1], and every skill's score."""

    skill: str | None
    confidence: float
    scores: dict[str, float]


class EmbeddingRouter:
    """Nearest-examples routing over sentence embeddings."""

    def __init__(self, embedder: TextEmbedder, examples: Mapping[str, Sequence[str]],
                 calibration: Calibration | None = None, unrelated: Sequence[str] = (),
                 translated: Mapping[str, Sequence[str]] | None = None) -> None:
        """``unrelated``: messages that ask for no skill (greetings, thanks); a skill must
        stand ahead of them as of any other skill to be chosen with confidence.
        ``translated``: more examples of a skill, in languages the model does not know; a
        message nearest to those is routed with confidence only if it names something a
        request is about (``mentions_a_request``), since in such a language any two
        sentences look alike."""
        translated = translated or {}
        self._embedder = embedder
        self._calibration = calibration or Calibration()
        self._skills = [name for name, texts in examples.items() if texts]
        self._own_examples = {name: len(examples[name]) for name in self._skills}
        self._example_vectors = {
            name: embedder.embed([*examples[name], *translated.get(name, ())])
            for name in self._skills}
        self._unrelated_vectors = embedder.embed(list(unrelated)) if unrelated else None

    def skill_scores(self, vector: np.ndarray, allowed: Sequence[str]) -> dict[str, float]:
        """Each allowed skill's similarity to the message (mean of its two best examples)."""
        return {name: self._closeness(self._example_vectors[name], vector)
                for name in self._skills if name in allowed}

    def _nearest_are_translated(self, skill: str, vector: np.ndarray) -> bool:
        """Whether the skill's two examples nearest to ``vector`` are translated ones."""
        nearest = np.argsort(self._example_vectors[skill] @ vector)[-2:]
        return bool((nearest >= self._own_examples[skill]).all())

    @staticmethod
    def _closeness(examples: np.ndarray, vector: np.ndarray) -> float:
        """The mean similarity of the two examples closest to ``vector``."""
        return float(np.sort(examples @ vector)[-2:].mean())

    def confidence(self, best: float, runner_up: float) -> float:
        """Calibrated confidence from the best score and its lead over the runner-up."""
        cal = self._calibration
        closeness = (best - cal.low) / (cal.high - cal.low)
        lead = cal.margin_base + (best - runner_up) * cal.margin_scale
        return float(np.clip(closeness, 0.0, 1.0) * np.clip(lead, 0.0, 1.0))

    def route_text(self, text: str, allowed: Sequence[str]) -> Route:
        """The best allowed skill for a text (embedded through the shared cache)."""
        return self.route(self._embedder.embed_one(text), allowed, text)

    def route(self, vector: np.ndarray, allowed: Sequence[str], text: str) -> Route:
        """The best allowed skill for a message (``text``, embedded as ``vector``)."""
        scores = self.skill_scores(vector, allowed)
        if not scores:
            return Route(None, 0.0, {})
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best_name, best = ranked[0]
        if self._nearest_are_translated(best_name, vector) and not mentions_a_request(text):
            return Route(best_name, 0.0, scores)
        runner_up = ranked[1][1] if len(ranked) > 1 else self._calibration.low
        if self._unrelated_vectors is not None:
            unrelated = self._closeness(self._unrelated_vectors, vector)
            if unrelated >= best:
                return Route(best_name, 0.0, scores)
            runner_up = max(runner_up, unrelated)
        return Route(best_name, self.confidence(best, runner_up), scores)
