"""The inbox's own tables: internal notes, saved replies and image attachments.

Notes live in a table of their own, never in ``messages``: nothing that builds a transcript,
a ticket or an outgoing message reads this table, so a note cannot reach a customer.
Saved replies are the team's canned answers (at most ``MAX_SAVED_REPLIES``), inserted in
the reply box by typing ``/`` and their name. Attachments record images a teammate sent;
the bytes live under the data dir (``agent.inbox_attachments``).
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Integer, String, Text, delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime

MAX_SAVED_REPLIES = 20
MAX_NOTE_CHARS = 4000
MAX_SAVED_REPLY_CHARS = 2000
SAVED_REPLY_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class InboxError(ValueError):
    """A request the inbox cannot carry out as given; the message says why."""


class Note(Base):
    """An internal note on a conversation: seen by the team, never by the customer."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SavedReply(Base):
    """A canned answer, inserted by its shortcut ``/name``."""

    __tablename__ = "saved_replies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Attachment(Base):
    """An image a teammate attached to a reply; ``sent_at`` once it went out."""

    __tablename__ = "attachments"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


_TABLES = [Base.metadata.tables[name] for name in ("notes", "saved_replies", "attachments")]


class InboxRecords:
    """Reads and writes of notes, saved replies and attachments, on the conversation DB."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        Base.metadata.create_all(engine, tables=_TABLES)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def add_note(self, conversation_id: str, author: str, text: str, now: datetime) -> Note:
        """Record an internal note; blank or over-long text is refused."""
        body = text.strip()
        if not body:
            raise InboxError("a note needs some text")
        if len(body) > MAX_NOTE_CHARS:
            raise InboxError(f"a note is at most {MAX_NOTE_CHARS} characters")
        note = Note(conversation_id=conversation_id, author=author, text=body, created_at=now)
        with self._session() as session:
            session.add(note)
            session.commit()
        return note

    def notes(self, conversation_id: str) -> list[Note]:
        """The conversation's notes, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(Note).where(
                Note.conversation_id == conversation_id).order_by(Note.id)))

    def saved_replies(self) -> list[SavedReply]:
        """Every saved reply, by name."""
        with self._session() as session:
            return list(session.scalars(select(SavedReply).order_by(SavedReply.name)))

    def save_reply(self, name: str, text: str, by: str, now: datetime) -> SavedReply:
        """Create or replace the saved reply ``name``; refused past ``MAX_SAVED_REPLIES``."""
        shortcut, body = name.strip().lower(), text.strip()
        if not SAVED_REPLY_NAME.match(shortcut):
            raise InboxError("a saved reply's name is 1-32 lowercase letters, digits, - or _")
        if not body or len(body) > MAX_SAVED_REPLY_CHARS:
            raise InboxError(f"a saved reply needs 1-{MAX_SAVED_REPLY_CHARS} characters")
        with self._session() as session:
            found = session.scalar(select(SavedReply).where(SavedReply.name == shortcut))
            if found is not None:
                found.text, found.updated_by, found.updated_at = body, by, now
                session.commit()
                return found
            count = session.scalar(select(func.count()).select_from(SavedReply)) or 0
            if count >= MAX_SAVED_REPLIES:
                raise InboxError(f"at most {MAX_SAVED_REPLIES} saved replies; delete one first")
            reply = SavedReply(name=shortcut, text=body, updated_by=by, updated_at=now)
            session.add(reply)
            try:
                session.commit()
            except IntegrityError:
                raise InboxError(f"a saved reply named {shortcut} already exists") from None
            return reply

    def delete_saved_reply(self, name: str) -> bool:
        """Delete a saved reply; False when there was none by that name."""
        with self._session() as session:
            deleted = session.execute(delete(SavedReply).where(SavedReply.name == name))
            session.commit()
            return bool(getattr(deleted, "rowcount", 0))

    def add_attachment(self, attachment: Attachment) -> None:
        """Record an uploaded image (its bytes are already on disk)."""
        with self._session() as session:
            session.add(attachment)
            session.commit()

    def attachment(self, token: str) -> Attachment | None:
        """One attachment by its token."""
        with self._session() as session:
            return session.get(Attachment, token)

    def mark_attachment_sent(self, token: str, now: datetime) -> None:
        """Note that the image went out in a reply (its public link now works)."""
        with self._session() as session:
            session.execute(update(Attachment).where(Attachment.token == token)
                            .values(sent_at=now))
            session.commit()
