"""One-time codes at rest: their hashes, expiry and failed attempts.

Mixed into ``ConversationStore`` so one database and one session factory serve all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime
from agent.identity import StoredCode


class OneTimeCode(Base):
    """A one-time code's hash, expiry and failed attempts."""

    __tablename__ = "one_time_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OneTimeCodeRecords:
    """Reads and writes of one-time codes (``agent.identity.CodeStore``)."""

    def _session(self) -> Session:
        raise NotImplementedError

    def save_code(self, conversation_id: str, customer_id: str, code_hash: str,
                  created_at: datetime, expires_at: datetime) -> None:
        """Keep a new code and retire the conversation's earlier ones."""
        with self._session() as session:
            session.execute(update(OneTimeCode).where(
                OneTimeCode.conversation_id == conversation_id).values(used=True))
            session.add(OneTimeCode(conversation_id=conversation_id, customer_id=customer_id,
                                    code_hash=code_hash, created_at=created_at,
                                    expires_at=expires_at))
            session.commit()

    def active_code(self, conversation_id: str) -> StoredCode | None:
        """The newest unused code of the conversation."""
        with self._session() as session:
            row = session.scalar(select(OneTimeCode).where(
                OneTimeCode.conversation_id == conversation_id,
                OneTimeCode.used.is_(False)).order_by(OneTimeCode.id.desc()))
            if row is None:
                return None
            return StoredCode(id=row.id, customer_id=row.customer_id, code_hash=row.code_hash,
                              expires_at=row.expires_at, attempts=row.attempts)

    def record_attempt(self, code_id: int) -> None:
        """Count a failed attempt."""
        with self._session() as session:
            session.execute(update(OneTimeCode).where(OneTimeCode.id == code_id)
                            .values(attempts=OneTimeCode.attempts + 1))
            session.commit()

    def mark_used(self, code_id: int) -> None:
        """Retire a code that verified."""
        with self._session() as session:
            session.execute(update(OneTimeCode).where(OneTimeCode.id == code_id)
                            .values(used=True))
            session.commit()
