"""Records which knowledge-base sections a turn retrieved, for the grounding metric.

The driver puts a ``RecordingSearch`` in front of a runtime's knowledge search; the
engine sees the same hits, and the driver reads and clears the record around each turn.
"""

from __future__ import annotations

from collections.abc import Sequence

from skills.base import KnowledgeHit, KnowledgeSearch


class RecordingSearch:
    """``KnowledgeSearch`` that remembers the section ids of every hit it returned."""

    def __init__(self, inner: KnowledgeSearch) -> None:
        self._inner = inner
        self._seen: set[str] = set()

    def search(self, query: str, k: int = 5) -> Sequence[KnowledgeHit]:
        """The inner search's hits, recorded."""
        hits = self._inner.search(query, k)
        self._seen |= {hit.section_id for hit in hits}
        return hits

    def take(self) -> set[str]:
        """The section ids returned since the last call, and start a new record."""
        seen, self._seen = self._seen, set()
        return seen
