"""A loopback OpenAI-compatible chat-completions server, scripted per test.

The real ``openai`` client talks to it over HTTP. A test queues what the model does,
in order: answer with structured JSON (or any raw text), fail with a status, or answer
late. The server records every request and fails the test when it is called beyond
its script, when a request is not a well-formed structured-output request, or when
steps are left unused: call :meth:`FakeOpenAI.verify` at teardown (the context
manager does).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

Answer = Any | Callable[[dict[str, Any]], Any]
ERROR_TYPES = {429: "rate_limit_exceeded", 500: "server_error", 503: "server_error"}


@dataclass
class Step:
    """One scripted response: a status, content (raw text or JSON-able), a delay."""

    status: int
    answer: Answer
    delay: float
    schema: str | None


def schema_name(request: dict[str, Any]) -> str | None:
    """The ``json_schema`` name a request asked for (what the call is for)."""
    response_format = request.get("response_format") or {}
    return (response_format.get("json_schema") or {}).get("name")


def user_content(request: dict[str, Any]) -> str:
    """The request's user message."""
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


def system_content(request: dict[str, Any]) -> str:
    """The request's system message."""
    return next(m["content"] for m in request["messages"] if m["role"] == "system")


class FakeOpenAI:
    """The scripted server. ``url`` is what ``base_url`` should be."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self._script: deque[Step] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def purposes(self) -> list[str | None]:
        """The schema name of each request received, in order."""
        return [schema_name(r) for r in self.requests]

    def reply(self, answer: Answer, *, schema: str | None = None,
              delay: float = 0.0) -> FakeOpenAI:
        """Queue an answer: a dict/list (sent as JSON), a str (sent as is), or a function of
        the request returning either. ``schema`` is the schema name the call must ask for."""
        return self._queue(Step(200, answer, delay, schema))

    def fail(self, status: int, *, times: int = 1, schema: str | None = None) -> FakeOpenAI:
        """Queue ``times`` error responses with ``status``."""
        for _ in range(times):
            self._queue(Step(status, None, 0.0, schema))
        return self

    def _queue(self, step: Step) -> FakeOpenAI:
        with self._lock:
            self._script.append(step)
        return self

    def unused(self) -> int:
        """How many scripted steps have not been used yet."""
        with self._lock:
            return len(self._script)

    def verify(self) -> None:
        """Raise AssertionError for any problem seen or any step left unused."""
        problems = list(self.problems)
        if self._script:
            problems.append(f"{len(self._script)} scripted step(s) never used")
        assert not problems, "fake OpenAI server: " + "; ".join(problems)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if kind is None:
            self.verify()

    def _next_step(self, request: dict[str, Any]) -> Step | None:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                self.problems.append(f"called beyond its script (call {len(self.requests)}, "
                                     f"{schema_name(request)})")
                return None
            step = self._script.popleft()
        if step.schema is not None and step.schema != schema_name(request):
            self.problems.append(f"call {len(self.requests)} asked for schema "
                                 f"{schema_name(request)!r}, the script expected {step.schema!r}")
        return step

    def _malformed(self, request: dict[str, Any], headers: Any) -> str | None:
        if not str(headers.get("Authorization", "")).startswith("Bearer "):
            return "no bearer token"
        if not request.get("model") or not isinstance(request.get("messages"), list):
            return "no model or messages"
        response_format = request.get("response_format") or {}
        json_schema = response_format.get("json_schema") or {}
        if response_format.get("type") != "json_schema" or "schema" not in json_schema:
            return "not a json_schema structured-output request"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if self.path != "/v1/chat/completions":
                    fake.problems.append(f"unexpected path {self.path}")
                    self._send(404, {"error": {"message": "not found", "type": "not_found"}})
                    return
                malformed = fake._malformed(request, self.headers)
                if malformed:
                    fake.problems.append(malformed)
                step = fake._next_step(request)
                if step is None:
                    self._send(500, {"error": {"message": "beyond script", "type": "fake"}})
                    return
                if step.delay and fake._closing.wait(step.delay):
                    return
                if step.status != 200:
                    self._send(step.status, {"error": {
                        "message": "scripted failure", "code": None, "param": None,
                        "type": ERROR_TYPES.get(step.status, "invalid_request_error")}})
                    return
                answer = step.answer(request) if callable(step.answer) else step.answer
                content = answer if isinstance(answer, str) else json.dumps(answer,
                                                                           ensure_ascii=False)
                self._send(200, completion(request, content))

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def completion(request: dict[str, Any], content: str) -> dict[str, Any]:
    """A chat.completion body with ``content`` and rough token counts (4 characters each)."""
    prompt_chars = sum(len(str(m.get("content", ""))) for m in request.get("messages", []))
    prompt_tokens, completion_tokens = max(1, prompt_chars // 4), max(1, len(content) // 4)
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
