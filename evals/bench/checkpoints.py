"""Checkpoint growth over one long conversation: the bytes the LangGraph checkpoints of the
thread take after each turn (SQLite ``checkpoints`` and ``writes`` rows), fitted to a line.

Linear growth means each turn adds about the same: the state does not drag the whole
history along. The baseline is the conversation store's own rows of the same
conversation (message text, parts, turn result), which grow by construction with what
was said. Growth is *linear* when the fit's R² is at least 0.99 and the last turns add at
most 1.25 times what the early ones did (a quadratic total can still fit a line well).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from agent.conversations import Message
from agent.runtime import Runtime
from evals.bench.environment import inbound, storefront_token
from evals.bench.figures import Figure, Target
from evals.bench.stats import linear_fit
from evals.bench.workload import CONVERSATION_TURNS, conversation

R_SQUARED_TARGET = Target(0.99, "min")
LATE_OVER_EARLY_TARGET = Target(1.25)

CHECKPOINT_BYTES = """
SELECT (SELECT coalesce(sum(length(checkpoint) + length(metadata)), 0)
        FROM checkpoints WHERE thread_id = :thread)
     + (SELECT coalesce(sum(length(value)), 0) FROM writes WHERE thread_id = :thread)
"""


def checkpoint_bytes(connection: sqlite3.Connection, thread_id: str) -> int:
    """The bytes of every checkpoint and pending write of one thread."""
    return int(connection.execute(CHECKPOINT_BYTES, {"thread": thread_id}).fetchone()[0])


def message_bytes(runtime: Runtime, conversation_id: str) -> int:
    """The bytes of the conversation's message rows (text, parts, result, envelope)."""
    size = (func.length(func.coalesce(Message.text, "")) +
            func.length(func.coalesce(Message.parts, "")) +
            func.length(func.coalesce(Message.result, "")) +
            func.length(func.coalesce(Message.envelope, "")))
    with runtime.services.store.engine.connect() as connection:
        total = connection.execute(select(func.coalesce(func.sum(size), 0)).where(
            Message.conversation_id == conversation_id)).scalar_one()
    return int(total)


def growth_late_over_early(totals: Sequence[int]) -> float:
    """What the last window of turns added per turn over what the first window did; the
    windows are whole rounds of the conversation's script (a third of the turns or one
    round, whichever is longer)."""
    increments = [b - a for a, b in zip([0, *totals[:-1]], totals, strict=True)]
    round_length = len(CONVERSATION_TURNS)
    window = round_length * max(1, len(increments) // (3 * round_length))
    early, late = increments[:window], increments[-window:]
    return (sum(late) / len(late)) / (sum(early) / len(early))


def checkpoint_growth(runtime: Runtime, turns: int) -> list[Figure]:
    """Take ``turns`` turns of one conversation and fit the bytes after each turn."""
    if runtime.checkpoints.backend != "sqlite":
        raise ValueError("checkpoint growth is measured on the SQLite checkpointer")
    thread_id = f"bench-growth-{uuid.uuid4().hex[:8]}"
    connection = sqlite3.connect(runtime.settings.checkpoint_path)
    checkpoints: list[int] = []
    messages: list[int] = []
    try:
        for spec in conversation(0, turns):
            runtime.turns.handle(inbound(spec, thread_id,
                                         storefront_token(runtime, spec.signed_in_email)))
            checkpoints.append(checkpoint_bytes(connection, thread_id))
            messages.append(message_bytes(runtime, thread_id))
    finally:
        connection.close()
    numbers = list(range(1, turns + 1))
    fit, base = linear_fit(numbers, checkpoints), linear_fit(numbers, messages)
    note = f"{turns}-turn conversation; {checkpoints[-1]} checkpoint bytes at the end"
    return [
        Figure("checkpoint.bytes_per_turn", round(fit.slope, 1), "B/turn",
               round(base.slope, 1), "the conversation's message rows, bytes per turn",
               note=note),
        Figure("checkpoint.linearity_r2", round(fit.r_squared, 5), "R²",
               round(base.r_squared, 5), "R² of the message rows' growth", R_SQUARED_TARGET,
               note="linear fit of checkpoint bytes against turns"),
        Figure("checkpoint.growth_late_over_early", round(growth_late_over_early(checkpoints),
                                                          3), "x",
               round(growth_late_over_early(messages), 3),
               "the same for the message rows", LATE_OVER_EARLY_TARGET,
               note="bytes added per turn at the end over at the start"),
    ]
