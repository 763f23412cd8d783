"""Shared pieces of the LLM brain tests: model answers, a settable clock, brains on the fake."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from agent.brain.llm import LlmBrain, LlmSettings
from agent.brain.offline import OfflineBrain
from skills.registry import default_skills
from tests.fakes.openai_server import FakeOpenAI, user_content

EXAMPLES = {s.name: s.examples for s in default_skills()}
ALLOWED = list(EXAMPLES)
STORE = "Fjord & Fell"
API_KEY = "sk-test-not-a-real-key"


class ManualClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def understood(skill: str | None, *, confidence: float = 0.95, order_number: str | None = None,
               change: str | None = None, items: tuple[str, ...] = (),
               topics: tuple[str, ...] = ("orders",), language: str | None = "en",
               injection: bool = False) -> dict[str, Any]:
    """An understand answer that fits the schema."""
    return {"skill": skill, "confidence": confidence,
            "entities": {"order_number": order_number, "items": list(items), "change": change},
            "topics": list(topics), "language": language, "injection": injection}


def drafts_of(request: dict[str, Any]) -> dict[str, Any]:
    """The drafts and passages a compose request carries (the JSON between the markers)."""
    content = user_content(request)
    body = content.split("<reply_drafts>\n", 1)[1].rsplit("\n</reply_drafts>", 1)[0]
    data: dict[str, Any] = json.loads(body)
    return data


def reworded(transform: Callable[[str], str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A compose answer that applies ``transform`` to every draft it was given."""

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        return {"texts": [{"index": d["index"], "text": transform(d["draft"])}
                          for d in drafts_of(request)["drafts"]]}

    return answer


def brain_on(fake: FakeOpenAI, offline: OfflineBrain, *, clock: Callable[[], float] | None = None,
             sleeps: list[float] | None = None, **settings: Any) -> LlmBrain:
    """An LLM brain calling ``fake``; retries without waiting unless ``sleeps`` records them."""
    values: dict[str, Any] = {"base_url": fake.url, "api_key": API_KEY, "model": "fake-model",
                              "timeout_seconds": 2.0, "max_retries": 1, "backoff_seconds": 0.25,
                              "breaker_failures": 3, "breaker_cooldown_seconds": 30.0}
    values.update(settings)
    recorded = sleeps if sleeps is not None else []
    return LlmBrain.from_settings(LlmSettings(**values), offline, EXAMPLES, store=STORE,
                                  clock=clock or ManualClock(), sleep=recorded.append)
