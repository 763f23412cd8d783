"""The outbound queue: recorded before sending, held without a provider, retried with
backoff when the provider is down, never sent to a suppressed address, never sent twice,
and status reports that never move a message backwards. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.conversations import ConversationStore
from agent.outbound import RETRY_DELAYS, Outbound, OutgoingMessage, TransportError

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class MovableClock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.instant = NOW

    def now(self) -> datetime:
        return self.instant


class ScriptedTransport:
    """Answers each send from a script: a provider id, or an error to raise."""

    def __init__(self, *outcomes: str | TransportError) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str:
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, TransportError):
            raise outcome
        self.sent.append(message)
        return outcome


def down() -> TransportError:
    return TransportError("connection refused", retryable=True)


def test_without_a_transport_the_message_is_held_in_the_outbox(
        store: ConversationStore) -> None:
    outbound = Outbound(store, MovableClock(), {})
    row = outbound.send("c1", "sms", "+4520123456", "reply", "On its way")
    assert (row.state, row.attempts, row.provider_id) == ("held", 0, None)
    assert outbound.retry_due() == {}
    assert [m.body for m in store.outbox()] == ["On its way"]


def test_a_sent_message_carries_the_provider_id_and_its_conversation_message_state(
        store: ConversationStore) -> None:
    store.ensure_conversation("c1", "sms", NOW)
    inbound = store.record_inbound("c1", "sms", "hi", "SM-in", NOW)
    message_id = store.record_outbound("c1", "sms", inbound, "Hello", [], {}, "pending", NOW)
    transport = ScriptedTransport("SM-out-1")
    row = Outbound(store, MovableClock(), {"sms": transport}).send(
        "c1", "sms", "+4520123456", "reply", "Hello", payload={"body": "Hello"},
        message_id=message_id)
    assert (row.state, row.provider_id, row.attempts) == ("sent", "SM-out-1", 1)
    assert transport.sent[0].payload == {"body": "Hello"}
    assert store.transcript("c1")[-1]["delivery_state"] == "sent"
    delivered = store.advance_delivery("SM-out-1", "delivered", NOW)
    assert delivered is not None and delivered.state == "delivered"
    assert store.transcript("c1")[-1]["delivery_state"] == "delivered"


def test_a_provider_that_is_down_is_retried_with_backoff_until_it_answers(
        store: ConversationStore) -> None:
    clock = MovableClock()
    transport = ScriptedTransport(down(), down(), "SM-1")
    outbound = Outbound(store, clock, {"sms": transport})
    row = outbound.send("c1", "sms", "+4520123456", "reply", "Hello")
    assert row.state == "queued" and row.last_error == "connection refused"
    assert row.next_attempt_at == NOW + RETRY_DELAYS[0]
    assert outbound.retry_due() == {}
    clock.instant = NOW + RETRY_DELAYS[0]
    assert outbound.retry_due() == {row.id: "queued"}
    clock.instant += RETRY_DELAYS[1]
    assert outbound.retry_due() == {row.id: "sent"}
    assert outbound.retry_due() == {}
    final = store.outbox_entry(row.id)
    assert final is not None and (final.state, final.attempts, final.provider_id) == (
        "sent", 3, "SM-1")
    assert len(transport.sent) == 1


def test_after_the_last_retry_the_message_is_failed_with_the_error(
        store: ConversationStore) -> None:
    clock = MovableClock()
    transport = ScriptedTransport(*[down() for _ in range(len(RETRY_DELAYS) + 1)])
    outbound = Outbound(store, clock, {"email": transport})
    row = outbound.send("c1", "email", "a@example.com", "reply", "Hello")
    for delay in RETRY_DELAYS:
        clock.instant += delay
        outbound.retry_due()
    final = store.outbox_entry(row.id)
    assert final is not None and (final.state, final.attempts) == (
        "failed", len(RETRY_DELAYS) + 1)
    assert transport.outcomes == []


def test_a_permanent_refusal_is_failed_at_once(store: ConversationStore) -> None:
    transport = ScriptedTransport(TransportError("21211 invalid number", retryable=False))
    row = Outbound(store, MovableClock(), {"sms": transport}).send(
        "c1", "sms", "+1", "reply", "Hello")
    assert (row.state, row.last_error) == ("failed", "21211 invalid number")


def test_nothing_is_sent_to_a_suppressed_address_until_it_is_lifted(
        store: ConversationStore) -> None:
    transport = ScriptedTransport("SM-2")
    outbound = Outbound(store, MovableClock(), {"whatsapp": transport})
    assert store.suppress("+45 20 12 34 56", "opt_out", "STOP", NOW)
    assert not store.suppress("whatsapp:+4520123456", "opt_out", "STOP", NOW)
    row = outbound.send("c1", "whatsapp", "whatsapp:+4520123456", "reply", "Hello")
    assert row.state == "suppressed" and transport.sent == []
    assert store.lift_suppression("+4520123456", "opt_out", "START", NOW)
    assert outbound.send("c1", "whatsapp", "whatsapp:+4520123456", "reply", "Hi").state == "sent"
    history = store.suppression_history("+4520123456")
    assert [(h.reason, h.set_by, h.lifted_by) for h in history] == [
        ("opt_out", "STOP", "START")]


def test_a_row_claimed_by_one_worker_is_not_sent_by_another(
        store: ConversationStore) -> None:
    clock = MovableClock()
    first = Outbound(store, clock, {"sms": ScriptedTransport(down())})
    row = first.send("c1", "sms", "+4520123456", "reply", "Hello")
    clock.instant += RETRY_DELAYS[0]
    assert store.claim_outbox(row.id, clock.now())
    second_transport = ScriptedTransport("SM-3")
    assert Outbound(store, clock, {"sms": second_transport}).retry_due() == {}
    assert second_transport.sent == []


@pytest.mark.parametrize(("reports", "final"), [
    (["sent", "delivered", "read"], "read"),
    (["delivered", "sent"], "delivered"),
    (["read", "delivered", "sent"], "read"),
    (["sent", "failed", "delivered"], "failed"),
    (["undelivered", "sent"], "undelivered"),
])
def test_status_reports_never_move_a_message_backwards(
        store: ConversationStore, reports: list[str], final: str) -> None:
    Outbound(store, MovableClock(), {"sms": ScriptedTransport("SM-9")}).send(
        "c1", "sms", "+4520123456", "reply", "Hello")
    for report in reports:
        store.advance_delivery("SM-9", report, NOW + timedelta(seconds=1))
    (row,) = store.outbox()
    assert row.state == final


def test_a_status_report_for_an_unknown_message_changes_nothing(
        store: ConversationStore) -> None:
    assert store.advance_delivery("SM-unknown", "delivered", NOW) is None
    with pytest.raises(ValueError, match="unknown delivery state"):
        store.advance_delivery("SM-unknown", "teleported", NOW)
