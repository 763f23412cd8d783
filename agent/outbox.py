"""The outbox: every message the agent or a teammate sends, with its delivery state.

A row is written before any provider is called, so nothing is lost: with no provider
configured for its channel it stays ``held`` (the embedded default, readable with
``customer-agent outbox``); otherwise it is ``sent`` once the provider accepted it, and
provider status callbacks move it on (``delivered``, ``read``, ``undelivered``,
``failed``). A provider that is down leaves it ``queued`` with the time of the next attempt.
Mixed into ``ConversationStore``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime

STATE_RANK = {"held": 0, "queued": 1, "sending": 2, "sent": 3, "delivered": 4, "read": 5,
              "undelivered": 6, "failed": 6, "suppressed": 6}
"""How far a message got; a status report never moves a message to a lower rank."""


class OutboxMessage(Base):
    """One outgoing message and how far it got."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str | None] = mapped_column(String(16), nullable=True, default="held")
    attempts: Mapped[int | None] = mapped_column(Integer, nullable=True, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class OutboxRecords:
    """Reads and writes of the outbox; the sending itself is ``agent.outbound.Outbound``."""

    def _session(self) -> Session:
        raise NotImplementedError

    def add_outbox(self, conversation_id: str, channel: str, recipient: str, kind: str,
                   body: str, now: datetime, subject: str = "", *,
                   payload: dict[str, Any] | None = None, message_id: int | None = None,
                   state: str = "held") -> OutboxMessage:
        """Record an outgoing message before anything is sent."""
        row = OutboxMessage(conversation_id=conversation_id, channel=channel,
                            recipient=recipient, kind=kind, subject=subject, body=body,
                            payload=payload or {}, message_id=message_id, state=state,
                            attempts=0, created_at=now, updated_at=now)
        with self._session() as session:
            session.add(row)
            session.commit()
        return row

    def unsent_replies(self, stored_before: datetime, limit: int = 50) -> list[Any]:
        """The agent's replies stored for sending (``pending``) before ``stored_before``
        that never reached the outbox: their process died between the two writes."""
        messages = Base.metadata.tables["messages"]
        with self._session() as session:
            return list(session.execute(select(messages).where(
                messages.c.direction == "out", messages.c.author == "agent",
                messages.c.delivery_state == "pending", messages.c.reply_to.is_not(None),
                messages.c.created_at < stored_before,
                ~select(OutboxMessage.id).where(
                    OutboxMessage.message_id == messages.c.id).exists())
                .order_by(messages.c.id).limit(limit)))

    def claim_unsent_reply(self, message_id: int) -> bool:
        """Take an unsent reply to send it (``pending`` -> ``queued``); False when another
        worker took it first."""
        messages = Base.metadata.tables["messages"]
        with self._session() as session:
            claimed = session.execute(update(messages).where(
                messages.c.id == message_id, messages.c.delivery_state == "pending")
                .values(delivery_state="queued"))
            session.commit()
            return bool(getattr(claimed, "rowcount", 0))

    def outbox(self) -> list[OutboxMessage]:
        """Everything in the outbox, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def outbox_entry(self, entry_id: int) -> OutboxMessage | None:
        """One outbox row."""
        with self._session() as session:
            return session.get(OutboxMessage, entry_id)

    def claim_outbox(self, entry_id: int, now: datetime) -> bool:
        """Take a queued or new row for sending; False when another worker has it."""
        with self._session() as session:
            claimed = session.execute(
                update(OutboxMessage).where(OutboxMessage.id == entry_id,
                                            OutboxMessage.state.in_(("queued", "held")))
                .values(state="sending", updated_at=now,
                        attempts=OutboxMessage.attempts + 1))
            session.commit()
            return bool(getattr(claimed, "rowcount", 0))

    def due_outbox(self, now: datetime, limit: int = 100) -> list[int]:
        """Queued rows whose next attempt is due, oldest first."""
        with self._session() as session:
            return list(session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.state == "queued",
                                               OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id).limit(limit)))

    def settle_outbox(self, entry_id: int, state: str, now: datetime, *,
                      provider_id: str | None = None, error: str | None = None,
                      next_attempt_at: datetime | None = None) -> None:
        """Record the outcome of an attempt, and copy the state to the message it carries."""
        values: dict[str, Any] = {"state": state, "updated_at": now, "last_error": error,
                                  "next_attempt_at": next_attempt_at}
        if provider_id is not None:
            values["provider_id"] = provider_id
        with self._session() as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == entry_id)
                            .values(**values))
            session.commit()
        self._copy_state_to_message(entry_id, state)

    def advance_delivery(self, provider_id: str, state: str, now: datetime,
                         error: str | None = None) -> OutboxMessage | None:
        """Apply a provider's status report; an older report never moves a state back.

        Returns the row (as it now stands), or None when no row has that provider id.
        """
        rank = STATE_RANK.get(state)
        if rank is None:
            raise ValueError(f"unknown delivery state {state!r}")
        lower = [name for name, value in STATE_RANK.items() if value < rank]
        with self._session() as session:
            session.execute(update(OutboxMessage).where(
                OutboxMessage.provider_id == provider_id, OutboxMessage.state.in_(lower))
                .values(state=state, updated_at=now,
                        **({"last_error": error} if error else {})))
            session.commit()
            row = session.scalar(select(OutboxMessage).where(
                OutboxMessage.provider_id == provider_id))
        if row is not None:
            self._copy_state_to_message(row.id, row.state or "held")
        return row

    def _copy_state_to_message(self, entry_id: int, state: str) -> None:
        """Keep the conversation message's delivery state in step with its outbox row."""
        messages = Base.metadata.tables["messages"]
        with self._session() as session:
            message_id = session.scalar(select(OutboxMessage.message_id).where(
                OutboxMessage.id == entry_id))
            if message_id is not None:
                session.execute(update(messages).where(messages.c.id == message_id)
                                .values(delivery_state=state))
                session.commit()
