"""Exceptions raised by the knowledge base."""

from __future__ import annotations


class KnowledgeBaseError(Exception):
    """Base class of every knowledge-base error."""


class UnsupportedDocument(KnowledgeBaseError):
    """A file whose type the knowledge base cannot read (by extension)."""


class KnowledgeUnavailable(KnowledgeBaseError):
    """The vector store could not be reached (e.g. the Chroma server is down)."""
