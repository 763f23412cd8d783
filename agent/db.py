"""Database plumbing shared by every table: the engine, UTC instants, additive upgrades.

SQLite under the data dir by default, PostgreSQL by URL: the same models either way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, TypeDecorator, create_engine, event, inspect, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store every instant as UTC (naive values are taken to be UTC already)."""
        return as_utc(value)

    def process_result_value(self, value: datetime | None,
                             dialect: Dialect) -> datetime | None:
        """Read back an aware UTC instant (SQLite returns naive ones)."""
        return as_utc(value)


def as_utc(value: datetime | None) -> datetime | None:
    """The same instant in UTC; a naive value is taken to be UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


POOL_RECYCLE_SECONDS = 300
"""PostgreSQL connections are replaced after this long (instead of a ping per checkout)."""


class Base(DeclarativeBase):
    """Declarative base of the conversation schema."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL (synchronous=NORMAL: durable at checkpoints,
    never corrupt) and a busy timeout for several processes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_recycle=POOL_RECYCLE_SECONDS)


def add_missing_columns(engine: Engine) -> list[str]:
    """Upgrade a database made by an earlier version: add the columns it lacks.

    Only additive changes are made (new nullable or defaulted columns), so nothing stored
    is lost; returns ``table.column`` for each column added.
    """
    inspector = inspect(engine)
    added: list[str] = []
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = " DEFAULT '[]'" if isinstance(column.type, JSON) else ""
                connection.execute(text(
                    f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{default}'))
                added.append(f"{table.name}.{column.name}")
    return added
