"""The conversation store on both databases it supports: SQLite and PostgreSQL.

Every test runs once per backend. SQLite gets a fresh file per test; PostgreSQL gets a
fresh schema per test (dropped afterwards) in the ``test`` database on this machine, or
the URL in ``TEST_POSTGRES_URL``. PostgreSQL tests are skipped only when the server
cannot be reached.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from agent.conversations import ConversationStore, DuplicateMessage, Message
from agent.db import make_engine

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)

def as_utc(instant: datetime) -> datetime:
    """Compare instants whether the backend returned them aware or naive (naive = UTC)."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _inbound(store: ConversationStore, text_: str, provider_id: str | None = None,
             conversation_id: str = "conv-1", channel: str = "sms",
             now: datetime = NOW) -> int:
    store.ensure_conversation(conversation_id, channel, now)
    return store.record_inbound(conversation_id, channel, text_, provider_id, now)


def _outbound(store: ConversationStore, reply_to: int, text_: str,
              result: dict[str, Any] | None = None, conversation_id: str = "conv-1",
              channel: str = "sms", now: datetime = NOW) -> int:
    return store.record_outbound(conversation_id, channel, reply_to, text_,
                                 [{"kind": "text", "text": text_}],
                                 result or {"skill": "faq"}, "sent", now)


# --- conversations --------------------------------------------------------------------

def test_schema_is_created_on_an_empty_database(store: ConversationStore) -> None:
    with store.engine.connect() as connection:
        for table in ("conversations", "messages", "tickets", "one_time_codes", "outbox"):
            assert connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_ensure_conversation_creates_with_defaults(store: ConversationStore) -> None:
    created = store.ensure_conversation("conv-1", "webchat", NOW)
    assert (created.id, created.channel, created.owner, created.status, created.topics) == (
        "conv-1", "webchat", "bot", "open", [])
    found = store.conversation("conv-1")
    assert found is not None
    assert (found.channel, found.owner, found.status, found.topics) == (
        "webchat", "bot", "open", [])
    assert as_utc(found.created_at) == NOW and as_utc(found.updated_at) == NOW


def test_ensure_conversation_is_idempotent(store: ConversationStore) -> None:
    store.ensure_conversation("conv-1", "webchat", NOW)
    again = store.ensure_conversation("conv-1", "sms", LATER)
    assert again.channel == "webchat"
    assert as_utc(again.created_at) == NOW
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM conversations")).scalar() == 1


def test_unknown_conversation_is_none(store: ConversationStore) -> None:
    assert store.conversation("nope") is None


def test_update_conversation_sets_owner_and_topics(store: ConversationStore) -> None:
    store.ensure_conversation("conv-1", "sms", NOW)
    store.ensure_conversation("conv-2", "sms", NOW)
    store.update_conversation("conv-1", LATER, owner="human", topics=["returns", "order_status"])
    updated, other = store.conversation("conv-1"), store.conversation("conv-2")
    assert updated is not None and other is not None
    assert (updated.owner, updated.topics) == ("human", ["returns", "order_status"])
    assert as_utc(updated.updated_at) == LATER and as_utc(updated.created_at) == NOW
    assert (other.owner, other.topics, as_utc(other.updated_at)) == ("bot", [], NOW)


def test_update_conversation_customer_and_status(store: ConversationStore) -> None:
    store.ensure_conversation("conv-1", "email", NOW)
    store.update_conversation("conv-1", LATER, customer_id="cust-1", status="closed")
    store.update_conversation("conv-1", LATER + timedelta(minutes=1), owner="bot")
    found = store.conversation("conv-1")
    assert found is not None
    assert (found.customer_id, found.status, found.owner) == ("cust-1", "closed", "bot")
    assert as_utc(found.updated_at) == LATER + timedelta(minutes=1)


def test_data_survives_reopening_the_store(db_url: str) -> None:
    first = ConversationStore(make_engine(db_url))
    _inbound(first, "hello", "p-1")
    first.engine.dispose()
    reopened = ConversationStore(make_engine(db_url))
    try:
        assert [m["text"] for m in reopened.transcript("conv-1")] == ["hello"]
        with pytest.raises(DuplicateMessage):
            reopened.record_inbound("conv-1", "sms", "hello", "p-1", NOW)
    finally:
        reopened.engine.dispose()


# --- inbound de-duplication -----------------------------------------------------------

