"""Knowledge-base search as the engine uses it: memoised, and logged per skill run.

Skills ask the same policy queries on every turn; the answers change only when the
content does, so they are kept until ``clear()`` (called after every ingest). A
``RetrievalLog`` in front of the memo records what one skill run asked and got, for the
trace (the console's trace panel, the evals' grounding metric).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from skills.base import KnowledgeHit, KnowledgeSearch

MAX_ENTRIES = 512


class MemoisedSearch:
    """``KnowledgeSearch`` with a bounded least-recently-used memo."""

    def __init__(self, inner: KnowledgeSearch, max_entries: int = MAX_ENTRIES) -> None:
        self._inner = inner
        self._max = max_entries
        self._memo: OrderedDict[tuple[str, int], Sequence[KnowledgeHit]] = OrderedDict()

    def search(self, query: str, k: int = 5) -> Sequence[KnowledgeHit]:
        """The inner search's answer, remembered."""
        key = (query, k)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        hits = self._inner.search(query, k)
        self._memo[key] = hits
        if len(self._memo) > self._max:
            self._memo.popitem(last=False)
        return hits

    def clear(self) -> None:
        """Forget every answer (the content changed)."""
        self._memo.clear()


class RetrievalLog:
    """``KnowledgeSearch`` that records every query and the hits it returned, with scores."""

    def __init__(self, inner: KnowledgeSearch) -> None:
        self._inner = inner
        self.entries: list[dict[str, Any]] = []

    def search(self, query: str, k: int = 5) -> Sequence[KnowledgeHit]:
        """The inner search's hits, recorded."""
        hits = self._inner.search(query, k)
        self.entries.append({"query": query, "hits": [
            {"section_id": hit.section_id, "article": hit.article, "heading": hit.heading,
             "score": round(float(hit.score), 3)} for hit in hits]})
        return hits
