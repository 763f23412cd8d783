"""Turns taken after a webhook was acknowledged, on a small pool of threads of their own.

A provider's webhook (Twilio) is acknowledged as soon as its message is stored; the turn
runs afterwards. On the server's request thread pool every pending turn would hold a
thread the next acknowledgement needs and compete with it for the interpreter: with eight
shoppers texting at once, acknowledgements waited behind turns (p99 611 ms against a
200 ms target). Two threads take the turns (on two cores more would only queue on the
interpreter lock); the others wait their turn in arrival order. A turn still queued when
the server stops is only dropped from memory: its message is stored, and the next
server's housekeeping takes it up (``TurnService.resume_abandoned``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

TURN_THREADS = 2


class BackgroundTurns:
    """Runs work submitted by webhook routes after their acknowledgement."""

    def __init__(self, threads: int = TURN_THREADS) -> None:
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="background-turn")

    def submit(self, work: Callable[..., None], *args: Any) -> Future[None]:
        """Queue ``work(*args)``; it must handle its own errors (the server never waits
        for it)."""
        return self._pool.submit(work, *args)

    def close(self) -> None:
        """Stop taking queued work; what runs now finishes in its thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)
