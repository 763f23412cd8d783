"""The offline router: accuracy on held-out utterances, honest confidence, live skills only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.brain.offline import OfflineBrain
from agent.brain.router import Calibration, EmbeddingRouter
from knowledge_base.embedder import Embedder
from skills.registry import default_skills

ROUTING_SET = Path(__file__).parent / "data" / "routing.jsonl"
FLOOR = 0.5
NOT_REQUESTS = ["hi", "blorf wibble zzz", "qwxz plonk", "what is the capital of France", "ok",
                "thanks!", "tell me a joke", "I like turtles", "asdfgh",
                "can you write me a poem"]


@pytest.fixture(scope="module")
def brain(embedder: Embedder) -> OfflineBrain:
    return OfflineBrain(embedder, {s.name: s.examples for s in default_skills()})


def labelled() -> list[dict[str, str]]:
    return [json.loads(line) for line in ROUTING_SET.read_text().splitlines() if line.strip()]


def test_routing_accuracy_on_held_out_utterances(brain: OfflineBrain) -> None:
    names = [s.name for s in default_skills()]
    examples = {e.lower() for s in default_skills() for e in s.examples}
    rows = labelled()
    assert len(rows) >= 50 and not {r["text"].lower() for r in rows} & examples
    results = [(brain.understand(r["text"], names), r["expected_skill"]) for r in rows]
    correct = [u for u, expected in results if u.skill == expected]
    assert len(correct) / len(rows) >= 0.9
    confident = [u for u in correct if u.confidence >= FLOOR]
    assert len(confident) / len(correct) >= 0.85


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_chit_chat_and_gibberish_are_unsure(brain: OfflineBrain, text: str) -> None:
    understanding = brain.understand(text, [s.name for s in default_skills()])
    assert understanding.confidence < FLOOR


def test_a_skill_left_out_is_never_chosen(brain: OfflineBrain) -> None:
    allowed = ["returns", "order_status", "faq", "handoff"]
    for text in ("please cancel my order", "change the size on order 1043"):
        understanding = brain.understand(text, allowed)
        assert understanding.skill in allowed
        assert "order_editing" not in understanding.scores


@pytest.mark.parametrize(("best", "runner_up", "expected"), [
    (0.30, 0.10, 0.0),
    (0.25, 0.10, 0.0),
    (0.50, 0.40, 1.0),
    (0.70, 0.20, 1.0),
    (0.40, 0.39, 0.5 * 0.66),
    (0.50, 0.50, 0.6),
])
def test_confidence_calibration(embedder: Embedder, best: float, runner_up: float,
                                expected: float) -> None:
    router = EmbeddingRouter(embedder, {"a": ["x"]}, Calibration())
    assert router.confidence(best, runner_up) == pytest.approx(expected, abs=1e-6)
