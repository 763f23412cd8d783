"""Cold start and memory: fresh processes on a data directory whose knowledge base is
already ingested.

* ``customer-agent say`` from spawn to exit (first answer printed), and its peak RSS
  (``ru_maxrss`` of that one process, see ``evals.bench.child_usage``);
* a probe (``evals.bench.cold_probe``) that times each phase: interpreter and imports,
  loading the model, ``build_runtime``, the first turn, the first turn that needs the
  language detector; and the peak RSS after each (once the model is loaded: the floor
  any agent process pays).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from evals.bench.figures import Figure, MeasurementFailed, Target
from evals.load.server import server_environment

COLD_START_TARGET = Target(8.0)
RSS_TARGET = Target(800.0)
"""Issue #9: cold start to first answer <= 8 s; RSS <= 800 MB."""
CHILD_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: wall time from spawn, peak RSS, what it printed."""

    spawned_at: float
    seconds: float
    peak_rss_mb: float
    output: str


def run_child(command: list[str], env: dict[str, str], workdir: Path) -> ChildRun:
    """Run ``command`` to completion through ``evals.bench.child_usage``; raise if it
    fails."""
    name = f"child-{time.monotonic_ns()}"
    output_path, usage_path = workdir / f"{name}.out", workdir / f"{name}.json"
    with output_path.open("wb") as output:
        finished = subprocess.run(
            [sys.executable, "-m", "evals.bench.child_usage", str(usage_path), *command],
            env=env, stdout=output, stderr=subprocess.STDOUT, cwd=workdir,
            timeout=CHILD_TIMEOUT_SECONDS, check=False)
    text = output_path.read_text(errors="replace")
    if finished.returncode != 0:
        raise MeasurementFailed(f"{' '.join(command[:4])} ... exited with {finished.returncode}:\n"
                           f"{text[-2000:]}")
    usage = json.loads(usage_path.read_text())
    return ChildRun(usage["spawned_at"], usage["seconds"],
                    round(usage["peak_rss_kib"] * 1024 / 1e6, 1), text)


def cold_start_figures(chroma_dir: Path, say_runs: int) -> tuple[list[Figure], float]:
    """The cold-start and memory figures, and the ``say`` process's peak RSS (MB)."""
    env = server_environment({"CHROMA_DIR": str(chroma_dir)})
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as directory:
        root = Path(directory)
        says = [run_child([sys.executable, "-m", "agent.cli", "--data-dir",
                           str(root / f"say{n}"), "say", "--conversation", "cold-start",
                           "how long does delivery take?"], env, root)
                for n in range(say_runs)]
        probe_run = run_child([sys.executable, "-m", "evals.bench.cold_probe",
                               str(root / "probe")], env, root)
    probe = json.loads(probe_run.output.strip().splitlines()[-1])
    model_floor = probe["model_loaded_at"] - probe_run.spawned_at
    first_answer = statistics.median(run.seconds for run in says)
    say_rss = max(run.peak_rss_mb for run in says)
    note = f"median of {say_runs} runs of customer-agent say"
    return [
        Figure("cold_start.first_answer", round(first_answer, 3), "s", round(model_floor, 3),
               "a fresh process until the model is loaded (interpreter, imports, model)",
               COLD_START_TARGET, note=note),
        Figure("cold_start.build_runtime", round(probe["build_runtime_s"], 3), "s",
               round(probe["model_load_s"], 3), "loading the model alone",
               note=f"probe: imports {probe['imports_s']:.2f} s, first turn "
                    f"{probe['first_turn_s']:.3f} s"),
        Figure("cold_start.first_foreign_turn", round(probe["first_foreign_turn_s"], 3), "s",
               round(probe["first_turn_s"], 3), "the process's first (English) turn",
               note="the first message that is not plainly English loads the language "
                    "detector's models"),
        Figure("memory.peak_rss", say_rss, "MB", probe["model_rss_mb"],
               "peak RSS of a process once the model is loaded", RSS_TARGET,
               note=f"customer-agent say, one turn; probe peaks: runtime built "
                    f"{probe['runtime_rss_mb']} MB, first turn "
                    f"{probe['first_turn_rss_mb']} MB, language detector loaded "
                    f"{probe['first_foreign_turn_rss_mb']} MB"),
    ], say_rss
