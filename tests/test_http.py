"""The HTTP API: health, the turn endpoint, its input errors and its de-duplication.

Most tests go through ``TestClient`` against the real app over a real runtime; one test
runs the app under uvicorn on a loopback port and talks to it with httpx.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from agent.app import MAX_BODY_BYTES, create_app
from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime
from agent.turns import MAX_TEXT_CHARS
from tests.conftest import RuntimeFactory
from tests.contract import SKILL_NAMES, TURN_RESULT_KEYS

RETURN_QUESTION = "how long do I have to return an item"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """A client that turns server errors into 500 answers instead of raising them."""
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client


def post_turn(client: TestClient, **body: Any) -> Any:
    return client.post("/api/turns", json=body)


def post_raw(client: TestClient, content: bytes | Iterator[bytes]) -> Any:
    return client.post("/api/turns", content=content, headers={"content-type": "application/json"})


def outbound(runtime: Runtime, conversation_id: str) -> list[dict[str, Any]]:
    return [
        m for m in runtime.services.store.transcript(conversation_id) if m["direction"] == "out"
    ]


def verified_token(runtime: Runtime, email: str) -> str:
    customer = runtime.services.source.customer_by_email(email)
    assert customer is not None
    return runtime.services.tokens.issue(customer.id, runtime.services.clock.now())


# --- health ------------------------------------------------------------------------------


def test_healthz_reports_live_skills_and_knowledge(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["skills_live"] == SKILL_NAMES
    assert body["knowledge_sections"] > 0


def test_healthz_leaves_out_an_unavailable_skill(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(order_edit_url_template="")
    with TestClient(create_app(runtime)) as client:
        live = client.get("/healthz").json()["skills_live"]
    assert "order_editing" not in live
    assert live == SKILL_NAMES[1:]


# --- taking turns ------------------------------------------------------------------------


def test_post_turn_returns_a_turn_result(client: TestClient, runtime: Runtime) -> None:
    response = post_turn(client, conversation_id="h-1", text=RETURN_QUESTION)

    assert response.status_code == 200
    result = response.json()
    assert set(result) == TURN_RESULT_KEYS
    assert result["conversation_id"] == "h-1"
    assert result["skill"] == "faq"
    assert result["status"] == "resolved"
    assert result["identity"] == "anonymous"
    assert result["rendered"]["channel"] == "webchat"
    assert "30 days" in json.dumps(result["rendered"]["payload"])
    assert any(
        p["type"] == "citation" and p["article"] == "Returns and exchanges" for p in result["parts"]
    )
    transcript = runtime.services.store.transcript("h-1")
    assert [m["direction"] for m in transcript] == ["in", "out"]
    assert transcript[0]["text"] == RETURN_QUESTION


def test_same_conversation_id_keeps_the_pending_question(
    client: TestClient, runtime: Runtime
) -> None:
    email, number = DEMO_CASES["editable"]
    token = verified_token(runtime, email)

    first = post_turn(
        client, conversation_id="h-cont", text="I want to change my order", storefront_token=token
    ).json()
    assert first["status"] == "awaiting"
    assert first["identity"] == "verified"
    options = [
        o["value"] for p in first["parts"] if p["type"] == "quick_replies" for o in p["options"]
    ]
    assert f"#{number}" in options

    second = post_turn(
        client, conversation_id="h-cont", text=f"#{number}", storefront_token=token
    ).json()
    assert second["conversation_id"] == "h-cont"
    assert second["skill"] == "order_editing"
    assert second["status"] == "resolved"
    cards = [p for p in second["parts"] if p["type"] == "order_card"]
    assert [c["order_number"] for c in cards] == [number]
    assert len(outbound(runtime, "h-cont")) == 2


def test_missing_conversation_id_gets_a_generated_one(client: TestClient, runtime: Runtime) -> None:
    first = post_turn(client, text="hello")
    second = post_turn(client, text="hello")

    assert first.status_code == second.status_code == 200
    generated = first.json()["conversation_id"]
    assert generated
    assert generated != second.json()["conversation_id"]
    assert [m["direction"] for m in runtime.services.store.transcript(generated)] == ["in", "out"]


# --- invalid input -----------------------------------------------------------------------


@pytest.mark.parametrize("content", [b'{"text": ', b"not json at all", b'{"text": "hi",}'])
def test_bad_json_is_a_422_with_a_readable_error(client: TestClient, content: bytes) -> None:
    response = post_raw(client, content)
    assert response.status_code == 422
    assert "JSON" in response.json()["error"]


def test_a_body_that_is_not_an_object_is_a_422(client: TestClient) -> None:
    response = post_raw(client, b"[]")
    assert response.status_code == 422
    assert response.json()["error"]


def test_unknown_channel_is_a_422_naming_the_channel_field(client: TestClient) -> None:
    response = post_turn(client, conversation_id="h-fax", channel="fax", text="hello")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("channel:")
    assert "webchat" in error


def test_missing_text_is_a_422_naming_the_text_field(client: TestClient) -> None:
    response = post_turn(client, conversation_id="h-none")
    assert response.status_code == 422
    assert response.json()["error"].startswith("text:")


def test_empty_text_is_a_422(client: TestClient, runtime: Runtime) -> None:
    response = post_turn(client, conversation_id="h-empty", text="")
    assert response.status_code == 422
    assert response.json()["error"].startswith("text:")
    assert runtime.services.store.transcript("h-empty") == []


@pytest.mark.parametrize("text", ["   ", "\n\t "])
def test_blank_text_is_a_422(client: TestClient, text: str) -> None:
    response = post_turn(client, conversation_id="h-blank", text=text)
    assert response.status_code == 422
    assert "text" in response.json()["error"]


def test_text_at_the_limit_is_accepted(client: TestClient) -> None:
    response = post_turn(client, conversation_id="h-max", text="a" * MAX_TEXT_CHARS)
    assert response.status_code == 200


def test_text_over_the_limit_is_a_422(client: TestClient, runtime: Runtime) -> None:
    response = post_turn(client, conversation_id="h-long", text="a" * (MAX_TEXT_CHARS + 1))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith("text:")
    assert str(MAX_TEXT_CHARS) in error
    assert runtime.services.store.transcript("h-long") == []


def test_invalid_conversation_id_is_a_422(client: TestClient) -> None:
    response = post_turn(client, conversation_id="no spaces/allowed", text="hello")
    assert response.status_code == 422
    assert response.json()["error"].startswith("conversation_id:")


def test_body_over_64_kib_is_a_413(client: TestClient, runtime: Runtime) -> None:
    body = json.dumps(
        {"conversation_id": "h-big", "text": "hi", "padding": "x" * MAX_BODY_BYTES}
    ).encode()
    response = post_raw(client, body)
    assert response.status_code == 413
    assert "body larger than" in response.json()["error"]
    assert runtime.services.store.transcript("h-big") == []


def test_chunked_body_over_64_kib_is_a_413(client: TestClient, runtime: Runtime) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"conversation_id": "h-chunked", "text": "hi", "padding": "'
        yield b"x" * (MAX_BODY_BYTES + 1)
        yield b'"}'

    response = post_raw(client, chunks())
    assert response.status_code == 413
    assert runtime.services.store.transcript("h-chunked") == []


# --- de-duplication ----------------------------------------------------------------------


def test_same_client_message_id_gets_the_same_answer_once(
    client: TestClient, runtime: Runtime
) -> None:
    body = {"conversation_id": "h-dup", "text": RETURN_QUESTION, "client_message_id": "msg-0001"}
    first = client.post("/api/turns", json=body)
    second = client.post("/api/turns", json=body)

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    transcript = runtime.services.store.transcript("h-dup")
    assert [m["direction"] for m in transcript] == ["in", "out"]
    assert len(outbound(runtime, "h-dup")) == 1


def test_different_client_message_ids_get_separate_replies(
    client: TestClient, runtime: Runtime
) -> None:
    for message_id in ("msg-a", "msg-b"):
        response = post_turn(
            client, conversation_id="h-two", text=RETURN_QUESTION, client_message_id=message_id
        )
        assert response.status_code == 200
    assert len(outbound(runtime, "h-two")) == 2


def test_client_message_ids_do_not_collide_across_conversations(
    client: TestClient, runtime: Runtime
) -> None:
    email, _ = DEMO_CASES["editable"]
    private = post_turn(
        client,
        conversation_id="h-alice",
        text="I want to change my order",
        storefront_token=verified_token(runtime, email),
        client_message_id="1",
    ).json()
    assert private["identity"] == "verified"

    other = post_turn(client, conversation_id="h-bob", text="hello", client_message_id="1").json()

    assert other["conversation_id"] == "h-bob"
    assert other["identity"] == "anonymous"
    assert len(outbound(runtime, "h-bob")) == 1


# --- a real server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_turn_over_a_real_http_server(runtime: Runtime) -> None:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive(), "the server stopped before it started"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            assert http.get("/healthz").json()["status"] == "ok"
            response = http.post(
                "/api/turns",
                json={
                    "conversation_id": "h-live",
                    "channel": "sms",
                    "text": RETURN_QUESTION,
                    "sender": "+4520000000",
                },
            )
            invalid = http.post("/api/turns", json={"channel": "fax", "text": "hi"})
    finally:
        server.should_exit = True
        thread.join(timeout=20)

    assert not thread.is_alive()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    result = response.json()
    assert set(result) == TURN_RESULT_KEYS
    assert result["conversation_id"] == "h-live"
    assert result["rendered"]["channel"] == "sms"
    assert "30 days" in result["rendered"]["payload"]["body"]
    assert invalid.status_code == 422
    assert invalid.json()["error"].startswith("channel:")
    replies = [
        m
        for m in runtime.services.store.outbox()
        if m.conversation_id == "h-live" and m.kind == "reply"
    ]
    assert [m.recipient for m in replies] == ["+4520000000"]


def test_a_retry_after_a_failed_turn_is_answered(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_render(*_args: Any) -> dict[str, Any]:
        raise RuntimeError("renderer crashed")

    body = {"conversation_id": "h-retry", "text": RETURN_QUESTION, "client_message_id": "msg-retry"}
    with monkeypatch.context() as patch:
        patch.setattr(runtime.turns, "_render", broken_render)
        assert client.post("/api/turns", json=body).status_code == 500

    retry = client.post("/api/turns", json=body)

    assert retry.status_code == 200
    assert "30 days" in json.dumps(retry.json()["rendered"]["payload"])
    assert len(outbound(runtime, "h-retry")) == 1
