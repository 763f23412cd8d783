"""Knowledge-base search: latency and recall@5 on labelled demo questions, hybrid (dense +
BM25, fused, score floor) against its baseline, dense-only (Chroma's nearest sections).

Each question in ``search_questions.jsonl`` names the sections (``article#section`` ids)
that answer it. Latency includes embedding the question (never served from the
embedder's cache here) and is measured per question on both paths with the same vector.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from evals.bench.environment import elapsed_ms
from evals.bench.figures import Figure
from evals.bench.stats import latency_percentiles, mean_recall_at_k
from knowledge_base.search import KnowledgeBase

QUESTIONS = Path(__file__).with_name("search_questions.jsonl")
K = 5


@dataclass(frozen=True)
class LabelledQuestion:
    """A question and the section ids that answer it."""

    question: str
    relevant: tuple[str, ...]


def load_questions(path: Path = QUESTIONS) -> list[LabelledQuestion]:
    """The labelled questions of a JSON-lines file."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("question") or not row.get("relevant"):
            raise ValueError(f"{path.name} line {number}: needs a question and relevant ids")
        questions.append(LabelledQuestion(row["question"], tuple(row["relevant"])))
    return questions


def search_figures(knowledge_base: KnowledgeBase, repetitions: int,
                   questions: list[LabelledQuestion] | None = None) -> list[Figure]:
    """Latency p50/p95 and recall@5 of hybrid search against dense-only."""
    labelled = questions if questions is not None else load_questions()
    hybrid_ms: list[float] = []
    dense_ms: list[float] = []
    hybrid_ranked: list[list[str]] = []
    dense_ranked: list[list[str]] = []
    for _ in range(repetitions):
        hybrid_ranked, dense_ranked = [], []
        for item in labelled:
            started = time.perf_counter()
            vector = knowledge_base.embedder.embed([item.question])[0]
            embedding = elapsed_ms(started)
            started = time.perf_counter()
            hits = knowledge_base.search(item.question, k=K, query_vector=vector)
            hybrid_ms.append(embedding + elapsed_ms(started))
            started = time.perf_counter()
            nearest = knowledge_base.store.dense_query(vector, K)
            dense_ms.append(embedding + elapsed_ms(started))
            hybrid_ranked.append([hit.section_id for hit in hits])
            dense_ranked.append([section.section_id for section, _ in nearest])
    relevant = [item.relevant for item in labelled]
    hybrid_recall = mean_recall_at_k(list(zip(hybrid_ranked, relevant, strict=True)), K)
    dense_recall = mean_recall_at_k(list(zip(dense_ranked, relevant, strict=True)), K)
    hybrid, dense = latency_percentiles(hybrid_ms), latency_percentiles(dense_ms)
    note = f"{len(labelled)} labelled questions x {repetitions}"
    baseline_of = "dense-only search (Chroma nearest sections)"
    return [
        Figure("kb.search.p50", hybrid["p50"], "ms", dense["p50"], baseline_of, note=note),
        Figure("kb.search.p95", hybrid["p95"], "ms", dense["p95"], baseline_of, note=note),
        Figure("kb.recall_at_5", round(hybrid_recall, 4), "share", round(dense_recall, 4),
               baseline_of, note=f"{len(labelled)} labelled questions; hybrid applies the "
                                 "score floor, dense-only does not"),
    ]
