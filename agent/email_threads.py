"""Email threading: every Message-ID seen or sent, and the conversation it belongs to.

An inbound reply names earlier messages in ``In-Reply-To`` / ``References``; looking those
ids up here finds its conversation. Each row also keeps the other party's address (the
sender of an inbound mail, the recipient of an outbound one), so a thread is only joined
by someone who is already part of it, and the subject, so replies keep ``Re: <subject>``.
Mixed into ``ConversationStore``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime
from agent.outbox import OutboxMessage
from agent.suppressions import normalise_address

MAX_MESSAGE_ID = 255


class EmailThreadMessage(Base):
    """One email (in or out) of a conversation, by its Message-ID."""

    __tablename__ = "email_thread_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(MAX_MESSAGE_ID), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class ThreadMatch:
    """A known Message-ID: its conversation and whether the address is part of that thread."""

    message_id: str
    conversation_id: str
    address_known: bool


class EmailThreadRecords:
    """Reads and writes of the Message-ID -> conversation map."""

    def _session(self) -> Session:
        raise NotImplementedError

    def record_email_message(self, message_id: str, conversation_id: str, direction: str,
                             address: str, subject: str, now: datetime) -> bool:
        """Remember a Message-ID of a conversation; False when it was already known."""
        row = EmailThreadMessage(message_id=message_id[:MAX_MESSAGE_ID],
                                 conversation_id=conversation_id, direction=direction,
                                 address=normalise_address(address)[:254],
                                 subject=subject[:255], created_at=now)
        with self._session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    def email_thread_matches(self, message_ids: Sequence[str],
                             address: str) -> list[ThreadMatch]:
        """The known ids among ``message_ids`` (in the order given) and their conversations.

        ``address_known`` says whether ``address`` already wrote in, or was written to, in
        that conversation's email thread.
        """
        wanted = [m[:MAX_MESSAGE_ID] for m in message_ids]
        if not wanted:
            return []
        with self._session() as session:
            found = {row.message_id: row.conversation_id for row in session.scalars(
                select(EmailThreadMessage).where(EmailThreadMessage.message_id.in_(wanted)))}
            conversations = set(found.values())
            members = {(row.conversation_id, row.address) for row in session.execute(
                select(EmailThreadMessage.conversation_id, EmailThreadMessage.address)
                .where(EmailThreadMessage.conversation_id.in_(conversations)))}
        normal = normalise_address(address)
        return [ThreadMatch(message_id=m, conversation_id=found[m],
                            address_known=(found[m], normal) in members)
                for m in wanted if m in found]

    def email_thread(self, conversation_id: str) -> list[EmailThreadMessage]:
        """The conversation's emails in the order they were recorded."""
        with self._session() as session:
            return list(session.scalars(select(EmailThreadMessage).where(
                EmailThreadMessage.conversation_id == conversation_id)
                .order_by(EmailThreadMessage.id)))

    def carries_teammate_reply(self, outbox_id: int) -> bool:
        """Whether an outbox row carries a person's reply (not the agent's automatic one)."""
        messages = Base.metadata.tables["messages"]
        with self._session() as session:
            author = session.scalar(
                select(messages.c.author).join(OutboxMessage,
                                               OutboxMessage.message_id == messages.c.id)
                .where(OutboxMessage.id == outbox_id))
        return author == "teammate"
