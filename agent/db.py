"""Database plumbing shared by every table: the engine, UTC instants, additive upgrades.

SQLite under the data dir by default, PostgreSQL by URL: the same models either way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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


SCHEMA_LOCK_NAMESPACE = 7_370_913
"""First key of the PostgreSQL advisory lock ``schema_lock`` takes (the second is the
schema's name, hashed)."""
SCHEMA_LOCK_POLL_SECONDS = 0.2
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


@contextmanager
def schema_lock(url: str) -> Iterator[None]:
    """While held, no other process creates or upgrades tables in this PostgreSQL schema.

    Hosts that start at the same time on an empty database would otherwise race to create
    the same tables, and all but one fail (``CREATE TABLE`` checks, then creates). A
    session advisory lock, released when the block ends or the process dies. It is polled
    for outside any transaction: a waiter blocked inside a statement would hold a snapshot
    that the holder's ``CREATE INDEX CONCURRENTLY`` (the checkpointer's set-up) waits for,
    and neither would move. Nothing to do on SQLite, whose file no other host shares.
    """
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    key = "SELECT {}(:namespace, hashtext(coalesce(current_schema(), '')))"
    namespace = {"namespace": SCHEMA_LOCK_NAMESPACE}
    try:
        with engine.connect() as connection:
            while not connection.execute(text(key.format("pg_try_advisory_lock")),
                                         namespace).scalar():
                time.sleep(SCHEMA_LOCK_POLL_SECONDS)
            try:
                yield
            finally:
                connection.execute(text(key.format("pg_advisory_unlock")), namespace)
    finally:
        engine.dispose()