def test_inbound_ids_increase(store: ConversationStore) -> None:
    ids = [_inbound(store, f"m{i}", f"p-{i}") for i in range(3)]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_duplicate_provider_id_raises_with_the_first_id(store: ConversationStore) -> None:
    first = _inbound(store, "where is my order", "SM123")
    _inbound(store, "something else", "SM999")
    with pytest.raises(DuplicateMessage) as raised:
        store.record_inbound("conv-1", "sms", "where is my order", "SM123", LATER)
    assert raised.value.message_id == first
    assert [m["text"] for m in store.transcript("conv-1")] == [
        "where is my order", "something else"]


def test_provider_ids_are_unique_per_conversation_and_channel(
        store: ConversationStore) -> None:
    first = _inbound(store, "hi", "wamid.1", conversation_id="conv-1", channel="whatsapp")
    with pytest.raises(DuplicateMessage) as raised:
        _inbound(store, "hi", "wamid.1", conversation_id="conv-1", channel="whatsapp")
    assert raised.value.message_id == first
    elsewhere = _inbound(store, "hi", "wamid.1", conversation_id="conv-2", channel="whatsapp")
    other_channel = _inbound(store, "hi", "wamid.1", conversation_id="conv-1", channel="sms")
    assert len({first, elsewhere, other_channel}) == 3


def test_none_provider_ids_never_collide(store: ConversationStore) -> None:
    ids = [_inbound(store, "same text", None) for _ in range(4)]
    assert len(set(ids)) == 4
    assert len(store.transcript("conv-1")) == 4


def test_duplicate_after_a_failed_insert_leaves_the_store_usable(
        store: ConversationStore) -> None:
    _inbound(store, "one", "p-1")
    with pytest.raises(DuplicateMessage):
        _inbound(store, "one again", "p-1")
    assert _inbound(store, "two", "p-2") > 0
    assert [m["text"] for m in store.transcript("conv-1")] == ["one", "two"]


# --- replies and results --------------------------------------------------------------

def test_result_for_is_none_before_a_reply(store: ConversationStore) -> None:
    inbound = _inbound(store, "hi", "p-1")
    assert store.result_for(inbound) is None
    assert store.result_for(10_000) is None


def test_result_for_returns_the_recorded_turn_result(store: ConversationStore) -> None:
    first = _inbound(store, "where is my order", "p-1")
    second = _inbound(store, "thanks", "p-2")
    result = {"conversation_id": "conv-1", "skill": "order_status", "confidence": 0.91,
              "topics": ["order_status"], "parts": [{"kind": "text", "text": "På vej 🚚"}]}
    reply = _outbound(store, first, "On its way", result)
    assert reply not in (first, second)
    assert store.result_for(first) == result
    assert store.result_for(second) is None
    assert store.result_for(reply) is None


def test_outbound_keeps_parts_and_delivery_state(store: ConversationStore) -> None:
    inbound = _inbound(store, "hi", "p-1")
    parts = [{"kind": "text", "text": "Hej"},
             {"kind": "quick_replies", "options": [{"label": "Ja", "value": "yes"}]}]
    reply = store.record_outbound("conv-1", "sms", inbound, "Hej", parts, {"skill": None},
                                  "queued", NOW)
    with store.engine.connect() as connection:
        row = connection.execute(select(Message.__table__).where(
            Message.__table__.c.id == reply)).mappings().one()
    assert (row["direction"], row["author"], row["reply_to"], row["delivery_state"]) == (
        "out", "agent", inbound, "queued")
    assert row["parts"] == parts


# --- transcripts and tickets ----------------------------------------------------------

def test_transcript_is_oldest_first_with_every_field(store: ConversationStore) -> None:
    first = _inbound(store, "where is #1042", "p-1", now=NOW)
    _outbound(store, first, "Which email?", now=NOW + timedelta(seconds=1))
    _inbound(store, "a@example.com", "p-2", now=NOW + timedelta(seconds=2))
    transcript = store.transcript("conv-1")
    assert [(m["direction"], m["author"], m["text"]) for m in transcript] == [
        ("in", "customer", "where is #1042"), ("out", "agent", "Which email?"),
        ("in", "customer", "a@example.com")]
    assert transcript[1]["parts"] == [{"kind": "text", "text": "Which email?"}]
    assert transcript[0]["parts"] == []
    stamps = [datetime.fromisoformat(m["at"]) for m in transcript]
    assert all(s.tzinfo is not None for s in stamps)
    assert stamps == [NOW, NOW + timedelta(seconds=1), NOW + timedelta(seconds=2)]


def test_transcript_is_per_conversation(store: ConversationStore) -> None:
    _inbound(store, "mine", "p-1", conversation_id="conv-1")
    _inbound(store, "theirs", "p-2", conversation_id="conv-2")
    _inbound(store, "mine again", "p-3", conversation_id="conv-1")
    assert [m["text"] for m in store.transcript("conv-1")] == ["mine", "mine again"]
    assert [m["text"] for m in store.transcript("conv-2")] == ["theirs"]
    assert store.transcript("conv-unknown") == []


