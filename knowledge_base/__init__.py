"""Knowledge base: documents -> sections -> embeddings in Chroma -> hybrid, cited search.

Modules: ``documents`` (loading and splitting), ``embedder`` (packaged MiniLM),
``store`` (Chroma), ``search`` (``KnowledgeBase``, ``Hit``), ``ingest`` (demo seeding).
Nothing is imported here so that importing one module stays cheap.
"""
