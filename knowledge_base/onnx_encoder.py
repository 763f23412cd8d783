"""Sentence vectors from an ONNX export of a sentence-transformers model: the model
directory's fast tokenizer, ONNX Runtime, mean pooling and L2 normalisation, as the
model's own sentence-transformers configuration says (checked at load).

Thread-safe: the tokenizer is configured once and only read afterwards, and an ONNX
Runtime session may run from several threads; the GIL is released while it runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BATCH_SIZE = 32


class UnsupportedModel(ValueError):
    """The model's sentence-transformers configuration is not one this encoder implements."""


def max_tokens(model_dir: Path) -> int:
    """The model's ``max_seq_length`` (sentence_bert_config.json)."""
    config = json.loads((model_dir / "sentence_bert_config.json").read_text())
    return int(config["max_seq_length"])


def check_mean_pooling(model_dir: Path) -> None:
    """Raise UnsupportedModel unless the model pools by the mean of its tokens and
    normalises (the only recipe implemented here)."""
    modules = json.loads((model_dir / "modules.json").read_text())
    kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
    pooling_dir = next((model_dir / module["path"] for module in modules
                        if module["type"].endswith("Pooling")), None)
    if pooling_dir is None:
        raise UnsupportedModel(f"{model_dir}: modules {kinds}; no Pooling module")
    pooling = json.loads((pooling_dir / "config.json").read_text())
    chosen = sorted(key for key, value in pooling.items()
                    if key.startswith("pooling_mode_") and value)
    if kinds != ["Transformer", "Pooling", "Normalize"] or chosen != [
            "pooling_mode_mean_tokens"]:
        raise UnsupportedModel(f"{model_dir}: modules {kinds}, pooling {chosen}; "
                               "only Transformer + mean Pooling + Normalize is supported")


class OnnxEncoder:
    """Encodes texts with ``onnx_file`` (an export of ``model_dir``'s transformer)."""

    def __init__(self, model_dir: Path, onnx_file: Path, threads: int | None = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        check_mean_pooling(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_tokens(model_dir))
        options = onnxruntime.SessionOptions()
        options.enable_cpu_mem_arena = False  # the arena keeps ~50 MB more, for no speed
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        rows = [self._encode_batch(texts[start:start + BATCH_SIZE])
                for start in range(0, len(texts), BATCH_SIZE)]
        return np.concatenate(rows) if rows else np.zeros((0, self.dimension), np.float32)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(encoding.ids) for encoding in encodings)
        inputs = {name: np.zeros((len(texts), width), dtype=np.int64)
                  for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            inputs["input_ids"][row, :length] = encoding.ids
            inputs["attention_mask"][row, :length] = encoding.attention_mask
            inputs["token_type_ids"][row, :length] = encoding.type_ids
        hidden = self._session.run(None, inputs)[0]
        mask = inputs["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(pooled / norms, dtype=np.float32)
