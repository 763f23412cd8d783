"""What the knowledge base holds, article by article (for listing and managing content).

Sections are what is stored and searched; this groups them back into articles with
their title, source file, section count and last update.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge_base.store import StoredSection


@dataclass(frozen=True)
class ArticleSummary:
    """One stored article."""

    article_id: str
    title: str
    source: str
    updated_at: str
    sections: int
    headings: tuple[str, ...]


def summarise_articles(sections: Iterable[StoredSection]) -> list[ArticleSummary]:
    """The articles the given sections belong to, ordered by title."""
    grouped: dict[str, list[StoredSection]] = {}
    for section in sections:
        grouped.setdefault(section.article_id, []).append(section)
    summaries = [
        ArticleSummary(article_id=article_id, title=parts[0].article, source=parts[0].source,
                       updated_at=max(p.updated_at for p in parts), sections=len(parts),
                       headings=tuple(p.heading for p in parts))
        for article_id, parts in grouped.items()
    ]
    return sorted(summaries, key=lambda a: (a.title.casefold(), a.article_id))
