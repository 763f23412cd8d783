"""SQLite against PostgreSQL: the same turns on a runtime whose conversation store and
LangGraph checkpoints live in a fresh PostgreSQL schema (dropped afterwards), with the
SQLite runtime as the baseline, measured alternately so both see the same machine.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from agent.runtime import Runtime
from evals.bench.environment import BenchEnvironment
from evals.bench.figures import Figure, skipped
from evals.bench.latency import TURN_TARGETS, time_turns
from evals.bench.stats import latency_percentiles
from evals.bench.workload import interleaved

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
"""The server to compare with (``BENCH_POSTGRES_URL`` to point elsewhere)."""
SKILLS = ("faq", "order_status", "returns")
CONNECT_TIMEOUT_SECONDS = 5


class PostgresUnavailable(Exception):
    """No PostgreSQL server to compare with; the message says why."""


@contextmanager
def fresh_schema(server_url: str = POSTGRES_URL) -> Iterator[str]:
    """A database URL whose tables all land in a new schema, dropped on leaving."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        engine = create_engine(server_url,
                               connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except (SQLAlchemyError, ImportError) as error:
        raise PostgresUnavailable(f"PostgreSQL at {make_url(server_url).host} is not "
                                  f"reachable ({type(error).__name__})") from error
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def sqlite_vs_postgres(environment: BenchEnvironment, sqlite_runtime: Runtime,
                       samples: int) -> list[Figure]:
    """Turn latency p50/p95 on PostgreSQL against SQLite (skipped without a server)."""
    try:
        with fresh_schema() as database_url:
            postgres_runtime = environment.runtime("postgres", database_url=database_url)
            try:
                return _compare(sqlite_runtime, postgres_runtime, samples)
            finally:
                environment.runtimes.remove(postgres_runtime)
                postgres_runtime.close()
    except PostgresUnavailable as unavailable:
        return [skipped(f"turn.postgresql.{p}", "ms", str(unavailable), TURN_TARGETS[p])
                for p in ("p50", "p95")]


def _compare(sqlite_runtime: Runtime, postgres_runtime: Runtime,
             samples: int) -> list[Figure]:
    warmup = interleaved(SKILLS, 1, first=5000)
    time_turns(postgres_runtime, warmup)
    sqlite_ms: list[float] = []
    postgres_ms: list[float] = []
    for spec in interleaved(SKILLS, samples, first=5001):
        for runtime, into in ((postgres_runtime, postgres_ms), (sqlite_runtime, sqlite_ms)):
            measured, _ = time_turns(runtime, [spec])
            into.extend(measured["all"])
    postgres, sqlite = latency_percentiles(postgres_ms), latency_percentiles(sqlite_ms)
    note = f"{len(postgres_ms)} turns each ({', '.join(SKILLS)}), in-process"
    return [Figure(f"turn.postgresql.{p}", postgres[p], "ms", sqlite[p],
                   "the same turns on SQLite", TURN_TARGETS[p], note=note)
            for p in ("p50", "p95")]
