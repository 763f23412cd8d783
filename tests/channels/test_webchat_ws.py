"""The widget's websocket through the real app (TestClient's websocket client): history
replay on hello, typing and turns, de-duplication by client message id, presence, pushes
of messages stored outside a turn, and error frames for frames it cannot read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.delivery import deliver_teammate_reply
from agent.runtime import Runtime
from channels.webchat_ws import MAX_FRAME_BYTES
from knowledge_base.embedder import Embedder
from skills.parts import Part, QuickRepliesPart, QuickReply, TextPart, parts_to_json
from tests.channels.webchat_support import (
    API,
    entries_in,
    event_kinds,
    frames_until,
    history,
    kinds,
    send,
    shared_app,
    start_conversation,
)

WS = f"{API}/ws"


@pytest.fixture(scope="module")
def shared(embedder: Embedder, demo_chroma: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, TestClient]]:
    """One app for this module (each test starts its own conversation); it looks for
    messages stored outside a turn every 0.2 s."""
    with shared_app(embedder, demo_chroma, tmp_path_factory.mktemp("webchat-ws"),
                    webchat_poll_seconds=0.2) as both:
        yield both


def test_hello_replays_the_history_then_a_turn_shows_typing_and_the_reply(
        shared: tuple[Runtime, TestClient]) -> None:
    client = shared[1]
    conversation_id = start_conversation(client)
    send(client, conversation_id, "hi", "c-1")
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        welcome = frames_until(socket, {"type": "messages"})
        assert welcome[0] == {"type": "welcome", "conversation_id": conversation_id}
        assert entries_in(welcome) == history(client, conversation_id)
        socket.send_json({"type": "message", "text": "how long do I have to return an item",
                          "client_message_id": "c-2"})
        turn = frames_until(socket, {"type": "typing", "on": False})
    assert turn[0] == {"type": "typing", "on": True}
    entries = entries_in(turn)
    assert [(e["direction"], e["client_message_id"]) for e in entries] == [
        ("in", "c-2"), ("out", None)]
    assert "source" in kinds(entries[1:])
    assert entries == history(client, conversation_id)[2:]


def test_a_message_sent_twice_is_answered_once_and_replayed_once(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        frames_until(socket, {"type": "welcome"})
        for _ in range(2):
            socket.send_json({"type": "message", "text": "hi", "client_message_id": "c-9"})
            frames_until(socket, {"type": "typing", "on": False})
    with client.websocket_connect(WS) as socket:  # a reload: everything once, in order
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        replayed = entries_in(frames_until(socket, {"type": "messages"}))
    assert [(e["direction"], e["client_message_id"]) for e in replayed] == [
        ("in", "c-9"), ("out", None)]
    assert len(runtime.services.store.messages(conversation_id)) == 2


def test_hello_without_an_id_starts_a_conversation(shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello"})
        welcome = socket.receive_json()
    assert welcome["type"] == "welcome"
    conversation = runtime.services.store.conversation(welcome["conversation_id"])
    assert conversation is not None and conversation.channel == "webchat"


def test_presence_follows_the_visitors_last_open_socket(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    store = runtime.services.store
    hello = {"type": "hello", "conversation_id": conversation_id}
    with client.websocket_connect(WS) as first:
        first.send_json(hello)
        frames_until(first, {"type": "welcome"})
        with client.websocket_connect(WS) as second:
            second.send_json(hello)
            frames_until(second, {"type": "welcome"})
        beacon = client.post(f"{API}/conversations/{conversation_id}/presence",
                             content=b'{"online": false}',
                             headers={"content-type": "text/plain"})
        assert beacon.json()["online"] is True  # the first tab is still open
        still_here = store.conversation(conversation_id)
        assert still_here is not None and still_here.visitor_online is True
    gone = store.conversation(conversation_id)
    assert gone is not None and gone.visitor_online is False
    assert event_kinds(runtime, conversation_id) == ["online", "offline"]


def test_messages_stored_outside_a_turn_are_pushed_to_an_open_socket(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    store, now = runtime.services.store, runtime.services.clock.now()
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        frames_until(socket, {"type": "welcome"})
        conversation = store.conversation(conversation_id)
        assert conversation is not None
        assert deliver_teammate_reply(store, runtime.services.outbound, conversation,
                                      "Hi, Sara here <b>from the team</b>.", now,
                                      "Fjord & Fell") == "delivered"
        teammate = entries_in(frames_until(socket, {"type": "messages"}))
        rating: list[Part] = [TextPart(text="How did we do?"),
                  QuickRepliesPart(options=[QuickReply(label=str(n), value=str(n))
                                            for n in range(1, 6)])]
        store.record_agent_message(conversation_id, "webchat", "How did we do?",
                                   parts_to_json(rating), "delivered", now)
        asked = entries_in(frames_until(socket, {"type": "messages"}))
    assert [(e["author"], e["messages"]) for e in teammate] == [
        ("teammate", [{"kind": "text", "text": "Hi, Sara here <b>from the team</b>."}])]
    assert asked[0]["messages"][1] == {
        "kind": "chips", "options": [{"label": str(n), "value": str(n)} for n in range(1, 6)]}


def test_an_unknown_conversation_gets_an_error_frame_and_the_socket_stays_usable(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello", "conversation_id": "web-nobody"})
        refused = socket.receive_json()
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        welcome = socket.receive_json()
    assert (refused["type"], refused["code"]) == ("error", "unknown_conversation")
    assert "web-nobody" in refused["error"]
    assert welcome == {"type": "welcome", "conversation_id": conversation_id}
    assert runtime.services.store.conversation("web-nobody") is None


def test_frames_it_cannot_read_get_error_frames_and_change_nothing(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    with client.websocket_connect(WS) as socket:
        socket.send_text('{"type": "message", "text": "before hello"}')
        codes = [socket.receive_json()["code"]]
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        frames_until(socket, {"type": "welcome"})
        for text in ("not json", '{"type": "message", "text": "' + "x" * MAX_FRAME_BYTES + '"}',
                     '{"type": "shout"}', "[1, 2]", '{"type": "message", "text": "   "}',
                     '{"type": "message", "text": "hi", "client_message_id": "a b"}',
                     '{"type": "hello", "conversation_id": "' + conversation_id + '"}'):
            socket.send_text(text)
            codes.append(socket.receive_json()["code"])
        socket.send_bytes(b'{"type": "message", "text": "caf\xe9"}')
        codes.append(socket.receive_json()["code"])
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong"}
    assert codes == ["no_conversation", "invalid_json", "too_large", "invalid_frame",
                     "invalid_frame", "invalid_frame", "invalid_frame", "already_joined",
                     "invalid_utf8"]
    assert runtime.services.store.messages(conversation_id) == []


def test_a_turn_that_fails_gets_an_error_frame_and_the_socket_keeps_serving(
        shared: tuple[Runtime, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)

    def broken(_message: object) -> None:
        raise RuntimeError("the graph fell over")

    monkeypatch.setattr(runtime.turns, "handle", broken)
    with client.websocket_connect(WS) as socket:
        socket.send_json({"type": "hello", "conversation_id": conversation_id})
        frames_until(socket, {"type": "welcome"})
        socket.send_json({"type": "message", "text": "hi", "client_message_id": "c-x"})
        frames = frames_until(socket, {"type": "typing", "on": False})
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong"}
    failure = next(frame for frame in frames if frame["type"] == "error")
    assert (failure["code"], failure["client_message_id"]) == ("turn_failed", "c-x")
    assert "try again" in failure["error"]
