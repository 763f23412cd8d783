"""The widget's HTTP routes through the real app: its settings, conversations, the HTTP
fallback with history replay and de-duplication, presence, the email given at chat start,
and what bad input gets back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from agent.config import DiscountCode, Settings
from agent.delivery import deliver_teammate_reply
from agent.runtime import Runtime
from agent.turns import MAX_TEXT_CHARS
from knowledge_base.embedder import Embedder
from tests.channels.webchat_support import (
    API,
    event_kinds,
    history,
    kinds,
    send,
    shared_app,
    start_conversation,
    webchat_client,
)
from tests.conftest import RuntimeFactory

QUESTIONS = [f"Question {n}?" for n in range(1, 9)]


# --- what the widget shows when it opens ----------------------------------------------


def test_config_carries_the_greeting_up_to_8_questions_and_the_shareable_code(
        make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(webchat_greeting="Hej! How can we help?",
                           webchat_frequent_questions=QUESTIONS)
    with webchat_client(runtime) as client:
        config = client.get(f"{API}/config").json()
    assert config["greeting"] == "Hej! How can we help?"
    assert config["frequent_questions"] == QUESTIONS
    assert config["discount"] == {"code": "WELCOME10", "description": "10% off your first order"}
    assert config["websocket_path"] == f"{API}/ws"


def test_more_than_8_frequent_questions_is_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="at most 8"):
        Settings(webchat_frequent_questions=[*QUESTIONS, "A ninth?"])


def test_no_discount_chip_when_no_code_may_be_shared(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(discount_codes=[
        DiscountCode(code="STAFF40", description="staff", shareable=False),
        DiscountCode(code="OLD10", description="old", shareable=True, active=False)])
    with webchat_client(runtime) as client:
        assert client.get(f"{API}/config").json()["discount"] is None


# --- conversations, turns over HTTP and the history the widget replays -----------------


@pytest.fixture(scope="module")
def shared(embedder: Embedder, demo_chroma: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, TestClient]]:
    """One app for the tests below that need no settings of their own; each starts its
    own conversation."""
    with shared_app(embedder, demo_chroma, tmp_path_factory.mktemp("webchat-http")) as both:
        yield both


def test_a_new_conversation_is_an_empty_webchat_conversation(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    assert client.get(f"{API}/conversations/{conversation_id}").json() == {
        "conversation_id": conversation_id, "status": "open", "has_contact_email": False}
    assert history(client, conversation_id) == []
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None and conversation.channel == "webchat"


def test_a_message_over_http_is_answered_and_replayed_in_order(
        shared: tuple[Runtime, TestClient]) -> None:
    client = shared[1]
    conversation_id = start_conversation(client)
    answer = send(client, conversation_id, "hi", "c-1")
    assert answer.status_code == 200, answer.text
    turn = answer.json()["messages"]
    replayed = history(client, conversation_id)
    assert history(client, conversation_id, after=turn[0]["id"]) == replayed[1:]
    assert [(e["direction"], e["author"]) for e in turn] == [("in", "customer"), ("out", "agent")]
    assert turn[0]["client_message_id"] == "c-1"
    assert turn[0]["messages"] == [{"kind": "text", "text": "hi"}]
    assert "chips" in kinds(turn[1:])
    assert replayed == turn


def test_the_same_client_message_id_is_answered_once(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    first = send(client, conversation_id, "how long do I have to return an item", "c-7")
    again = send(client, conversation_id, "how long do I have to return an item", "c-7")
    replayed = history(client, conversation_id)
    assert again.status_code == 200
    assert again.json()["messages"] == first.json()["messages"]
    assert [e["direction"] for e in replayed] == ["in", "out"]
    assert len(runtime.services.store.messages(conversation_id)) == 2


def test_the_email_given_at_chat_start_is_where_replies_go_after_leaving(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    saved = client.post(f"{API}/conversations/{conversation_id}/contact",
                        json={"email": "shopper@example.org"})
    left = client.post(f"{API}/conversations/{conversation_id}/presence",
                       content=b'{"online": false}', headers={"content-type": "text/plain"})
    assert saved.status_code == 200 and left.json()["online"] is False
    store = runtime.services.store
    conversation = store.conversation(conversation_id)
    assert conversation is not None
    assert (conversation.contact_email, conversation.visitor_online) == (
        "shopper@example.org", False)
    state = deliver_teammate_reply(store, runtime.services.outbound, conversation,
                                   "Your parcel left today.", runtime.services.clock.now(),
                                   "Fjord & Fell")
    assert state.startswith("emailed")
    sent = [m for m in store.outbox() if m.conversation_id == conversation_id]
    assert [(m.channel, m.recipient, m.body) for m in sent] == [
        ("email", "shopper@example.org", "Your parcel left today.")]


def test_presence_is_recorded_when_it_changes(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    url = f"{API}/conversations/{conversation_id}/presence"
    answers = [client.post(url, json={"online": online}).json()["online"]
               for online in (True, True, False, False)]
    assert answers == [True, True, False, False]
    assert event_kinds(runtime, conversation_id) == ["online", "offline"]


# --- bad input: a clear 4xx, nothing stored ---------------------------------------------


def test_unknown_conversations_are_404_on_every_route(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    runtime.services.store.ensure_conversation("sms:+4512345678", "sms",
                                               runtime.services.clock.now())
    for unknown in ("web-nobody", "sms:+4512345678"):
        base = f"{API}/conversations/{unknown}"
        answers = [client.get(base), client.get(f"{base}/messages"),
                   send(client, unknown, "hello"),
                   client.post(f"{base}/presence", json={"online": True}),
                   client.post(f"{base}/contact", json={"email": "a@example.org"}),
                   client.post(f"{base}/pages", json={"url": "http://shop.test/"}),
                   client.get(f"{base}/cart"),
                   client.post(f"{base}/cart/items", json={"variant_id": "beanie-navy"}),
                   client.delete(f"{base}/cart/items/beanie-navy"),
                   client.post(f"{base}/cart/discount", json={"code": "WELCOME10"})]
        assert {a.status_code for a in answers} == {404}, [a.text for a in answers]
        assert all(unknown in a.json()["error"] for a in answers)
    assert runtime.services.store.messages("sms:+4512345678") == []
    assert runtime.services.store.events("sms:+4512345678") == []
    assert runtime.services.store.conversation("web-nobody") is None


@pytest.mark.parametrize(("content", "content_type", "status", "error"), [
    (b'{"text": "hi"', "application/json", 422, "invalid JSON"),
    (b'{"text": "caf\xe9"}', "application/json", 400, "not valid UTF-8"),
    (b'{"text": "   "}', "application/json", 422, "blank"),
    (b'{"text": "hi", "client_message_id": "no spaces allowed"}', "application/json", 422,
     "client_message_id"),
    (b'{"text": "hi", "admin": true}', "application/json", 422, "admin"),
    (b'{"text": "' + b"x" * (MAX_TEXT_CHARS + 1) + b'"}', "application/json", 422, "text"),
    (b'{"text": "' + b"x" * (70 * 1024) + b'"}', "application/json", 413, "larger than"),
    (b"text=hi", "application/x-www-form-urlencoded", 422, "body"),
])
def test_bad_message_bodies_are_refused_and_nothing_is_stored(
        shared: tuple[Runtime, TestClient], content: bytes, content_type: str, status: int,
        error: str) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    answer = client.post(f"{API}/conversations/{conversation_id}/messages", content=content,
                         headers={"content-type": content_type})
    assert answer.status_code == status
    assert error in answer.json()["error"]
    assert runtime.services.store.messages(conversation_id) == []


@pytest.mark.parametrize(("route", "body", "status"), [
    ("presence", b"online", 422),
    ("presence", b'{"online": "maybe"}', 422),
    ("presence", b'{"online": "\xff"}', 400),
    ("contact", b'{"email": "not-an-email"}', 422),
    ("contact", b'{"email": "<a@b.c>"}', 422),
    ("contact", b'{"email": "a@b.c", "name": "x"}', 422),
])
def test_bad_presence_and_contact_bodies_change_nothing(
        shared: tuple[Runtime, TestClient], route: str, body: bytes, status: int) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    answer = client.post(f"{API}/conversations/{conversation_id}/{route}", content=body,
                         headers={"content-type": "application/json"})
    assert answer.status_code == status and answer.json()["error"]
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None
    assert (conversation.visitor_online, conversation.contact_email) == (None, None)
    assert event_kinds(runtime, conversation_id) == []


@pytest.mark.parametrize("conversation_id", ["web nobody", "web-<script>", "x" * 65])
def test_malformed_conversation_ids_are_refused(shared: tuple[Runtime, TestClient],
                                                conversation_id: str) -> None:
    answer = shared[1].get(f"{API}/conversations/{conversation_id}/messages")
    assert answer.status_code == 422 and "conversation_id" in answer.json()["error"]
