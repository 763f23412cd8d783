"""Console sign-in sessions: server-side rows behind a signed, HttpOnly cookie.

The cookie holds a random token plus an HMAC of it (key derived from the deployment's
secret key); the database keeps only the token's SHA-256, the user, the per-session CSRF
token, pending flash messages and the expiry. Signing out deletes the row, so a copied
cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime, as_utc
from preview.users import ConsoleUser

SESSION_COOKIE = "console_session"


class ConsoleSession(Base):
    """One signed-in browser."""

    __tablename__ = "console_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    flashes: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class ActiveSession:
    """A valid session: who is signed in and the token forms must carry."""

    token: str
    user: ConsoleUser
    csrf_token: str


class CookieSigner:
    """Signs and checks session cookie values with an HMAC-SHA256."""

    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, b"customer-agent console session", hashlib.sha256).digest()

    def sign(self, token: str) -> str:
        """``token.signature``."""
        return f"{token}.{self._mac(token)}"

    def unsign(self, value: str) -> str | None:
        """The token when the signature is right, else None."""
        token, _, signature = value.rpartition(".")
        if not token or not hmac.compare_digest(signature, self._mac(token)):
            return None
        return token

    def _mac(self, token: str) -> str:
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """Sessions in the conversation database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        Base.metadata.create_all(engine,
                                 tables=[Base.metadata.tables[ConsoleSession.__tablename__]])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def start(self, user: ConsoleUser, now: datetime, lifetime: timedelta) -> ActiveSession:
        """A new session for ``user``; expired sessions are swept on the way."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
            session.add(ConsoleSession(token_hash=_digest(token), user_id=user.id,
                                       csrf_token=csrf, flashes=[], created_at=now,
                                       expires_at=now + lifetime))
            session.commit()
        return ActiveSession(token=token, user=user, csrf_token=csrf)

    def find(self, token: str, now: datetime) -> ActiveSession | None:
        """The live session for ``token`` with its active user, else None."""
        with self._session() as session:
            row = session.get(ConsoleSession, _digest(token))
            if row is None or (as_utc(row.expires_at) or now) <= now:
                return None
            user = session.get(ConsoleUser, row.user_id)
            if user is None or not user.active:
                return None
            return ActiveSession(token=token, user=user, csrf_token=row.csrf_token)

    def end(self, token: str) -> None:
        """Sign out: forget the session."""
        with self._session() as session:
            session.execute(delete(ConsoleSession).where(
                ConsoleSession.token_hash == _digest(token)))
            session.commit()

    def end_all_for(self, user_id: int) -> None:
        """Sign a user out everywhere (removed from the team, password changed)."""
        with self._session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
            session.commit()

    def push_flash(self, token: str, category: str, message: str) -> None:
        """Keep a message to show on the next page."""
        with self._session() as session:
            row = session.get(ConsoleSession, _digest(token))
            if row is not None:
                row.flashes = [*row.flashes, [category, message]]
                session.commit()

    def pop_flashes(self, token: str) -> list[tuple[str, str]]:
        """The pending messages, removed as they are read."""
        with self._session() as session:
            row = session.get(ConsoleSession, _digest(token))
            if row is None or not row.flashes:
                return []
            pending: list[Any] = list(row.flashes)
            row.flashes = []
            session.commit()
        return [(str(category), str(message)) for category, message in pending]
