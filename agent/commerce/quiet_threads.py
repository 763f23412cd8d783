"""Silence chosen threads: their stdout, stderr and log records are dropped, others' kept.

Used around third-party calls that print what they should not (``ShopifyAPI`` prints HTTP
error bodies, which may name a customer). ``sys.stdout`` is process-wide, so the guard is
too: while any thread is muted the streams are wrapped and the root log handlers filter;
after the last muted thread leaves, both are undone.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class _MutedStream:
    """A stand-in for ``sys.stdout``/``sys.stderr`` that drops writes from muted threads."""

    def __init__(self, inner: TextIO, muted: set[int]) -> None:
        self.inner = inner
        self._muted = muted

    def write(self, text: str) -> int:
        """Drop the text when the writing thread is muted, else pass it on."""
        if threading.get_ident() in self._muted:
            return len(text)
        return self.inner.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class QuietThreads:
    """Drops stdout, stderr and log records of the threads inside ``muted()``.

    ``sys.stdout`` is process-wide, so this guard is too: while any thread is muted, the
    current streams are wrapped (re-wrapped if someone replaced them meanwhile) and the
    root log handlers filter; after the last muted thread leaves, both are undone. Other
    threads write through unchanged.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: set[int] = set()
        self._handlers: set[logging.Handler] = set()

    def _filter(self, record: logging.LogRecord) -> bool:
        return record.thread not in self._threads

    def _install(self) -> None:
        if not isinstance(sys.stdout, _MutedStream):
            sys.stdout = _MutedStream(sys.stdout, self._threads)
        if not isinstance(sys.stderr, _MutedStream):
            sys.stderr = _MutedStream(sys.stderr, self._threads)
        for handler in logging.getLogger().handlers:
            if handler not in self._handlers:
                handler.addFilter(self._filter)
                self._handlers.add(handler)

    def _uninstall(self) -> None:
        if isinstance(sys.stdout, _MutedStream):
            sys.stdout = sys.stdout.inner
        if isinstance(sys.stderr, _MutedStream):
            sys.stderr = sys.stderr.inner
        for handler in self._handlers:
            handler.removeFilter(self._filter)
        self._handlers.clear()

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Silence the current thread for the duration of the block."""
        ident = threading.get_ident()
        with self._lock:
            self._install()
            self._threads.add(ident)
        try:
            yield
        finally:
            with self._lock:
                self._threads.discard(ident)
                if not self._threads:
                    self._uninstall()