def test_ticket_keeps_the_transcript_as_it_was(store: ConversationStore) -> None:
    first = _inbound(store, "I want a person", "p-1")
    _outbound(store, first, "Passing you to the team")
    before = store.transcript("conv-1")
    ticket_id = store.create_ticket("conv-1", "customer_asked", "Wants a person", LATER)
    _inbound(store, "hello? anyone?", "p-2", now=LATER)
    (ticket,) = store.tickets("conv-1")
    assert ticket.id == ticket_id
    assert ticket_id.startswith("T-") and len(ticket_id) == 10
    assert (ticket.conversation_id, ticket.reason, ticket.summary, ticket.status) == (
        "conv-1", "customer_asked", "Wants a person", "open")
    assert ticket.transcript == before
    assert len(ticket.transcript) == 2
    assert len(store.transcript("conv-1")) == 3


def test_tickets_newest_first_and_filtered_by_conversation(store: ConversationStore) -> None:
    store.ensure_conversation("conv-1", "sms", NOW)
    store.ensure_conversation("conv-2", "email", NOW)
    oldest = store.create_ticket("conv-1", "low_confidence", "first", NOW)
    middle = store.create_ticket("conv-2", "customer_asked", "second", NOW + timedelta(hours=1))
    newest = store.create_ticket("conv-1", "policy", "third", NOW + timedelta(hours=2))
    assert len({oldest, middle, newest}) == 3
    assert [t.id for t in store.tickets()] == [newest, middle, oldest]
    assert [t.id for t in store.tickets("conv-1")] == [newest, oldest]
    assert [t.id for t in store.tickets("conv-2")] == [middle]
    assert store.tickets("conv-unknown") == []


def test_ticket_for_a_conversation_without_messages_has_an_empty_transcript(
        store: ConversationStore) -> None:
    store.ensure_conversation("conv-1", "webchat", NOW)
    store.create_ticket("conv-1", "offline", "left a note", NOW)
    (ticket,) = store.tickets("conv-1")
    assert ticket.transcript == []


# --- outbox ---------------------------------------------------------------------------

def test_outbox_is_oldest_first(store: ConversationStore) -> None:
    assert store.outbox() == []
    store.add_outbox("conv-1", "email", "a@example.com", "code", "Your code is 123456", NOW,
                     subject="Your code")
    store.add_outbox("conv-2", "sms", "+4533123456", "reply", "On its way", LATER)
    store.add_outbox("conv-1", "email", "a@example.com", "handoff", "We'll answer soon", NOW)
    sent = store.outbox()
    assert [(m.conversation_id, m.channel, m.recipient, m.kind, m.subject, m.body)
            for m in sent] == [
        ("conv-1", "email", "a@example.com", "code", "Your code", "Your code is 123456"),
        ("conv-2", "sms", "+4533123456", "reply", "", "On its way"),
        ("conv-1", "email", "a@example.com", "handoff", "", "We'll answer soon")]
    assert [as_utc(m.created_at) for m in sent] == [NOW, LATER, NOW]


# --- one-time code storage (agent.identity.CodeStore) ---------------------------------

def test_active_code_is_the_newest_unused_one(store: ConversationStore) -> None:
    assert store.active_code("conv-1") is None
    store.save_code("conv-1", "cust-1", "hash-1", NOW, NOW + timedelta(minutes=10))
    store.save_code("conv-1", "cust-2", "hash-2", LATER, LATER + timedelta(minutes=10))
    active = store.active_code("conv-1")
    assert active is not None
    assert (active.customer_id, active.code_hash, active.attempts) == ("cust-2", "hash-2", 0)
    assert active.expires_at == LATER + timedelta(minutes=10)
    assert active.expires_at.tzinfo is not None
    store.mark_used(active.id)
    assert store.active_code("conv-1") is None  # the older one was retired, not revived


def test_code_attempts_are_counted_per_code(store: ConversationStore) -> None:
    store.save_code("conv-1", "cust-1", "hash-1", NOW, LATER)
    store.save_code("conv-2", "cust-1", "hash-2", NOW, LATER)
    first, second = store.active_code("conv-1"), store.active_code("conv-2")
    assert first is not None and second is not None
    for _ in range(3):
        store.record_attempt(first.id)
    assert store.active_code("conv-1").attempts == 3  # type: ignore[union-attr]
    assert store.active_code("conv-2").attempts == 0  # type: ignore[union-attr]


