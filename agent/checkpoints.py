"""Where the conversation graph keeps its checkpoints: SQLite by default, PostgreSQL when
the conversation database is PostgreSQL (``DATABASE_URL``), so several workers on several
machines share one state per conversation.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy.engine import make_url

from agent.config import Settings

POOL_SIZE = 8


@dataclass
class Checkpoints:
    """A checkpointer and how to release what it holds."""

    saver: BaseCheckpointSaver[Any]
    close: Callable[[], None]
    backend: str


def libpq_conninfo(database_url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (``postgresql+psycopg://...``) as a libpq URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def is_postgres(database_url: str) -> bool:
    """Whether a database URL names PostgreSQL."""
    return make_url(database_url).get_backend_name() == "postgresql"


def _sqlite(settings: Settings) -> Checkpoints:
    connection = sqlite3.connect(settings.checkpoint_path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    saver = SqliteSaver(connection)
    saver.setup()
    return Checkpoints(saver, connection.close, "sqlite")


def _postgres(database_url: str) -> Checkpoints:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    pool: ConnectionPool[Any] = ConnectionPool(
        libpq_conninfo(database_url), min_size=1, max_size=POOL_SIZE, open=True,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    saver = PostgresSaver(pool)
    saver.setup()
    return Checkpoints(saver, pool.close, "postgresql")


def open_checkpoints(settings: Settings) -> Checkpoints:
    """The checkpointer for these settings, set up and ready."""
    url = settings.resolved_database_url()
    return _postgres(url) if is_postgres(url) else _sqlite(settings)
