"""Chroma persistence of article sections, with embeddings computed by us.

One collection holds every section (cosine space, ``configuration={"hnsw": {"space":
"cosine"}}`` — the chromadb 1.x form of the legacy ``hnsw:space`` metadata). Chroma
never embeds anything: the collection has no embedding function and every write passes
``embeddings=``. The client is passed in, so an embedded ``PersistentClient`` and a
server ``HttpClient`` are interchangeable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np

from knowledge_base.documents import Article
from knowledge_base.errors import KnowledgeBaseError

DEFAULT_COLLECTION = "knowledge_base"
_PAGE = 1000


@dataclass(frozen=True)
class StoredSection:
    """A section as stored: its text plus the citation metadata."""

    section_id: str
    article_id: str
    article: str
    heading: str
    source: str
    updated_at: str
    text: str


def open_chroma(path: Path) -> Any:
    """An embedded Chroma client persisting under ``path`` (telemetry off)."""
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.Settings(anonymized_telemetry=False)
    )


def connect_chroma(url: str) -> Any:
    """A client of a Chroma server at ``url`` (``http://host:port``; https for TLS)."""
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"CHROMA_URL must look like http://host:port, not {url!r}")
    ssl = parsed.scheme == "https"
    return chromadb.HttpClient(
        host=parsed.hostname, port=parsed.port or (443 if ssl else 8000), ssl=ssl,
        settings=chromadb.Settings(anonymized_telemetry=False))


def _section_from(
    section_id: str, document: str | None, meta: Mapping[str, Any] | None
) -> StoredSection:
    """Rebuild a :class:`StoredSection` from Chroma's id, document and metadata."""
    meta = meta or {}
    return StoredSection(
        section_id=section_id,
        article_id=str(meta.get("article_id", "")),
        article=str(meta.get("article", "")),
        heading=str(meta.get("heading", "")),
        source=str(meta.get("source", "")),
        updated_at=str(meta.get("updated_at", "")),
        text=document or "",
    )


class SectionStore:
    """All knowledge-base sections in one Chroma collection."""

    def __init__(self, client: Any, collection: str = DEFAULT_COLLECTION) -> None:
        """Open (or create) ``collection`` on ``client`` (a Chroma client API object)."""
        self.client = client
        self.collection_name = collection
        self._collection = client.get_or_create_collection(
            name=collection,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def upsert_article(self, article: Article, embeddings: np.ndarray) -> int:
        """Replace everything stored for ``article`` with its current sections.

        ``embeddings`` holds one row per section, in order. Old sections of the article
        are deleted first, so ingesting the same article again is idempotent. Returns
        the number of sections stored.
        """
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(article.sections):
            raise KnowledgeBaseError(
                f"{article.article_id}: {len(article.sections)} sections but "
                f"embeddings of shape {vectors.shape}"
            )
        self.delete_article(article.article_id)
        if not article.sections:
            return 0
        metadatas: list[Mapping[str, str | int | float | bool | None]] = [
            {
                "article_id": article.article_id,
                "article": article.title,
                "heading": section.heading,
                "source": article.source,
                "updated_at": article.updated_at,
            }
            for section in article.sections
        ]
        self._collection.add(
            ids=[section.section_id for section in article.sections],
            embeddings=vectors,
            documents=[section.text for section in article.sections],
            metadatas=metadatas,
        )
        return len(article.sections)

    def delete_article(self, article_id: str) -> None:
        """Remove every section of ``article_id`` (no error if there are none)."""
        self._collection.delete(where={"article_id": article_id})

    def count(self) -> int:
        """Number of stored sections."""
        return int(self._collection.count())

    def all_sections(self) -> list[StoredSection]:
        """Every stored section, ordered by section id (read in pages)."""
        return [section for section, _ in self._all(with_vectors=False)]

    def all_sections_with_vectors(self) -> tuple[list[StoredSection], np.ndarray]:
        """Every stored section that has a vector, ordered by section id, and their vectors
        (one row each), read together page by page so the two always match."""
        rows = [(section, vector) for section, vector in self._all(with_vectors=True)
                if vector is not None]
        vectors = (np.stack([vector for _, vector in rows]) if rows
                   else np.zeros((0, 0), np.float32))
        return [section for section, _ in rows], vectors

    def _all(self, with_vectors: bool) -> list[tuple[StoredSection, np.ndarray | None]]:
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        rows: list[tuple[StoredSection, np.ndarray | None]] = []
        offset = 0
        while True:
            page = self._collection.get(include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            documents = page["documents"] or [None] * len(ids)
            metadatas = page["metadatas"] or [None] * len(ids)
            embeddings = page.get("embeddings")
            vectors = ([np.asarray(v, dtype=np.float32) for v in embeddings]
                       if embeddings is not None else [None] * len(ids))
            rows.extend((_section_from(i, d, m), v) for i, d, m, v in zip(
                ids, documents, metadatas, vectors, strict=True))
            if len(ids) < _PAGE:
                break
            offset += _PAGE
        return sorted(rows, key=lambda row: row[0].section_id)

    def embeddings_for(self, section_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``section_ids`` (unknown ids are simply absent), read in
        pages."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(section_ids), _PAGE):
            page = self._collection.get(ids=list(section_ids[start:start + _PAGE]),
                                        include=["embeddings"])
            vectors = page["embeddings"]
            if vectors is not None:
                found.update((section_id, np.asarray(vector, dtype=np.float32))
                             for section_id, vector in zip(page["ids"], vectors, strict=True))
        return found

    def dense_query(self, vector: np.ndarray, k: int) -> list[tuple[StoredSection, float]]:
        """The ``k`` nearest sections to ``vector`` with their cosine similarity, best first
        (fewer when the collection holds fewer: Chroma caps ``n_results`` itself, so no
        count is asked first)."""
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).reshape(-1)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result["documents"] or [[None] * len(ids)])[0]
        metadatas = (result["metadatas"] or [[None] * len(ids)])[0]
        distances = (result["distances"] or [[1.0] * len(ids)])[0]
        return [
            (_section_from(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(ids, documents, metadatas, distances, strict=True)
        ]
