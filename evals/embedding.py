"""An embedder for eval runs: one loaded model shared by every case's runtime.

Building a runtime embeds every skill's and topic's example utterances; across a run those
lists are the same for every case, so their vectors are remembered by the exact list of
texts. Single texts (the shoppers' messages, knowledge-base queries) still go to the model
through the embedder's own small LRU cache, as in a long-running server, so turn latencies
stay honest. Calls into the model are serialised: eval worker threads share it, and a
fast tokenizer must not be used by two threads at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from knowledge_base.embedder import Embedder


class SharedEmbedder(Embedder):
    """Wraps a loaded ``Embedder``; batches of several texts are embedded once per run."""

    def __init__(self, inner: Embedder) -> None:  # the model is the inner one's: no load
        self._inner = inner
        self.model_path = inner.model_path
        self.dimension = inner.dimension
        self._cache = OrderedDict()
        self._lock = threading.Lock()
        self._batches: dict[tuple[str, ...], np.ndarray] = {}
        self._model_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The inner model's vectors; a batch seen before is served from memory."""
        items = tuple(texts)
        with self._model_lock:
            if len(items) < 2:
                return self._inner.embed(items)
            known = self._batches.get(items)
            if known is None:
                known = self._inner.embed(items)
                known.setflags(write=False)
                self._batches[items] = known
            return known
