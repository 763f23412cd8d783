"""Sending: every outgoing message is recorded in the outbox, then handed to its channel's
transport (Twilio for SMS/WhatsApp, SMTP for email) when one is configured.

Nothing is lost and nothing is sent twice: the row exists before the provider is called,
a row is claimed atomically before an attempt (several workers may retry), a provider
that is down leaves the row ``queued`` for a later attempt with growing delays, and an
address that opted out or is blocked is never written to (the row says ``suppressed``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from agent.clock import Clock
from agent.conversations import ConversationStore
from agent.outbox import OutboxMessage

RETRY_DELAYS: Sequence[timedelta] = (
    timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
    timedelta(hours=1), timedelta(hours=2), timedelta(hours=4), timedelta(hours=8))
"""Wait before each further attempt; after the last one the message is ``failed``."""


@dataclass(frozen=True)
class OutgoingMessage:
    """What a transport needs to send one outbox row."""

    id: int
    conversation_id: str
    channel: str
    recipient: str
    kind: str
    subject: str
    body: str
    payload: dict[str, Any] = field(default_factory=dict)


class TransportError(Exception):
    """A provider refused or could not be reached; ``retryable`` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Transport(Protocol):
    """Sends messages of one or more channels through a provider."""

    def send(self, message: OutgoingMessage) -> str:
        """Send, returning the provider's id of the message; raise TransportError."""
        ...


def _outgoing(row: OutboxMessage) -> OutgoingMessage:
    return OutgoingMessage(id=row.id, conversation_id=row.conversation_id, channel=row.channel,
                           recipient=row.recipient, kind=row.kind, subject=row.subject,
                           body=row.body, payload=dict(row.payload or {}))


class Outbound:
    """Records and sends outgoing messages through the configured transports."""

    def __init__(self, store: ConversationStore, clock: Clock,
                 transports: Mapping[str, Transport] | None = None) -> None:
        self._store = store
        self._clock = clock
        self._transports = dict(transports or {})

    def has_transport(self, channel: str) -> bool:
        """Whether messages of this channel leave through a provider (else they are held)."""
        return channel in self._transports

    def send(self, conversation_id: str, channel: str, recipient: str, kind: str, body: str,
             *, subject: str = "", payload: dict[str, Any] | None = None,
             message_id: int | None = None) -> OutboxMessage:
        """Record a message and try to send it now; returns the row as it then stands."""
        now = self._clock.now()
        suppressed = self._store.suppression_reasons(recipient)
        state = "suppressed" if suppressed else (
            "queued" if channel in self._transports else "held")
        row = self._store.add_outbox(conversation_id, channel, recipient, kind, body, now,
                                     subject, payload=payload, message_id=message_id,
                                     state=state)
        if suppressed:
            self._store.settle_outbox(row.id, "suppressed", now,
                                      error=f"address suppressed: {', '.join(suppressed)}")
        elif state == "held":
            self._store.settle_outbox(row.id, "held", now)
        else:
            self.attempt(row.id)
        found = self._store.outbox_entry(row.id)
        assert found is not None
        return found

    def attempt(self, entry_id: int) -> str | None:
        """One attempt at a queued row; None when another worker holds it."""
        now = self._clock.now()
        row = self._store.outbox_entry(entry_id)
        if row is None or row.channel not in self._transports:
            return None
        if not self._store.claim_outbox(entry_id, now):
            return None
        if self._store.suppression_reasons(row.recipient):
            self._store.settle_outbox(entry_id, "suppressed", now, error="address suppressed")
            return "suppressed"
        attempts = (row.attempts or 0) + 1
        try:
            provider_id = self._transports[row.channel].send(_outgoing(row))
        except TransportError as error:
            if error.retryable and attempts <= len(RETRY_DELAYS):
                self._store.settle_outbox(entry_id, "queued", now, error=str(error),
                                          next_attempt_at=now + RETRY_DELAYS[attempts - 1])
                return "queued"
            self._store.settle_outbox(entry_id, "failed", now, error=str(error))
            return "failed"
        self._store.settle_outbox(entry_id, "sent", now, provider_id=provider_id)
        return "sent"

    def retry_due(self) -> dict[int, str]:
        """Attempt every queued row whose time has come; returns row id -> new state."""
        outcomes: dict[int, str] = {}
        for entry_id in self._store.due_outbox(self._clock.now()):
            outcome = self.attempt(entry_id)
            if outcome is not None:
                outcomes[entry_id] = outcome
        return outcomes
