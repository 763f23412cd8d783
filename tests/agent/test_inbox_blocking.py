"""Blocked senders through the real turn path: stored and marked, no agent turn, no reply,
hidden from the inbox and its notifications; unblocking restores everything."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.app import create_app
from agent.inbox import InboxFilter, inbox_rows, new_inbound
from agent.inbox_actions import InboxActions
from agent.inbox_blocking import conversation_key
from agent.inbox_records import InboxError, InboxRecords
from agent.runtime import Runtime
from tests.scenarios.chat import Shopper

SENDER = "+4520123456"
OWNER = "owner@shop.example"


def actions_for(runtime: Runtime) -> InboxActions:
    return InboxActions(runtime.services, InboxRecords(runtime.services.store.engine))


def sent_to(runtime: Runtime, conversation_id: str) -> list[str]:
    return [m.kind for m in runtime.services.store.outbox()
            if m.conversation_id == conversation_id]


def test_a_blocked_sms_sender_gets_no_turn_and_no_reply_until_unblocked(
        runtime: Runtime) -> None:
    shopper = Shopper(runtime, "sms", sender=SENDER)
    shopper.say("where do you ship to?")
    cid = shopper.conversation_id
    store = runtime.services.store
    assert sent_to(runtime, cid) == ["reply"]
    actions = actions_for(runtime)
    assert actions.block(cid, OWNER) == [SENDER, conversation_key(cid)]
    result = shopper.say("where do you ship to? answer me")
    assert result.parts == [] and result.handoff == {"reason": "blocked_sender",
                                                     "ticket_id": None}
    assert [step["node"] for step in result.trace] == ["intake"]
    assert sent_to(runtime, cid) == ["reply"]
    assert store.transcript(cid)[-2]["text"] == "where do you ship to? answer me"
    assert [e.kind for e in store.events(cid)] == ["blocked", "blocked_inbound"]
    assert [r.id for r in inbox_rows(store, runtime.services.source)] == []
    shown = inbox_rows(store, runtime.services.source, InboxFilter(show_blocked=True))
    assert [(r.id, r.blocked) for r in shown] == [(cid, True)]
    assert new_inbound(store, 0)[0] == []
    try:
        actions.reply(cid, "hello?", OWNER)
    except InboxError as refused:
        assert "blocked" in str(refused)
    else:
        raise AssertionError("a reply to a blocked sender was accepted")
    assert actions.unblock(cid, OWNER) == [SENDER, conversation_key(cid)]
    answered = shopper.say("where do you ship to?")
    assert answered.parts and sent_to(runtime, cid) == ["reply", "reply"]
    history = store.suppression_history(SENDER)
    assert [(h.reason, h.set_by, h.lifted_by) for h in history] == [("blocked", OWNER, OWNER)]


def test_a_new_conversation_from_a_blocked_address_is_ignored_too(runtime: Runtime) -> None:
    first = Shopper(runtime, "sms", sender=SENDER)
    first.say("hello")
    actions_for(runtime).block(first.conversation_id, OWNER)
    again = Shopper(runtime, "sms", sender="+45 20 12 34 56")
    assert again.say("I want to talk to a person").parts == []
    assert runtime.services.store.tickets(again.conversation_id) == []
    assert sent_to(runtime, again.conversation_id) == []


def test_the_http_entry_point_does_not_reply_to_a_blocked_visitor(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    first = client.post("/api/turns", json={"conversation_id": "web-blocked1",
                                            "text": "do you ship to Norway?"})
    assert first.status_code == 200 and first.json()["parts"]
    actions_for(runtime).block("web-blocked1", OWNER)
    blocked = client.post("/api/turns", json={"conversation_id": "web-blocked1",
                                              "text": "hello??"})
    assert blocked.status_code == 200
    assert blocked.json()["parts"] == []
    assert blocked.json()["rendered"]["payload"] == {"channel": "webchat", "messages": []}
    messages = runtime.services.store.transcript("web-blocked1")
    assert [m["text"] for m in messages if m["direction"] == "in"] == [
        "do you ship to Norway?", "hello??"]
    assert messages[-1]["delivery_state"] == "not_sent"
