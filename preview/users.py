"""Console users: who may sign in, with which role, and the failed sign-ins that limit guessing.

Tables live in the conversation database (same engine, same ``Base``), created on first
use. Roles: ``owner`` and ``admin`` configure the agent, ``staff`` view and answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, Integer, String, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime
from preview.passwords import DUMMY_HASH, check_new_password, hash_password, verify_password

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 80


class Role(StrEnum):
    """What a console user may do."""

    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"


CONFIGURE_ROLES: tuple[str, ...] = (Role.OWNER.value, Role.ADMIN.value)


class ConsoleUser(Base):
    """A person on the merchant's team who signs in to the console."""

    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_CHARS), unique=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_CHARS), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def can_configure(self) -> bool:
        """Owners and admins change settings, skills and content."""
        return self.role in CONFIGURE_ROLES

    @property
    def is_owner(self) -> bool:
        """Owners also manage the team."""
        return self.role == Role.OWNER.value

    @property
    def display_name(self) -> str:
        """The name, else the email."""
        return self.name or self.email


class LoginFailure(Base):
    """One failed sign-in for an email (known or not), kept to limit guessing."""

    __tablename__ = "console_login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_CHARS), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserError(ValueError):
    """A user change that cannot be made as asked; the message says why."""


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this email recently; try again later."""


def normalise_email(email: str) -> str:
    """An email as stored and compared: trimmed and case-folded."""
    return email.strip().casefold()


def _checked_email(email: str) -> str:
    address = normalise_email(email)
    local, _, domain = address.partition("@")
    if not local or not domain or " " in address or len(address) > MAX_EMAIL_CHARS:
        raise UserError("enter a valid email address")
    return address


def _checked_role(role: str) -> str:
    if role not in {r.value for r in Role}:
        raise UserError(f"unknown role {role!r}: choose owner, admin or staff")
    return role


class UserStore:
    """Reads and writes of console users and failed sign-ins."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        tables = Base.metadata.tables
        Base.metadata.create_all(engine, tables=[tables[ConsoleUser.__tablename__],
                                                 tables[LoginFailure.__tablename__]])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def count(self) -> int:
        """How many users exist."""
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(ConsoleUser)) or 0)

    def list_users(self) -> list[ConsoleUser]:
        """Every active user, owners first, then by email."""
        order = {Role.OWNER.value: 0, Role.ADMIN.value: 1, Role.STAFF.value: 2}
        with self._session() as session:
            users = list(session.scalars(select(ConsoleUser).where(ConsoleUser.active)))
        return sorted(users, key=lambda u: (order.get(u.role, 3), u.email))

    def user(self, user_id: int) -> ConsoleUser | None:
        """The active user with ``user_id``."""
        with self._session() as session:
            found = session.get(ConsoleUser, user_id)
        return found if found is not None and found.active else None

    def user_by_email(self, email: str) -> ConsoleUser | None:
        """The active user with ``email`` (case-insensitive)."""
        with self._session() as session:
            return session.scalar(select(ConsoleUser).where(
                ConsoleUser.email == normalise_email(email), ConsoleUser.active))

    def create_user(self, email: str, role: str, password: str, now: datetime,
                    name: str = "") -> ConsoleUser:
        """Add a user; raises UserError for a bad email, role or password, or a duplicate."""
        user = ConsoleUser(email=_checked_email(email), role=_checked_role(role),
                           name=name.strip()[:MAX_NAME_CHARS],
                           password_hash=hash_password(check_new_password(password)),
                           active=True, created_at=now)
        with self._session() as session:
            stale = session.scalar(select(ConsoleUser).where(ConsoleUser.email == user.email))
            if stale is not None and not stale.active:
                session.delete(stale)
                session.flush()
            session.add(user)
            try:
                session.commit()
            except IntegrityError:
                raise UserError(f"{user.email} already has an account") from None
        return user

    def set_role(self, user_id: int, role: str) -> None:
        """Change a user's role; the last owner cannot stop being one."""
        role = _checked_role(role)
        with self._session() as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or not user.active:
                raise UserError("no such user")
            if user.role == Role.OWNER.value and role != Role.OWNER.value:
                self._keep_an_owner(session, user_id)
            user.role = role
            session.commit()

    def set_password(self, user_id: int, password: str) -> None:
        """Replace a user's password."""
        hashed = hash_password(check_new_password(password))
        with self._session() as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or not user.active:
                raise UserError("no such user")
            user.password_hash = hashed
            session.commit()

    def deactivate(self, user_id: int) -> None:
        """Remove a user's access (the row stays so history keeps their name)."""
        with self._session() as session:
            user = session.get(ConsoleUser, user_id)
            if user is None or not user.active:
                raise UserError("no such user")
            if user.role == Role.OWNER.value:
                self._keep_an_owner(session, user_id)
            user.active = False
            session.commit()

    @staticmethod
    def _keep_an_owner(session: Session, leaving_id: int) -> None:
        others = session.scalar(select(func.count()).select_from(ConsoleUser).where(
            ConsoleUser.role == Role.OWNER.value, ConsoleUser.active,
            ConsoleUser.id != leaving_id))
        if not others:
            raise UserError("the team needs at least one owner")

    def authenticate(self, email: str, password: str, now: datetime) -> ConsoleUser | None:
        """The user if the password matches; None otherwise (same for unknown emails).

        Raises TooManyAttempts when the email had MAX_FAILURES failures within
        FAILURE_WINDOW, whether or not this password is right.
        """
        address = normalise_email(email)[:MAX_EMAIL_CHARS]
        with self._session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURE_WINDOW))
            recent = session.scalar(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.email == address))
            session.commit()
            if (recent or 0) >= MAX_FAILURES:
                raise TooManyAttempts("too many failed sign-ins; try again in 15 minutes")
            user = session.scalar(select(ConsoleUser).where(
                ConsoleUser.email == address, ConsoleUser.active))
            matches = verify_password(password, user.password_hash if user else DUMMY_HASH)
            if user is not None and matches:
                session.execute(delete(LoginFailure).where(LoginFailure.email == address))
                session.commit()
                return user
            session.add(LoginFailure(email=address, at=now))
            session.commit()
            return None
