"""A person answers a handed-off thread: unread marker, original channel, email fallback."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.app import create_app
from agent.cli import main
from agent.runtime import Runtime
from tests.conftest import cli_location
from tests.scenarios.chat import Shopper


def outbox_for(runtime: Runtime, conversation_id: str) -> list[tuple[str, str, str]]:
    return [(m.channel, m.recipient, m.body) for m in runtime.services.store.outbox()
            if m.conversation_id == conversation_id and m.kind == "reply"]


def reply(runtime: Runtime, conversation_id: str, text: str) -> int:
    return main([*cli_location(runtime), "conversations", "reply",
                 conversation_id, text])


def test_messages_in_a_human_owned_thread_mark_it_unread_until_shown(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender="+4520123456")
    shopper.say("I want to talk to a person")
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and not conversation.unread
    shopper.say("hello, anyone?")
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.unread
    assert main([*cli_location(runtime), "conversations", "show",
                 shopper.conversation_id]) == 0
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and not conversation.unread


def test_a_teammate_reply_leaves_through_the_original_channel(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender="+4520123456")
    shopper.say("I want to talk to a person")
    before = outbox_for(runtime, shopper.conversation_id)
    assert reply(runtime, shopper.conversation_id, "Hi, Mads here. Let me check.") == 0
    after = outbox_for(runtime, shopper.conversation_id)
    assert after[len(before):] == [("sms", "+4520123456", "Hi, Mads here. Let me check.")]
    transcript = runtime.services.store.transcript(shopper.conversation_id)
    assert transcript[-1]["author"] == "teammate"


def test_a_webchat_visitor_who_left_is_answered_by_email(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "webchat")
    shopper.say("I want to talk to a person")
    shopper.say("visitor@example.org")
    client = TestClient(create_app(runtime))
    assert client.post(f"/api/conversations/{shopper.conversation_id}/presence",
                       json={"online": True}).status_code == 200
    assert reply(runtime, shopper.conversation_id, "Are you still there?") == 0
    assert outbox_for(runtime, shopper.conversation_id) == []
    assert client.post(f"/api/conversations/{shopper.conversation_id}/presence",
                       json={"online": False}).status_code == 200
    assert reply(runtime, shopper.conversation_id, "Your exchange is on its way.") == 0
    assert outbox_for(runtime, shopper.conversation_id) == [
        ("email", "visitor@example.org", "Your exchange is on its way.")]
    kinds = [e.kind for e in runtime.services.store.events(shopper.conversation_id)]
    assert kinds == ["online", "offline"]


def test_presence_of_an_unknown_conversation_is_a_404(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    answer = client.post("/api/conversations/nope/presence", json={"online": False})
    assert answer.status_code == 404 and "nope" in answer.json()["error"]


def test_a_reply_with_no_address_is_refused(runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms")
    shopper.say("I want to talk to a person")
    assert reply(runtime, shopper.conversation_id, "hello") == 2
