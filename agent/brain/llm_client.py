"""Calls to an OpenAI-compatible chat-completions endpoint, made safe to depend on.

Every call asks for JSON-schema structured output, has a timeout, retries 429s, 5xx
and dropped connections a bounded number of times with exponential backoff, goes
through a circuit breaker, and returns an account of itself (``ModelCall``) whatever
happened. Nothing here raises: a failed call reports its outcome and the caller falls
back to the offline brain.

Only an unavailable endpoint trips the breaker (timeouts, 429, 5xx, connection and
client errors). A reply that is malformed or breaks the schema counts as the endpoint
being up, so that no shopper's message can switch the model off for everyone else.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from agent.brain.base import ModelCall

T = TypeVar("T")

RETRYABLE = frozenset({"rate_limited", "server_error", "connection_error"})
TRANSPORT_FAILURES = RETRYABLE | {"timeout", "client_error", "error"}
MAX_BACKOFF_SECONDS = 4.0


class CircuitBreaker:
    """Stops calling after ``failure_threshold`` failures in a row; tries again later.

    Closed: calls go through. Open: none do until ``cooldown_seconds`` have passed on
    ``clock``. Half-open: one trial call goes through; its success closes the breaker,
    its failure opens it again.
    """

    def __init__(self, failure_threshold: int, cooldown_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = max(1, failure_threshold)
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open``."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "half_open" if self._cooled_down() else "open"

    def _cooled_down(self) -> bool:
        return self._opened_at is not None and self._clock() - self._opened_at >= self._cooldown

    def allow(self) -> bool:
        """Whether a call may go out now (claims the half-open trial if it is one)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if not self._cooled_down() or self._trial_running:
                return False
            self._trial_running = True
            return True

    def record(self, ok: bool) -> None:
        """Count a finished call."""
        with self._lock:
            self._trial_running = False
            if ok:
                self._failures, self._opened_at = 0, None
                return
            self._failures += 1
            if self._opened_at is not None or self._failures >= self._threshold:
                self._opened_at = self._clock()


@dataclass(frozen=True)
class CallResult(Generic[T]):
    """A parsed answer, or why there is none; ``call`` is None when no call went out."""

    value: T | None
    call: ModelCall | None
    failure: str | None


def _outcome_of(error: openai.OpenAIError) -> str:
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection_error"
    if isinstance(error, openai.RateLimitError):
        return "rate_limited"
    if isinstance(error, openai.InternalServerError):
        return "server_error"
    if isinstance(error, openai.APIStatusError):
        return "client_error"
    return "error"


class ModelClient:
    """One model behind an ``openai.OpenAI`` client, called for JSON answers."""

    def __init__(self, client: openai.OpenAI, model: str, breaker: CircuitBreaker, *,
                 timeout_seconds: float, max_retries: int, backoff_seconds: float,
                 temperature: float = 0.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self._model = model
        self._breaker = breaker
        self._timeout = timeout_seconds
        self._max_retries = max(0, max_retries)
        self._backoff = backoff_seconds
        self._temperature = temperature
        self._sleep = sleep

    def call_json(self, purpose: str, messages: list[dict[str, str]], schema_name: str,
                  schema: dict[str, Any], parse: Callable[[Any], T]) -> CallResult[T]:
        """Ask for an answer that fits ``schema`` and ``parse`` it; never raises."""
        if not self._breaker.allow():
            return CallResult(None, None, "circuit_open")
        started = time.perf_counter()
        completion, outcome, attempts = self._complete(messages, {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "strict": True, "schema": schema}})
        value: T | None = None
        if completion is not None:
            value, outcome = self._parsed(completion, parse)
        self._breaker.record(outcome not in TRANSPORT_FAILURES)
        usage = getattr(completion, "usage", None)
        call = ModelCall(purpose=purpose, outcome=outcome, attempts=attempts,
                         ms=round((time.perf_counter() - started) * 1000, 2),
                         prompt_tokens=getattr(usage, "prompt_tokens", None),
                         completion_tokens=getattr(usage, "completion_tokens", None))
        return CallResult(value, call, None if value is not None else outcome)

    def _complete(self, messages: list[dict[str, str]],
                  response_format: ResponseFormatJSONSchema) -> tuple[Any, str, int]:
        """(the completion or None, its outcome, attempts), retrying what may pass later."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._client.chat.completions.create(
                    model=self._model, response_format=response_format,
                    messages=cast("list[ChatCompletionMessageParam]", messages),
                    temperature=self._temperature, timeout=self._timeout), "ok", attempts
            except openai.OpenAIError as error:
                outcome = _outcome_of(error)
            except Exception:  # a transport fault the client did not wrap: still no crash
                outcome = "error"
            if outcome not in RETRYABLE or attempts > self._max_retries:
                return None, outcome, attempts
            self._sleep(min(MAX_BACKOFF_SECONDS, self._backoff * 2 ** (attempts - 1)))

    @staticmethod
    def _parsed(completion: Any, parse: Callable[[Any], T]) -> tuple[T | None, str]:
        choices = getattr(completion, "choices", None) or []
        message = choices[0].message if choices else None
        if message is None or getattr(message, "refusal", None):
            return None, "refused"
        try:
            data = json.loads(message.content or "")
        except json.JSONDecodeError:
            return None, "invalid_json"
        try:
            return parse(data), "ok"
        except (ValueError, TypeError):  # pydantic.ValidationError is a ValueError
            return None, "schema_violation"
