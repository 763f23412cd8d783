"""Run as ``python -m evals.bench.cold_probe DATA_DIR``: where a cold start's time goes.

A fresh process imports the agent, loads the embedding model, builds the runtime on
``DATA_DIR`` (the knowledge base already ingested, named by the environment) and takes
one turn, then one turn in Danish (the first message that is not plainly English loads
the language detector's models), and prints one JSON line: the wall-clock instant it
started (``time.time()``), the seconds of each phase, and the peak memory after each.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _peak_rss_mb() -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) * 1024 / 1e6, 1)
    return None


def main(data_dir: str) -> dict[str, float | None]:
    """Time each phase of a cold start; the result is what the probe prints."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from agent.config import Settings
    from agent.runtime import build_runtime
    from agent.turns import InboundMessage
    from knowledge_base.embedder import Embedder
    from skills.parts import Channel

    imported = time.time()
    embedder = Embedder()
    embedder.embed_one("warming up")
    model_loaded = time.time()
    model_rss = _peak_rss_mb()
    runtime = build_runtime(Settings(data_dir=Path(data_dir)), embedder=embedder)
    built = time.time()
    runtime_rss = _peak_rss_mb()
    runtime.turns.handle(InboundMessage(conversation_id="cold-probe", channel=Channel.WEBCHAT,
                                        text="how long does delivery take?"))
    answered = time.time()
    turn_rss = _peak_rss_mb()
    runtime.turns.handle(InboundMessage(conversation_id="cold-probe-da",
                                        channel=Channel.WEBCHAT,
                                        text="Hej, hvor lang tid tager levering?"))
    detected = time.time()
    runtime.close()
    return {"started_at": STARTED, "imports_s": imported - STARTED,
            "model_load_s": model_loaded - imported, "model_rss_mb": model_rss,
            "model_loaded_at": model_loaded, "build_runtime_s": built - model_loaded,
            "runtime_rss_mb": runtime_rss, "first_turn_s": answered - built,
            "first_turn_rss_mb": turn_rss, "first_foreign_turn_s": detected - answered,
            "first_foreign_turn_rss_mb": _peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
