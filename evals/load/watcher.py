"""Waiting on the server's database: for SMS turns taken after the webhook was acknowledged,
and for every turn in flight to finish before the audit.

One thread polls for every waiting shopper (one query per poll, however many wait), so
the watching does not load the machine it measures.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from agent.conversations import Message

POLL_SECONDS = 0.1
IN_FLIGHT = "processing"


@dataclass
class _Waiting:
    conversation_id: str
    done: threading.Event
    state: str | None = None


class ReplyWatcher:
    """Tells a waiting shopper when the turn of its inbound message has ended."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._waiting: dict[str, _Waiting] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll_forever, name="reply-watcher",
                                        daemon=True)
        self._thread.start()

    def wait(self, conversation_id: str, provider_id: str, timeout: float) -> str | None:
        """The final state of the inbound message ``provider_id`` (``processed``, ``failed``,
        ...) once its turn ended, or None if it did not end within ``timeout`` seconds."""
        waiting = _Waiting(conversation_id, threading.Event())
        with self._lock:
            self._waiting[provider_id] = waiting
        try:
            waiting.done.wait(timeout)
        finally:
            with self._lock:
                self._waiting.pop(provider_id, None)
        return waiting.state

    def close(self) -> None:
        """Stop polling."""
        self._stop.set()
        self._thread.join(timeout=5)

    def _poll_forever(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            with self._lock:
                waiting = dict(self._waiting)
            if waiting:
                self._poll(waiting)

    def _poll(self, waiting: dict[str, _Waiting]) -> None:
        conversations = {w.conversation_id for w in waiting.values()}
        query = select(Message.provider_id, Message.delivery_state).where(
            Message.direction == "in", Message.conversation_id.in_(conversations),
            Message.provider_id.in_(list(waiting)))
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        for provider_id, state in rows:
            if state != IN_FLIGHT and provider_id in waiting:
                waiting[provider_id].state = state
                waiting[provider_id].done.set()


def last_message_id(engine: Engine) -> int:
    """The newest message id so far (0 for an empty database): the audit looks after it."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.max(Message.id), 0)))
                   .scalar_one())


def wait_until_settled(engine: Engine, after_id: int, timeout: float) -> int:
    """Wait until no inbound message after ``after_id`` is still in flight; returns how
    many still were when ``timeout`` ran out (0 when everything settled)."""
    deadline = time.monotonic() + timeout
    query = select(func.count()).select_from(Message).where(
        Message.id > after_id, Message.direction == "in", Message.delivery_state == IN_FLIGHT)
    while True:
        with engine.connect() as connection:
            in_flight = int(connection.execute(query).scalar_one())
        if in_flight == 0 or time.monotonic() >= deadline:
            return in_flight
        time.sleep(0.5)
