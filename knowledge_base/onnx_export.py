"""The packaged sentence-transformers model as an ONNX file, exported once and cached.

Serving needs only the tokenizer and ONNX Runtime: no torch import at start-up (seconds
of cold start and several hundred MB of memory saved) and about twice as fast per
sentence on two cores. The export is the one place torch and sentence-transformers are
loaded: sentence-transformers reads the model (the reference), its transformer is written
as ONNX, and ONNX Runtime must give the reference's vectors on probe sentences before the
file is used. The file name carries a digest of the weights and the export's format
version, so a different model never reads a stale export; it is written to a temporary
name and renamed, so workers exporting at the same time never see half a file.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

EXPORT_VERSION = 1
"""Bumped whenever the exported graph's inputs or outputs change."""

PROBES = (
    "Where is my order 1043?",
    "Can I return the boots I bought last week, they are too small",
    "Versand nach Norwegen?",
)
MIN_PROBE_COSINE = 0.9999
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
ONNX_OPSET = 17


class ExportMismatch(RuntimeError):
    """The exported model does not reproduce the reference vectors."""


def default_cache_dir() -> Path:
    """``CUSTOMER_AGENT_MODEL_CACHE``, else ``$XDG_CACHE_HOME/customer-agent/models``
    (``~/.cache/customer-agent/models``)."""
    configured = os.environ.get("CUSTOMER_AGENT_MODEL_CACHE")
    if configured:
        return Path(configured)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "customer-agent" / "models"


def weights_digest(model_dir: Path) -> str:
    """The first 16 hex digits of the SHA-256 of the model's weights file."""
    digest = hashlib.sha256()
    with (model_dir / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def exported_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where the export of ``model_dir`` lives in ``cache_dir``."""
    name = f"{model_dir.parent.name}-{model_dir.name}"
    return cache_dir / f"{name}-{weights_digest(model_dir)}-v{EXPORT_VERSION}.onnx"


def ensure_exported(model_dir: Path, cache_dir: Path | None = None) -> Path:
    """The ONNX file of ``model_dir``, exported (and checked) first if it is not cached."""
    target = exported_path(model_dir, cache_dir or default_cache_dir())
    if not target.exists():
        export(model_dir, target)
    return target


def export(model_dir: Path, target: Path) -> None:
    """Export ``model_dir``'s transformer to ``target`` and check it against the reference."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_dir), device="cpu")
    transformer = reference[0].auto_model
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    example = reference.tokenizer(["a short example"], return_tensors="pt")
    dynamic = {0: "batch", 1: "tokens"}
    try:
        with warnings.catch_warnings():  # tracer notes about shapes the checks below cover
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _hidden_states_module(transformer),
                tuple(example[name] for name in INPUT_NAMES), str(scratch),
                input_names=list(INPUT_NAMES), output_names=[OUTPUT_NAME],
                dynamic_axes={name: dynamic for name in (*INPUT_NAMES, OUTPUT_NAME)},
                opset_version=ONNX_OPSET, dynamo=False)
        _check(scratch, model_dir, reference.encode(list(PROBES), normalize_embeddings=True))
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def _check(onnx_file: Path, model_dir: Path, expected: np.ndarray) -> None:
    """Raise ExportMismatch unless ONNX Runtime reproduces ``expected`` for the probes."""
    from knowledge_base.onnx_encoder import OnnxEncoder

    produced = OnnxEncoder(model_dir, onnx_file, threads=1).encode(list(PROBES))
    cosines = np.sum(produced * expected, axis=1)
    if float(cosines.min()) < MIN_PROBE_COSINE:
        raise ExportMismatch(
            f"the ONNX export of {model_dir} does not reproduce its vectors "
            f"(cosines {np.round(cosines, 5).tolist()})")


def _hidden_states_module(transformer: Any) -> Any:
    """A torch module returning only the last hidden state (what the export traces)."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    return HiddenStates().eval()

