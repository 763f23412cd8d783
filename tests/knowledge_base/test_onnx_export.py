"""The ONNX export of the packaged model: made once per cache, checked against
sentence-transformers (the reference) before use, and never half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from knowledge_base import onnx_export
from knowledge_base.embedder import Embedder, default_model_path
from knowledge_base.onnx_encoder import UnsupportedModel, check_mean_pooling
from knowledge_base.onnx_export import ExportMismatch, ensure_exported, exported_path

TEXTS = [
    "Where is my order 1043?",
    "ok",
    "Kann ich die Stiefel zurückschicken? Sie sind zu klein und ich habe sie nie getragen.",
    # far beyond the model's 256 tokens: truncated the way sentence-transformers truncates
    "I would like to return the jacket because the sleeves are too long. " * 40,
]


@pytest.fixture(scope="module")
def fresh_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory holding an export made by this test module."""
    cache = tmp_path_factory.mktemp("model-cache")
    ensure_exported(default_model_path(), cache)
    return cache


def test_the_export_gives_the_reference_vectors_for_single_texts_and_padded_batches(
        fresh_export: Path) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(default_model_path()), device="cpu").encode(
        TEXTS, normalize_embeddings=True)
    embedder = Embedder(cache_dir=fresh_export)
    batched = embedder.embed(TEXTS)  # padded to the longest text in the batch
    one_by_one = np.stack([embedder.embed([text])[0] for text in TEXTS])
    assert np.min(np.sum(batched * reference, axis=1)) > 0.9999
    assert np.min(np.sum(one_by_one * reference, axis=1)) > 0.9999


def test_a_cached_export_is_used_as_it_is(fresh_export: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cached = exported_path(default_model_path(), fresh_export)
    assert [p.name for p in fresh_export.iterdir()] == [cached.name]

    def no_second_export(model_dir: Path, target: Path) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "export", no_second_export)
    assert ensure_exported(default_model_path(), fresh_export) == cached


def test_an_export_that_does_not_reproduce_the_reference_is_not_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong_vectors(onnx_file: Path, model_dir: Path, expected: np.ndarray) -> None:
        raise ExportMismatch("different vectors")

    monkeypatch.setattr(onnx_export, "_check", wrong_vectors)
    with pytest.raises(ExportMismatch):
        ensure_exported(default_model_path(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_cache_file_names_the_weights(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights one")
    first = exported_path(model, tmp_path)
    (model / "model.safetensors").write_bytes(b"weights two")
    assert exported_path(model, tmp_path) != first


def test_only_mean_pooling_with_normalisation_is_accepted(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(default_model_path(), model,
                    ignore=shutil.ignore_patterns("*.safetensors", "*.onnx"))
    check_mean_pooling(model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(json.dumps({**config, "pooling_mode_mean_tokens": False,
                                   "pooling_mode_cls_token": True}))
    with pytest.raises(UnsupportedModel, match="pooling_mode_cls_token"):
        check_mean_pooling(model)
