"""Addresses nothing may be sent to: SMS/WhatsApp opt-outs (STOP) and blocked senders.

A suppression is recorded with who or what set it and when; lifting it (START, unblock)
keeps the record, so the history stays auditable. Addresses are compared normalised:
emails case-folded, phone numbers without the ``whatsapp:`` prefix or separators.
Mixed into ``ConversationStore``.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from agent.db import Base, UtcDateTime

_PHONE_NOISE = re.compile(r"[\s\-.()\u00a0]")


def normalise_address(address: str) -> str:
    """The form an address is compared in: ``whatsapp:+45 12`` and ``+4512`` are one."""
    value = address.strip()
    if value.lower().startswith("whatsapp:"):
        value = value[len("whatsapp:"):]
    if "@" in value:
        return value.casefold()
    return _PHONE_NOISE.sub("", value)


class Suppression(Base):
    """One opt-out or block of an address, active until ``lifted_at``."""

    __tablename__ = "suppressions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(254), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    lifted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SuppressionRecords:
    """Reads and writes of suppressions."""

    def _session(self) -> Session:
        raise NotImplementedError

    def suppress(self, address: str, reason: str, set_by: str, now: datetime) -> bool:
        """Suppress an address for a reason (``opt_out`` or ``blocked``); False if already."""
        normal = normalise_address(address)
        if reason in self.suppression_reasons(normal):
            return False
        with self._session() as session:
            session.add(Suppression(address=normal, reason=reason, set_by=set_by,
                                    created_at=now))
            session.commit()
        return True

    def lift_suppression(self, address: str, reason: str, lifted_by: str,
                         now: datetime) -> bool:
        """End an active suppression; False when there was none."""
        with self._session() as session:
            lifted = session.execute(update(Suppression).where(
                Suppression.address == normalise_address(address),
                Suppression.reason == reason, Suppression.lifted_at.is_(None))
                .values(lifted_at=now, lifted_by=lifted_by))
            session.commit()
            return bool(getattr(lifted, "rowcount", 0))

    def suppression_reasons(self, address: str) -> list[str]:
        """The active suppressions of an address (empty when it may be written to)."""
        with self._session() as session:
            return list(session.scalars(select(Suppression.reason).where(
                Suppression.address == normalise_address(address),
                Suppression.lifted_at.is_(None))))

    def suppression_history(self, address: str) -> list[Suppression]:
        """Every suppression of an address, active or lifted, oldest first."""
        with self._session() as session:
            return list(session.scalars(select(Suppression).where(
                Suppression.address == normalise_address(address)).order_by(Suppression.id)))
