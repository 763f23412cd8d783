"""Over HTTP, against the server subprocess: turn latency per skill (``POST /api/turns``,
one request at a time; baseline: the same percentile in-process); turns per second at 1,
8 and 32 concurrent conversations (a thread per conversation, each one turn after
another; baselines: one turn after another in-process, and one conversation over HTTP);
and turns per second at 8 and 32 and HTTP p95 at 8 with ``serve --workers 2`` (baseline:
one worker), which is how the agent uses a second core.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from agent.runtime import Runtime
from evals.bench.environment import elapsed_ms, storefront_token
from evals.bench.figures import Figure, MeasurementFailed, Target
from evals.bench.latency import SKILLS, InProcess, Samples, percentile_figures
from evals.bench.stats import latency_percentiles
from evals.bench.workload import (
    CONVERSATION_CUSTOMER,
    LANGUAGE_WARM_UP,
    TurnSpec,
    conversation,
    interleaved,
)

TURNS_PATH = "/api/turns"
CONCURRENCY = (1, 8, 32)
TURNS_PER_CONVERSATION = 5
THROUGHPUT_TARGET = Target(50.0, "min")
HTTP_P95_TARGET = Target(150.0)
"""Issue #9: at least 50 turns/s; HTTP p95 <= 150 ms at 8 concurrent conversations."""


def post_turn(client: httpx.Client, spec: TurnSpec, conversation_id: str,
              token: str | None) -> tuple[float, str | None]:
    """One turn over HTTP: its latency in ms, and an error (None when answered 200)."""
    body = {"conversation_id": conversation_id, "channel": "webchat", "text": spec.text,
            **({"storefront_token": token} if token else {})}
    started = time.perf_counter()
    try:
        answer = client.post(TURNS_PATH, json=body)
    except httpx.HTTPError as error:
        return elapsed_ms(started), type(error).__name__
    took = elapsed_ms(started)
    return took, None if answer.status_code == 200 else f"HTTP {answer.status_code}"


def http_latency(client: httpx.Client, runtime: Runtime, samples_per_skill: int,
                 warmup_per_skill: int, in_process: Samples) -> list[Figure]:
    """Per-skill p50/p95/p99 over HTTP against the in-process samples."""
    samples: Samples = {skill: [] for skill in (*SKILLS, "all")}
    specs = [LANGUAGE_WARM_UP,
             *interleaved(SKILLS, warmup_per_skill + samples_per_skill, first=10_000)]
    for index, spec in enumerate(specs):
        token = storefront_token(runtime, spec.signed_in_email)
        took, error = post_turn(client, spec, f"bench-{uuid.uuid4().hex[:12]}", token)
        if error is not None:
            raise MeasurementFailed(f"HTTP turn {spec.text!r} failed: {error}")
        if index > warmup_per_skill * len(SKILLS):
            samples[spec.skill].append(took)
            samples["all"].append(took)
    return percentile_figures("turn.http", samples, in_process,
                              "the same percentile in-process")


@dataclass
class ThroughputRun:
    """What one concurrency level achieved."""

    concurrency: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_cpu_seconds: float = 0.0

    @property
    def turns_per_second(self) -> float:
        """Answered turns per second of wall time."""
        return round(len(self.latencies) / self.seconds, 2) if self.seconds else 0.0


def run_conversations(client: httpx.Client, runtime: Runtime, concurrency: int,
                      seconds: float) -> ThroughputRun:
    """``concurrency`` conversations at once for ``seconds`` (the turns under way finish)."""
    token = storefront_token(runtime, CONVERSATION_CUSTOMER)
    numbers = itertools.count(20_000)
    run, lock = ThroughputRun(concurrency), threading.Lock()
    deadline = time.monotonic() + seconds

    def one_client() -> None:
        while time.monotonic() < deadline:
            conversation_id = f"bench-tp-{uuid.uuid4().hex[:12]}"
            for spec in conversation(next(numbers), TURNS_PER_CONVERSATION):
                took, error = post_turn(client, spec, conversation_id, token)
                with lock:
                    if error is None:
                        run.latencies.append(took)
                    else:
                        run.errors.append(error)
                if time.monotonic() >= deadline:
                    return

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency, thread_name_prefix="bench-client") as pool:
        for future in [pool.submit(one_client) for _ in range(concurrency)]:
            future.result()
    run.seconds = time.monotonic() - started
    return run


