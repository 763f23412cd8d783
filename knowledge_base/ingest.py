"""Seeding the knowledge base with the demo brand's articles."""

from __future__ import annotations

from pathlib import Path

from knowledge_base.search import IngestReport, KnowledgeBase

DEMO_DIR = Path(__file__).parent / "demo"


def demo_paths() -> list[Path]:
    """The demo articles (markdown files in :data:`DEMO_DIR`), sorted by name."""
    return sorted(DEMO_DIR.glob("*.md"))


def ingest_demo_if_empty(kb: KnowledgeBase) -> IngestReport | None:
    """Ingest the demo articles when ``kb`` holds nothing yet; else do nothing (None)."""
    if not kb.is_empty():
        return None
    return kb.ingest(demo_paths())
