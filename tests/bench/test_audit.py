"""The load run's audit on hand-made databases: it passes when every inbound message was
answered (or deliberately not) exactly once, and fails on a lost or a doubled reply."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.conversations import ConversationStore
from agent.db import make_engine
from evals.load.audit import audit_messages

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    """An empty conversation database."""
    return ConversationStore(make_engine(f"sqlite:///{tmp_path / 'audit.sqlite'}"))


def answered(store: ConversationStore, conversation_id: str, text: str,
             channel: str = "webchat", provider_id: str | None = None) -> tuple[int, int]:
    """An inbound message and the agent's reply to it, as a turn stores them."""
    store.ensure_conversation(conversation_id, channel, NOW)
    inbound = store.record_inbound(conversation_id, channel, text, provider_id, NOW)
    reply = store.record_outbound(conversation_id, channel, inbound, "an answer", [], {},
                                  "pending", NOW)
    return inbound, reply


def test_a_healthy_database_passes(store: ConversationStore) -> None:
    answered(store, "web-1", "where is my order?")
    _, sms_reply = answered(store, "sms:+4520000001", "how long is delivery?", "sms", "SM1")
    store.add_outbox("sms:+4520000001", "sms", "+4520000001", "reply", "an answer", NOW,
                     message_id=sms_reply)
    store.ensure_conversation("email:abc", "email", NOW)
    auto_reply = store.record_inbound("email:abc", "email", "out of office", "<a@b>", NOW)
    store.mark_inbound(auto_reply, "no_reply")
    store.ensure_conversation("sms:+4520000002", "sms", NOW)
    keyword = store.record_inbound("sms:+4520000002", "sms", "STOP", "SM2", NOW)
    store.record_event("sms:+4520000002", "keyword", {"keyword": "STOP"}, NOW)
    store.mark_inbound(keyword, "processed")

    audit = audit_messages(store.engine)

    assert audit.passed, audit.to_json()
    assert (audit.inbound, audit.replied, audit.deliberately_unanswered) == (4, 2, 2)


def test_a_reply_recorded_twice_fails_the_audit(store: ConversationStore) -> None:
    inbound, _ = answered(store, "web-1", "where is my order?")
    store.record_outbound("web-1", "webchat", inbound, "the same answer again", [], {},
                          "delivered", NOW)

    audit = audit_messages(store.engine)

    assert not audit.passed
    assert audit.duplicate_replies == [
        {"message_id": inbound, "conversation_id": "web-1", "replies": 2}]
    assert audit.unanswered == []


def test_a_reply_sent_twice_fails_the_audit(store: ConversationStore) -> None:
    _, reply = answered(store, "sms:+4520000001", "hi", "sms", "SM1")
    for _ in range(2):
        store.add_outbox("sms:+4520000001", "sms", "+4520000001", "reply", "an answer", NOW,
                         message_id=reply)

    audit = audit_messages(store.engine)

    assert not audit.passed
    assert audit.duplicate_sends == [{"reply_id": reply, "kind": "reply", "rows": 2}]


@pytest.mark.parametrize("state", ["processing", "failed", "processed"])
def test_an_inbound_message_without_a_reply_fails_the_audit(
        store: ConversationStore, state: str) -> None:
    answered(store, "web-1", "where is my order?")
    store.ensure_conversation("web-2", "webchat", NOW)
    lost = store.record_inbound("web-2", "webchat", "hello?", None, NOW)
    store.mark_inbound(lost, state)

    audit = audit_messages(store.engine)

    assert not audit.passed
    assert audit.unanswered == [{"message_id": lost, "conversation_id": "web-2",
                                 "state": state}]
    assert audit.replied == 1


def test_a_message_handed_to_a_person_counts_as_handled(store: ConversationStore) -> None:
    store.ensure_conversation("web-1", "webchat", NOW)
    inbound = store.record_inbound("web-1", "webchat", "I want a person", None, NOW)
    store.create_ticket("web-1", "asked_for_person", "wants a person", NOW)
    store.mark_inbound(inbound, "processed")

    audit = audit_messages(store.engine)

    assert audit.passed
    assert audit.handed_to_person == 1


def test_only_messages_after_the_given_id_are_audited(store: ConversationStore) -> None:
    store.ensure_conversation("old", "webchat", NOW)
    earlier = store.record_inbound("old", "webchat", "never answered, before the run", None,
                                   NOW)
    answered(store, "web-1", "where is my order?")

    assert not audit_messages(store.engine).passed
    audit = audit_messages(store.engine, after_id=earlier)
    assert audit.passed
    assert audit.inbound == 1
