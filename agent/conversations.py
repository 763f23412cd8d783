"""Conversations, messages, events and tickets, in one SQL database.

SQLite under the data dir by default, PostgreSQL by ``database_url``: the same SQLAlchemy
models either way. Every inbound message is stored before it is processed, and a
provider/client message id is unique per channel, so a retried delivery is answered from
what was stored rather than processed twice. One-time codes, the outbox and suppressions
live in their own modules and are mixed into ``ConversationStore``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.code_store import OneTimeCodeRecords
from agent.db import Base, UtcDateTime, add_missing_columns
from agent.email_threads import EmailThreadRecords
from agent.outbox import OutboxRecords
from agent.suppressions import SuppressionRecords

UNANSWERED_STATES = ("processing", "failed")
"""Inbound states a turn may still answer: in flight, or a turn on it failed."""


class Conversation(Base):
    """One thread with a shopper on one channel."""

    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    owner: Mapped[str] = mapped_column(String(16), default="bot")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    reply_to: Mapped[str | None] = mapped_column(String(254), nullable=True)
    visitor_online: Mapped[bool | None] = mapped_column(nullable=True)
    unread: Mapped[bool] = mapped_column(default=False)
    assignee: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rating_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    cart: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    visitor: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Message(Base):
    """A message in or out; outbound ones keep their parts, payload and turn result."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "channel", "provider_id",
                                       name="uq_message_provider"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(8))
    author: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reply_to: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    delivery_state: Mapped[str] = mapped_column(String(16), default="received")
    envelope: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Event(Base):
    """Something that happened around the conversation: presence, cart, handback."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Ticket(Base):
    """A handoff to a person: why, a summary, and the transcript at that moment."""

    __tablename__ = "tickets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# The statements every turn runs, built once: SQLAlchemy then neither rebuilds them nor
# recomputes their cache keys on each call (about a third of the store's time in a turn).
CONVERSATION_EXISTS = select(Conversation.id).where(
    Conversation.id == bindparam("b_conversation"))
UPDATE_CONVERSATION = update(Conversation).where(
    Conversation.id == bindparam("b_conversation"))
INSERT_MESSAGE = insert(Message).returning(Message.id)
ANSWER_INBOUND = update(Message).where(
    Message.id == bindparam("b_message"), Message.direction == "in",
    Message.delivery_state.in_(UNANSWERED_STATES)).values(delivery_state="processed")
MARK_PROCESSED = update(Message).where(
    Message.id == bindparam("b_message")).values(delivery_state="processed")


class DuplicateMessage(Exception):
    """An inbound message whose provider id was already stored."""

    def __init__(self, message_id: int) -> None:
        super().__init__(f"message already stored as {message_id}")
        self.message_id = message_id


class ConversationStore(OneTimeCodeRecords, OutboxRecords, SuppressionRecords,
                        EmailThreadRecords):
    """Reads and writes of the conversation database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        Base.metadata.create_all(engine)
        add_missing_columns(engine)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def ensure_conversation(self, conversation_id: str, channel: str,
                            now: datetime) -> Conversation:
        """The conversation, created on its first message."""
        with self._session() as session:
            found = session.get(Conversation, conversation_id)
            if found is not None:
                return found
            conversation = Conversation(id=conversation_id, channel=channel, topics=[],
                                        created_at=now, updated_at=now)
            session.add(conversation)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                existing = session.get(Conversation, conversation_id)
                assert existing is not None
                return existing
            return conversation

    def conversations(self) -> list[Conversation]:
        """Every conversation, most recently active first."""
        with self._session() as session:
            return list(session.scalars(select(Conversation)
                                        .order_by(Conversation.updated_at.desc())))

    def conversation(self, conversation_id: str) -> Conversation | None:
        """The conversation, if it exists."""
        with self._session() as session:
            return session.get(Conversation, conversation_id)

    def update_conversation(self, conversation_id: str, now: datetime, **values: Any) -> None:
        """Set fields of a conversation (owner, customer_id, topics, status)."""
        with self._session() as session:
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(updated_at=now, **values))
            session.commit()

    def record_inbound(self, conversation_id: str, channel: str, text: str,
                       provider_id: str | None, now: datetime,
                       envelope: dict[str, Any] | None = None) -> int:
        """Store an inbound message before it is processed, creating its conversation on
        its first message (one transaction); raise DuplicateMessage if seen.

        A provider/client message id is unique within its conversation and channel.
        """
        message = {"conversation_id": conversation_id, "channel": channel, "text": text,
                   "provider_id": provider_id, "created_at": now, "attempted_at": now,
                   "envelope": envelope}
        try:
            return self._insert_inbound(message)
        except IntegrityError:  # another first message created the conversation meanwhile
            return self._insert_inbound(message)

    def _insert_inbound(self, fields: dict[str, Any]) -> int:
        cid = fields["conversation_id"]
        try:
            with self.engine.begin() as connection:
                if connection.scalar(CONVERSATION_EXISTS, {"b_conversation": cid}) is None:
                    connection.execute(insert(Conversation).values(
                        id=cid, channel=fields["channel"], topics=[],
                        created_at=fields["created_at"], updated_at=fields["created_at"]))
                return int(connection.execute(INSERT_MESSAGE, {
                    "direction": "in", "author": "customer", "parts": [],
                    "delivery_state": "processing", **fields}).scalar_one())
        except IntegrityError:
            existing = None if fields["provider_id"] is None else self._message_with(
                cid, fields["channel"], fields["provider_id"])
            if existing is None:
                raise
            raise DuplicateMessage(existing) from None

    def _message_with(self, conversation_id: str, channel: str, provider_id: str) -> int | None:
        """The id of the message stored under a provider id, if any."""
        with self.engine.connect() as connection:
            return connection.scalar(select(Message.id).where(
                Message.conversation_id == conversation_id, Message.channel == channel,
                Message.provider_id == provider_id))

    def mark_inbound(self, message_id: int, state: str) -> None:
        """Record how processing an inbound message ended (processed or failed)."""
        with self._session() as session:
            session.execute(update(Message).where(Message.id == message_id)
                            .values(delivery_state=state))
            session.commit()

    def fail_inbound(self, message_id: int) -> None:
        """Mark a turn failed, unless another turn on the message has answered it since."""
        with self._session() as session:
            session.execute(update(Message).where(
                Message.id == message_id, Message.delivery_state == "processing")
                .values(delivery_state="failed"))
            session.commit()

    def reclaim_inbound(self, message_id: int, now: datetime, stale_after: timedelta) -> bool:
        """Take a failed (or abandoned) inbound message up again; False if it is in flight."""
        with self._session() as session:
            claimed = session.execute(
                update(Message).where(
                    Message.id == message_id, Message.direction == "in",
                    (Message.delivery_state == "failed")
                    | ((Message.delivery_state == "processing")
                       & (Message.attempted_at < now - stale_after)))
                .values(delivery_state="processing", attempted_at=now))
            session.commit()
            return bool(getattr(claimed, "rowcount", 0))

    def failed_inbound(self, failed_after: datetime, failed_before: datetime,
                       limit: int = 50) -> list[Message]:
        """Inbound messages whose last turn failed, started between the two instants."""
        with self._session() as session:
            return list(session.scalars(select(Message).where(
                Message.direction == "in", Message.delivery_state == "failed",
                Message.attempted_at >= failed_after, Message.attempted_at < failed_before)
                .order_by(Message.id).limit(limit)))

    def settle_failed_inbound(self, message_id: int) -> bool:
        """Mark a failed message processed (a person takes it); False if it is no longer
        failed (taken up again, or settled by another worker)."""
        with self._session() as session:
            settled = session.execute(update(Message).where(
                Message.id == message_id, Message.delivery_state == "failed")
                .values(delivery_state="processed"))
            session.commit()
            return bool(getattr(settled, "rowcount", 0))

    def claim_of(self, message_id: int) -> datetime | None:
        """When the turn now holding an inbound message took it (its claim)."""
        with self._session() as session:
            return session.scalar(select(Message.attempted_at).where(Message.id == message_id))

    def renew_claim(self, message_id: int, claimed_at: datetime | None, now: datetime) -> bool:
        """Start a turn that waited in a queue: only if the message is still held by the
        claim it was accepted with (nobody took it up as abandoned meanwhile); the claim
        is renewed to ``now``."""
        with self._session() as session:
            renewed = session.execute(update(Message).where(
                Message.id == message_id, Message.delivery_state == "processing",
                Message.attempted_at == claimed_at).values(attempted_at=now))
            session.commit()
            return bool(getattr(renewed, "rowcount", 0))

    def abandoned_inbound(self, started_before: datetime, limit: int = 50) -> list[Message]:
        """Inbound messages whose turn started before ``started_before`` and never ended."""
        with self._session() as session:
            return list(session.scalars(select(Message).where(
                Message.direction == "in", Message.delivery_state == "processing",
                Message.attempted_at < started_before).order_by(Message.id).limit(limit)))

    def record_outbound(self, conversation_id: str, channel: str, reply_to: int, text: str,
                        parts: list[dict[str, Any]], result: dict[str, Any],
                        delivery_state: str, now: datetime) -> int:
        """Store the agent's reply with its parts and the full turn result."""
        with self.engine.begin() as connection:
            connection.execute(MARK_PROCESSED, {"b_message": reply_to})
            return self._add_reply(connection, conversation_id, channel, reply_to, text,
                                   parts, result, delivery_state, now)

    def answer_inbound(self, conversation_id: str, channel: str, inbound_id: int, text: str,
                       parts: list[dict[str, Any]], result: dict[str, Any],
                       delivery_state: str, now: datetime,
                       conversation: dict[str, Any] | None = None) -> int | None:
        """Store a turn's reply and set ``conversation``'s fields, unless the inbound
        message was answered already; None then.

        Two turns on one message overlap when a slow turn is taken up again as abandoned
        while it still runs: the first to finish answers, the other stores (and sends) and
        changes nothing. Marking the message processed, updating the conversation and
        storing the reply is one transaction.
        """
        with self.engine.begin() as connection:
            unanswered = connection.execute(ANSWER_INBOUND, {"b_message": inbound_id})
            if not unanswered.rowcount:
                return None
            connection.execute(UPDATE_CONVERSATION, {
                "b_conversation": conversation_id, "updated_at": now, **(conversation or {})})
            return self._add_reply(connection, conversation_id, channel, inbound_id, text,
                                   parts, result, delivery_state, now)

    @staticmethod
    def _add_reply(connection: Connection, conversation_id: str, channel: str,
                   reply_to: int, text: str, parts: list[dict[str, Any]],
                   result: dict[str, Any], delivery_state: str, now: datetime) -> int:
        return int(connection.execute(INSERT_MESSAGE, {
            "conversation_id": conversation_id, "channel": channel, "direction": "out",
            "author": "agent", "text": text, "reply_to": reply_to, "parts": parts,
            "result": result, "delivery_state": delivery_state,
            "created_at": now}).scalar_one())

    def result_for(self, inbound_id: int) -> dict[str, Any] | None:
        """The turn result already produced for an inbound message, if any."""
        with self._session() as session:
            return session.scalar(select(Message.result).where(
                Message.reply_to == inbound_id, Message.direction == "out"))

    def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's messages, oldest first, as plain dicts."""
        with self._session() as session:
            rows = session.scalars(select(Message).where(
                Message.conversation_id == conversation_id).order_by(Message.id))
            return [{"direction": m.direction, "author": m.author, "text": m.text,
                     "parts": m.parts, "delivery_state": m.delivery_state,
                     "at": m.created_at.isoformat()} for m in rows]

    def messages(self, conversation_id: str, after_id: int = 0) -> list[Message]:
        """The conversation's message rows after ``after_id``, oldest first (the inbox reads
        parts and results; the webchat widget asks for what it has not seen)."""
        with self._session() as session:
            return list(session.scalars(select(Message).where(
                Message.conversation_id == conversation_id, Message.id > after_id)
                .order_by(Message.id)))

    def resolved_idle_conversations(self, idle_since: datetime) -> list[str]:
        """Open, agent-owned conversations quiet since ``idle_since`` whose last message is
        the agent's reply to a turn it resolved."""
        with self._session() as session:
            candidates = list(session.scalars(select(Conversation.id).where(
                Conversation.status == "open", Conversation.owner == "bot",
                Conversation.updated_at < idle_since)))
            resolved = []
            for conversation_id in candidates:
                last = session.scalar(select(Message).where(
                    Message.conversation_id == conversation_id)
                    .order_by(Message.id.desc()).limit(1))
                if (last is not None and last.direction == "out" and last.result
                        and last.result.get("status") == "resolved"):
                    resolved.append(conversation_id)
            return resolved

    def update_with_event(self, conversation_id: str, kind: str, detail: dict[str, Any],
                          now: datetime, **values: Any) -> None:
        """Set fields of a conversation and record an event about it, in one transaction."""
        with self._session() as session:
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(updated_at=now, **values))
            session.add(Event(conversation_id=conversation_id, kind=kind, detail=detail,
                              created_at=now))
            session.commit()

    def record_event(self, conversation_id: str, kind: str, detail: dict[str, Any],
                     now: datetime) -> None:
        """Record an event (e.g. the visitor came online or left)."""
        with self._session() as session:
            session.add(Event(conversation_id=conversation_id, kind=kind, detail=detail,
                              created_at=now))
            session.commit()

    def events(self, conversation_id: str) -> list[Event]:
        """The conversation's events, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(Event).where(
                Event.conversation_id == conversation_id).order_by(Event.id)))

    def record_teammate_reply(self, conversation_id: str, channel: str, text: str,
                              delivery_state: str, now: datetime) -> int:
        """Store a reply a person on the team sent."""
        return self._record_out(conversation_id, channel, "teammate", text, [],
                                delivery_state, now)

    def record_agent_message(self, conversation_id: str, channel: str, text: str,
                             parts: list[dict[str, Any]], delivery_state: str,
                             now: datetime) -> int:
        """Store a message the agent sent on its own (not a turn's reply), e.g. a rating ask."""
        return self._record_out(conversation_id, channel, "agent", text, parts,
                                delivery_state, now)

    def _record_out(self, conversation_id: str, channel: str, author: str, text: str,
                    parts: list[dict[str, Any]], delivery_state: str, now: datetime) -> int:
        with self._session() as session:
            message = Message(conversation_id=conversation_id, channel=channel,
                              direction="out", author=author, text=text, parts=parts,
                              delivery_state=delivery_state, created_at=now)
            session.add(message)
            session.commit()
            return message.id

    def create_ticket(self, conversation_id: str, reason: str, summary: str,
                      now: datetime, topics: list[str] | None = None) -> str:
        """File a handoff ticket with the transcript as it stands."""
        ticket_id = f"T-{uuid.uuid4().hex[:8].upper()}"
        transcript = self.transcript(conversation_id)
        with self._session() as session:
            session.add(Ticket(id=ticket_id, conversation_id=conversation_id, reason=reason,
                               summary=summary, topics=list(topics or []),
                               transcript=transcript, created_at=now))
            session.commit()
        return ticket_id

    def tickets(self, conversation_id: str | None = None) -> list[Ticket]:
        """Tickets, newest first; of one conversation when given."""
        with self._session() as session:
            query = select(Ticket).order_by(Ticket.created_at.desc())
            if conversation_id is not None:
                query = query.where(Ticket.conversation_id == conversation_id)
            return list(session.scalars(query))
