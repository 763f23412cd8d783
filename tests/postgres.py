"""Fresh PostgreSQL schemas for tests, on the server of this machine.

``TEST_POSTGRES_URL`` points elsewhere; each schema is reached through a URL whose
``search_path`` is that schema, so the conversation store and the LangGraph checkpointer
both land in it, and it is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class PostgresSchemas:
    """Creates schemas on demand and drops every one it created."""

    def __init__(self, server_url: str = POSTGRES_URL) -> None:
        self.server_url = server_url
        self.created: list[str] = []

    def new_database_url(self) -> str:
        """A database URL whose tables all go into a new, empty schema."""
        schema = f"test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.server_url)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self.created.append(schema)
        url = make_url(self.server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop every schema made here."""
        engine = create_engine(self.server_url)
        with engine.begin() as connection:
            for schema in self.created:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        self.created.clear()
