"""SectionStore on a real embedded Chroma, with hand-made vectors (no model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge_base.documents import Article, Section
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.store import SectionStore, open_chroma

DIM = 8


def _unit(*components: float) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(components)] = components
    return vector / np.linalg.norm(vector)


def _article(article_id: str, headings: list[str], title: str = "Title") -> Article:
    return Article(
        article_id=article_id,
        title=title,
        source=f"{article_id}.md",
        updated_at="2025-01-01T00:00:00+00:00",
        sections=[
            Section(section_id=f"{article_id}#{h.lower()}", heading=h, text=f"About {h}.")
            for h in headings
        ],
    )


@pytest.fixture()
def store(tmp_path: Path) -> SectionStore:
    return SectionStore(open_chroma(tmp_path / "chroma"), "test_sections")


def test_upsert_stores_text_and_citation_metadata(store: SectionStore) -> None:
    article = _article("returns", ["Window", "Refunds"], title="Returns and exchanges")
    assert store.upsert_article(article, np.stack([_unit(1), _unit(0, 1)])) == 2
    assert store.count() == 2
    sections = store.all_sections()
    assert [s.section_id for s in sections] == ["returns#refunds", "returns#window"]
    refunds = sections[0]
    assert refunds.article == "Returns and exchanges"
    assert refunds.article_id == "returns"
    assert refunds.heading == "Refunds"
    assert refunds.source == "returns.md"
    assert refunds.updated_at == "2025-01-01T00:00:00+00:00"
    assert refunds.text == "About Refunds."


def test_reupsert_is_idempotent_and_drops_removed_sections(store: SectionStore) -> None:
    vectors = np.stack([_unit(1), _unit(0, 1), _unit(0, 0, 1)])
    store.upsert_article(_article("faq", ["A", "B", "C"]), vectors)
    store.upsert_article(_article("faq", ["A", "B", "C"]), vectors)
    assert store.count() == 3
    store.upsert_article(_article("faq", ["A"]), vectors[:1])
    assert [s.section_id for s in store.all_sections()] == ["faq#a"]


def test_delete_article_only_removes_that_article(store: SectionStore) -> None:
    store.upsert_article(_article("one", ["A", "B"]), np.stack([_unit(1), _unit(0, 1)]))
    store.upsert_article(_article("two", ["A"]), np.stack([_unit(0, 0, 1)]))
    store.delete_article("one")
    assert [s.section_id for s in store.all_sections()] == ["two#a"]
    store.delete_article("does-not-exist")
    assert store.count() == 1


def test_dense_query_returns_cosine_similarity_best_first(store: SectionStore) -> None:
    store.upsert_article(
        _article("x", ["North", "East", "Northeast"]),
        np.stack([_unit(1, 0), _unit(0, 1), _unit(1, 1)]),
    )
    results = store.dense_query(_unit(1, 0), k=3)
    assert [s.heading for s, _ in results] == ["North", "Northeast", "East"]
    similarities = [similarity for _, similarity in results]
    assert similarities == pytest.approx([1.0, 2**-0.5, 0.0], abs=1e-4)
    assert len(store.dense_query(_unit(1, 0), k=1)) == 1
    assert len(store.dense_query(_unit(1, 0), k=50)) == 3


def test_dense_query_on_empty_store(store: SectionStore) -> None:
    assert store.dense_query(_unit(1), k=5) == []


def test_embeddings_for_returns_stored_vectors(store: SectionStore) -> None:
    store.upsert_article(_article("x", ["A", "B"]), np.stack([_unit(1), _unit(0, 1)]))
    vectors = store.embeddings_for(["x#b", "missing"])
    assert set(vectors) == {"x#b"}
    assert np.allclose(vectors["x#b"], _unit(0, 1))


def test_mismatched_embeddings_are_rejected(store: SectionStore) -> None:
    with pytest.raises(KnowledgeBaseError):
        store.upsert_article(_article("x", ["A", "B"]), np.stack([_unit(1)]))
    assert store.count() == 0


def test_collection_persists_and_uses_cosine_space(tmp_path: Path) -> None:
    path = tmp_path / "chroma"
    SectionStore(open_chroma(path), "persisted").upsert_article(
        _article("x", ["A"]), np.stack([_unit(1)])
    )
    reopened = SectionStore(open_chroma(path), "persisted")
    assert reopened.count() == 1
    configuration = reopened._collection.configuration
    assert configuration["hnsw"]["space"] == "cosine"
