"""A suite's own knowledge base: the run's articles plus a folder of extra ones.

A suite that names ``articles:`` (poisoned help-centre pages for indirect prompt injection,
say) gets a Chroma directory of its own, built once per run: the shared knowledge base's
sections are copied with their stored vectors (nothing is embedded again), then the
suite's folder is ingested on top. The shared directory is never written to, so other
suites' cases see exactly the demo articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import numpy as np

from evals.grounding import PolicyIndex
from knowledge_base.documents import Article, Section
from knowledge_base.embedder import Embedder
from knowledge_base.search import KnowledgeBase
from knowledge_base.store import DEFAULT_COLLECTION


@dataclass(frozen=True)
class SuiteKnowledge:
    """Where a runtime finds a knowledge base, and its policy sentences for grounding."""

    chroma_dir: Path
    policy: PolicyIndex


def policy_of(knowledge_base: KnowledgeBase) -> PolicyIndex:
    """The policy sentences of every section of ``knowledge_base``."""
    return PolicyIndex.from_sections(
        (s.section_id, s.text) for s in knowledge_base.store.all_sections())


def copy_sections(source: KnowledgeBase, target: KnowledgeBase) -> int:
    """Every section of ``source`` into ``target``, with its stored vector; returns the count."""
    stored, matrix = source.store.all_sections_with_vectors()
    vectors = {section.section_id: row for section, row in zip(stored, matrix, strict=True)}
    sections = sorted(stored, key=lambda s: (s.article_id, s.section_id))
    copied = 0
    for article_id, group in groupby(sections, key=lambda s: s.article_id):
        members = list(group)
        first = members[0]
        article = Article(article_id, first.article, first.source, first.updated_at,
                          [Section(s.section_id, s.heading, s.text) for s in members])
        copied += target.store.upsert_article(
            article, np.stack([vectors[s.section_id] for s in members]))
    target.refresh()
    return copied


class ArticlesNotIngested(ValueError):
    """A suite's article folder held files the knowledge base could not read."""


def build_suite_knowledge(shared: KnowledgeBase, folder: Path, chroma_dir: Path,
                          embedder: Embedder) -> SuiteKnowledge:
    """A knowledge base in ``chroma_dir``: ``shared``'s sections plus ``folder``'s articles."""
    knowledge_base = KnowledgeBase.open(chroma_dir, DEFAULT_COLLECTION, embedder)
    copy_sections(shared, knowledge_base)
    report = knowledge_base.ingest([folder])
    if report.skipped:
        raise ArticlesNotIngested(f"{folder}: " + "; ".join(report.skipped))
    return SuiteKnowledge(chroma_dir=chroma_dir, policy=policy_of(knowledge_base))