def throughput_figures(client: httpx.Client, runtime: Runtime, seconds: float,
                       in_process: InProcess, server_cpu_seconds: Callable[[], float],
                       ) -> tuple[list[Figure], dict[int, ThroughputRun]]:
    """Turns per second at each concurrency, the server's CPU time per turn (at 32
    concurrent) and HTTP p95 at 8 concurrent."""
    runs: dict[int, ThroughputRun] = {}
    for concurrency in CONCURRENCY:
        cpu_started = server_cpu_seconds()
        runs[concurrency] = run_conversations(client, runtime, concurrency, seconds)
        runs[concurrency].server_cpu_seconds = server_cpu_seconds() - cpu_started
    sequential = 1000 / (sum(in_process.samples["all"]) / len(in_process.samples["all"]))
    figures = []
    for concurrency, run in runs.items():
        note = (f"{len(run.latencies)} turns in {run.seconds:.1f} s, "
                f"{len(run.errors)} errors{': ' + run.errors[0] if run.errors else ''}")
        if concurrency == 1:
            figures.append(Figure("throughput.c1", run.turns_per_second, "turns/s",
                                  round(sequential, 2), "in-process, one turn after another",
                                  note=note))
        else:
            figures.append(Figure(f"throughput.c{concurrency}", run.turns_per_second,
                                  "turns/s", runs[1].turns_per_second,
                                  "one conversation at a time over HTTP", THROUGHPUT_TARGET,
                                  note=note))
    cpu_ms = round(runs[32].server_cpu_seconds * 1000 / max(1, len(runs[32].latencies)), 2)
    figures.append(Figure(
        "throughput.server_cpu_per_turn", cpu_ms, "ms", in_process.cpu_ms_per_turn,
        "CPU time of a turn in-process, one after another",
        note=f"at 32 concurrent; the CPU-bound ceiling with {os.cpu_count()} workers on "
             f"{os.cpu_count()} idle cores: "
             f"{1000 * (os.cpu_count() or 1) / cpu_ms if cpu_ms else 0:.0f} turns/s"))
    at_8, at_1 = latency_percentiles(runs[8].latencies), latency_percentiles(runs[1].latencies)
    figures.append(Figure("turn.http.c8.p95", at_8["p95"], "ms", at_1["p95"],
                          "HTTP p95 with one conversation at a time", HTTP_P95_TARGET,
                          note=f"n={len(runs[8].latencies)}"))
    return figures, runs


def two_workers_figures(client: httpx.Client, runtime: Runtime, seconds: float,
                        one_worker: dict[int, ThroughputRun],
                        server_cpu_seconds: Callable[[], float]) -> list[Figure]:
    """Turns per second at 8 and 32 concurrent, and HTTP p95 at 8, against a server with
    two workers (one per core), each against the same figure of one worker."""
    run_conversations(client, runtime, 8, min(seconds, 5.0))
    figures = []
    for concurrency in (8, 32):
        cpu_started = server_cpu_seconds()
        run = run_conversations(client, runtime, concurrency, seconds)
        cpu_ms = (server_cpu_seconds() - cpu_started) * 1000 / max(1, len(run.latencies))
        percentiles = latency_percentiles(run.latencies)
        figures.append(Figure(
            f"throughput.c{concurrency}.workers2", run.turns_per_second, "turns/s",
            one_worker[concurrency].turns_per_second,
            f"{concurrency} concurrent against one worker", THROUGHPUT_TARGET,
            note=f"serve --workers 2: {len(run.latencies)} turns in {run.seconds:.1f} s, "
                 f"{len(run.errors)} errors, p50 {percentiles['p50']} ms, p95 "
                 f"{percentiles['p95']} ms, server CPU {cpu_ms:.1f} ms per turn"))
        if concurrency == 8:
            figures.append(Figure(
                "turn.http.c8.p95.workers2", percentiles["p95"], "ms",
                latency_percentiles(one_worker[8].latencies)["p95"],
                "HTTP p95 at 8 concurrent against one worker", HTTP_P95_TARGET,
                note=f"serve --workers 2, n={len(run.latencies)}"))
    return figures
