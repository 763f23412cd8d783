"""Hybrid search over the knowledge base: dense cosine (Chroma) + BM25, one fused score.

Fusion
    ``score = DENSE_WEIGHT * dense + LEXICAL_WEIGHT * lexical * min(1, dense / DENSE_GATE)``
    (0.75 / 0.25, gate 0.5), always in [0, 1], where

    * ``dense`` is the cosine similarity between the query and the section embedding
      (title, heading and body), clipped to [0, 1];
    * ``lexical`` is the BM25 score of the section (heading and body, light stemming,
      small stop-word list) divided by the best BM25 score any section gets for this
      query, so the best lexical match gets 1.0, multiplied by the query's *coverage*:
      the idf-weighted share of its terms that occur anywhere in the knowledge base.
      Coverage keeps a query whose only known word is incidental from collecting a
      full lexical bonus merely because relative normalisation always crowns someone.
    * The dense gate: lexical evidence counts fully only when the meaning is at least
      half-way there (``dense >= 0.5``) and proportionally less below that, so a lone
      shared word ("what *time* is it" vs "Dispatch *times*") cannot lift an unrelated
      section over the floor, while exact terms (carrier names, "Klarna", "MobilePay")
      still break ties between plausible sections.

    Dense carries most of the weight because MiniLM handles paraphrase ("swap the size"
    vs "change the size"); ``Hit.lexical_score`` reports ``lexical`` before gating.

Score floor
    Hits whose fused score is below ``score_floor`` are not returned at all, so an
    off-topic or nonsense query returns ``[]`` and the agent says it does not know.
    :data:`DEFAULT_SCORE_FLOOR` (0.35) was tuned on the demo articles: clear policy
    questions score 0.45-0.85, chit-chat and nonsense stay below 0.35, paraphrases
    sharing no word with the articles land around 0.25-0.35 (and go to a person).

Candidates are the dense top-N plus the BM25 top-N; BM25-only candidates get their dense
score from their stored vectors. The BM25 index over all sections lives in memory, is
built lazily on the first search and is rebuilt after an ingest or delete, never per
query. On an embedded store the sections' vectors are kept beside it and the dense top-N
is an exact cosine ranking in memory (~0.1 ms for the demo articles, against ~4 ms for
a Chroma query and a fetch of vectors); on a Chroma server, Chroma is asked each time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge_base.documents import SUPPORTED_EXTENSIONS, Article, load_document
from knowledge_base.embedder import Embedder
from knowledge_base.errors import KnowledgeBaseError, KnowledgeUnavailable
from knowledge_base.lexical import LexicalIndex, tokenize
from knowledge_base.store import SectionStore, StoredSection, connect_chroma, open_chroma

DEFAULT_SCORE_FLOOR = 0.36
DENSE_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.25
DENSE_GATE = 0.5
_CANDIDATES = 20


def fuse(dense: float, lexical: float) -> float:
    """The fused score in [0, 1] of a dense similarity and a lexical score (see module doc)."""
    gate = min(1.0, dense / DENSE_GATE)
    return DENSE_WEIGHT * dense + LEXICAL_WEIGHT * lexical * gate


@dataclass(frozen=True)
class Hit:
    """One search result with everything a citation needs."""

    article: str
    heading: str
    source: str
    section_id: str
    article_id: str
    text: str
    score: float
    dense_score: float
    lexical_score: float


@dataclass
class IngestReport:
    """What an ingest did: articles and sections stored, inputs skipped (with reason)."""

    articles: int = 0
    sections: int = 0
    skipped: list[str] = field(default_factory=list)


class KnowledgeBase:
    """Ingest articles and answer questions with cited, score-floored hits."""

    def __init__(
        self, store: SectionStore, embedder: Embedder, score_floor: float = DEFAULT_SCORE_FLOOR,
        vectors_in_memory: bool = False,
    ) -> None:
        """Search ``store`` with vectors from ``embedder``; drop hits below ``score_floor``.

        ``vectors_in_memory`` keeps every section's vector in memory beside the BM25 index
        and ranks by exact cosine there, instead of asking the store on every search (an
        embedded store belongs to this process alone; a Chroma server is asked each time,
        so an unreachable one is noticed and content another host added is seen).
        """
        self.store = store
        self.embedder = embedder
        self.score_floor = score_floor
        self._vectors_in_memory = vectors_in_memory
        self._index: SectionIndex | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        chroma_path: Path,
        collection: str,
        embedder: Embedder,
        score_floor: float = DEFAULT_SCORE_FLOOR,
    ) -> KnowledgeBase:
        """A knowledge base on an embedded Chroma directory (vectors searched in memory)."""
        return cls(SectionStore(open_chroma(chroma_path), collection), embedder, score_floor,
                   vectors_in_memory=True)

    @classmethod
    def connect(cls, chroma_url: str, collection: str, embedder: Embedder,
                score_floor: float = DEFAULT_SCORE_FLOOR) -> KnowledgeBase:
        """A knowledge base on a Chroma server (shared by several workers)."""
        return cls(SectionStore(connect_chroma(chroma_url), collection), embedder, score_floor)

    def section_count(self) -> int:
        """Number of stored sections."""
        return self.store.count()

    def is_empty(self) -> bool:
        """True when nothing has been ingested."""
        return self.section_count() == 0

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        """Load, embed and store the given files (directories are walked for supported files).

        Re-ingesting a file replaces its earlier sections. Unsupported or unreadable
        inputs are listed in ``skipped`` as ``"<path>: <reason>"`` instead of raising.
        """
        report = IngestReport()
        for path in _expand(paths, report):
            try:
                article = load_document(path)
            except KnowledgeBaseError as exc:
                report.skipped.append(f"{path}: {exc}")
                continue
            report.sections += self.add_article(article)
            report.articles += 1
        return report

    def add_article(self, article: Article) -> int:
        """Embed and store one already-loaded article; returns its section count."""
        texts = [f"{article.title} — {s.heading}\n{s.text}" for s in article.sections]
        stored = self.store.upsert_article(article, self.embedder.embed(texts))
        self.refresh()
        return stored

    def delete_article(self, article_id: str) -> None:
        """Remove an article's sections from the store and the lexical index."""
        self.store.delete_article(article_id)
        self.refresh()

    def search(
        self, query: str, k: int = 5, query_vector: np.ndarray | None = None
    ) -> list[Hit]:
        """Up to ``k`` hits for ``query``, best first, none below the score floor.

        Pass ``query_vector`` (from :meth:`Embedder.embed_one`) when the caller already
        embedded the query, to avoid embedding it twice.
        """
        if k <= 0 or not query.strip():
            return []
        try:
            return self._ranked(query, k, query_vector)
        except KnowledgeBaseError:
            raise
        except Exception as error:  # the Chroma client raises many kinds when unreachable
            raise KnowledgeUnavailable(f"knowledge base unreachable: {error}") from error

    def _ranked(self, query: str, k: int, query_vector: np.ndarray | None) -> list[Hit]:
        """Dense and lexical candidates fused, best first, none below the floor."""
        index = self._section_index()
        lexical = index.lexical
        if not lexical.sections:
            return []
        vector = self.embedder.embed_one(query) if query_vector is None else query_vector
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        pool = max(_CANDIDATES, 4 * k)

        similarities = None if index.vectors is None else index.vectors @ vector
        dense: dict[str, float] = {}
        by_id: dict[str, StoredSection] = {}
        if similarities is None:
            for section, similarity in self.store.dense_query(vector, pool):
                dense[section.section_id] = similarity
                by_id[section.section_id] = section
        else:
            for i in np.argsort(-similarities, kind="stable")[:pool]:
                dense[lexical.sections[i].section_id] = float(similarities[i])
                by_id[lexical.sections[i].section_id] = lexical.sections[i]
        lexical_scores = lexical.scores(tokenize(query))
        ranked = [i for i in np.argsort(-lexical_scores)[:pool] if lexical_scores[i] > 0]
        lex = {lexical.sections[i].section_id: float(lexical_scores[i]) for i in ranked}
        for i in ranked:
            section_id = lexical.sections[i].section_id
            by_id.setdefault(section_id, lexical.sections[i])
            if similarities is not None:
                dense.setdefault(section_id, float(similarities[i]))
        missing = [sid for sid in by_id if sid not in dense]
        for sid, stored_vector in self.store.embeddings_for(missing).items():
            dense[sid] = float(np.dot(stored_vector, vector))

        hits = []
        for sid, section in by_id.items():
            d = min(max(dense.get(sid, 0.0), 0.0), 1.0)
            lexical_score = lex.get(sid, 0.0)
            score = fuse(d, lexical_score)
            if score < self.score_floor:
                continue
            hits.append(_hit(section, score, d, lexical_score))
        hits.sort(key=lambda hit: (-hit.score, hit.section_id))
        return hits[:k]

    def refresh(self) -> None:
        """Forget the in-memory index; the next search rebuilds it from the store.

        Ingest and delete call this themselves; call it when another process changed
        the shared store (e.g. several workers on one Chroma server).
        """
        with self._lock:
            self._index = None

    def _section_index(self) -> SectionIndex:
        """The in-memory BM25 index (and the vectors, when kept in memory), built on first
        use."""
        with self._lock:
            if self._index is None:
                if self._vectors_in_memory:
                    sections, vectors = self.store.all_sections_with_vectors()
                    self._index = SectionIndex(LexicalIndex(sections), vectors)
                else:
                    self._index = SectionIndex(LexicalIndex(self.store.all_sections()), None)
            return self._index


@dataclass(frozen=True)
class SectionIndex:
    """What a search reads from memory: BM25 over every section and, when kept in
    memory, the sections' vectors (one row per ``lexical.sections`` entry)."""

    lexical: LexicalIndex
    vectors: np.ndarray | None


def _hit(section: StoredSection, score: float, dense: float, lexical: float) -> Hit:
    """A :class:`Hit` from a stored section and its scores (rounded for display)."""
    return Hit(
        article=section.article,
        heading=section.heading,
        source=section.source,
        section_id=section.section_id,
        article_id=section.article_id,
        text=section.text,
        score=round(score, 4),
        dense_score=round(dense, 4),
        lexical_score=round(lexical, 4),
    )


def _expand(paths: Sequence[Path], report: IngestReport) -> list[Path]:
    """Files to ingest: given files as is, directories walked (sorted, hidden skipped)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            report.skipped.append(f"{path}: not found")
    return files