def test_saving_a_code_does_not_retire_other_conversations_codes(
        store: ConversationStore) -> None:
    store.save_code("conv-1", "cust-1", "hash-1", NOW, LATER)
    store.save_code("conv-2", "cust-2", "hash-2", NOW, LATER)
    assert store.active_code("conv-1").code_hash == "hash-1"  # type: ignore[union-attr]
    assert store.active_code("conv-2").code_hash == "hash-2"  # type: ignore[union-attr]


def test_code_expiry_given_in_another_zone_keeps_its_instant(
        store: ConversationStore, request: pytest.FixtureRequest) -> None:
    copenhagen_now = NOW.astimezone(ZoneInfo("Europe/Copenhagen"))
    expires = copenhagen_now + timedelta(minutes=10)
    store.save_code("conv-1", "cust-1", "hash-1", copenhagen_now, expires)
    active = store.active_code("conv-1")
    assert active is not None
    assert active.expires_at == expires  # same instant, whatever the zone it is shown in


# --- timestamps -----------------------------------------------------------------------

def test_timestamps_read_back_are_timezone_aware(store: ConversationStore,
                                                 request: pytest.FixtureRequest) -> None:
    store.ensure_conversation("conv-1", "sms", NOW)
    reread = store.ensure_conversation("conv-1", "sms", LATER)
    found = store.conversation("conv-1")
    store.create_ticket("conv-1", "customer_asked", "summary", NOW)
    store.add_outbox("conv-1", "sms", "+4533123456", "reply", "hi", NOW)
    assert found is not None
    stamps = {"ensure_conversation().created_at": reread.created_at,
              "conversation().updated_at": found.updated_at,
              "tickets()[0].created_at": store.tickets()[0].created_at,
              "outbox()[0].created_at": store.outbox()[0].created_at}
    assert {name: s.tzinfo is not None for name, s in stamps.items()} == dict.fromkeys(
        stamps, True)
    assert set(stamps.values()) == {NOW}


# --- accepting and answering in one transaction each ------------------------------------

def test_the_first_message_creates_its_conversation(store: ConversationStore) -> None:
    inbound = store.record_inbound("conv-new", "whatsapp", "hej", "wamid.9", NOW)
    conversation = store.conversation("conv-new")
    assert conversation is not None and conversation.channel == "whatsapp"
    assert as_utc(conversation.created_at) == NOW
    assert [m["text"] for m in store.transcript("conv-new")] == ["hej"]
    with pytest.raises(DuplicateMessage) as raised:
        store.record_inbound("conv-new", "whatsapp", "hej", "wamid.9", LATER)
    assert raised.value.message_id == inbound


def test_first_messages_of_one_conversation_at_once_are_all_stored(
        store: ConversationStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads that all found no conversation race to create it: each stores its message
    (the losers, after the retry, into the winner's conversation); none is taken for a
    duplicate."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    import agent.conversations as conversations

    everyone_checked, attempts = Barrier(6, timeout=20), []
    original_insert = conversations.insert

    def insert_after_everyone_checked(table: Any) -> Any:
        if table is conversations.Conversation and len(attempts) < 6:
            attempts.append(table)
            everyone_checked.wait()
        return original_insert(table)

    monkeypatch.setattr(conversations, "insert", insert_after_everyone_checked)

    def first_message(index: int) -> int:
        return store.record_inbound("conv-race", "webchat", f"message {index}", None, NOW)

    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(first_message, range(6)))
    assert len(attempts) == 6  # all six tried to create it; five lost and retried
    assert len(set(ids)) == 6
    assert sorted(m["text"] for m in store.transcript("conv-race")) == [
        f"message {i}" for i in range(6)]


def test_answering_sets_the_conversation_only_for_the_first_answer(
        store: ConversationStore) -> None:
    inbound = _inbound(store, "where is my order")
    fields = {"unread": True, "topics": ["Order status"], "reply_to": "+4520000000"}
    first = store.answer_inbound("conv-1", "sms", inbound, "On its way", [], {}, "pending",
                                 LATER, fields)
    conversation = store.conversation("conv-1")
    assert first is not None and conversation is not None
    assert (conversation.unread, conversation.topics, conversation.reply_to) == (
        True, ["Order status"], "+4520000000")
    assert as_utc(conversation.updated_at) == LATER
    second = store.answer_inbound("conv-1", "sms", inbound, "Again", [], {}, "pending",
                                  LATER + timedelta(minutes=1), {"topics": ["Wholesale"]})
    conversation = store.conversation("conv-1")
    assert second is None and conversation is not None
    assert conversation.topics == ["Order status"]
    assert as_utc(conversation.updated_at) == LATER
