"""``customer-agent bench``: every measurement, in an order that keeps them apart.

In-process figures first (one runtime in this process), then the HTTP figures against a
server subprocess (this process only drives it), then cold starts in fresh processes.
``quick`` runs the same measurements with far fewer repetitions: for tests, not figures.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from agent.runtime import Runtime
from evals.bench.checkpoints import checkpoint_growth
from evals.bench.cold_start import RSS_TARGET, cold_start_figures
from evals.bench.environment import BenchEnvironment
from evals.bench.figures import Figure
from evals.bench.http import http_latency, throughput_figures, two_workers_figures
from evals.bench.latency import InProcess, in_process_latency
from evals.bench.postgres import sqlite_vs_postgres
from evals.bench.report import bench_report
from evals.bench.search import search_figures
from evals.bench.stats import latency_percentiles
from evals.bench.webhooks import twilio_ack_figures
from evals.load.senders import CLIENT_LIMITS, ServerAccess
from evals.load.server import LoopbackServer

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Sizes:
    """How many repetitions each measurement takes."""

    samples_per_skill: int
    warmup_per_skill: int
    checkpoint_turns: int
    search_repetitions: int
    postgres_samples: int
    http_samples_per_skill: int
    throughput_seconds: float
    sms_per_shopper: int
    say_runs: int


FULL = Sizes(samples_per_skill=60, warmup_per_skill=5, checkpoint_turns=50,
             search_repetitions=5, postgres_samples=30, http_samples_per_skill=40,
             throughput_seconds=20.0, sms_per_shopper=25, say_runs=3)
QUICK = Sizes(samples_per_skill=3, warmup_per_skill=1, checkpoint_turns=10,
              search_repetitions=1, postgres_samples=2, http_samples_per_skill=2,
              throughput_seconds=2.0, sms_per_shopper=2, say_runs=1)


@dataclass
class HttpResults:
    """The figures measured against the server, and the server's peak memory."""

    figures: list[Figure]
    server_rss_mb: float | None
    one_worker_mb: float | None
    two_workers_mb: float | None


def bench_server(environment: BenchEnvironment, name: str, workers: int = 1,
                 **settings: str) -> LoopbackServer:
    """A server subprocess on the bench's knowledge base and signing key."""
    return LoopbackServer(environment.root / name, {
        "CHROMA_DIR": str(environment.chroma_dir), "SECRET_KEY": environment.secret_key,
        **settings}, workers=workers)


def over_http(environment: BenchEnvironment, runtime: Runtime, in_process: InProcess,
              sizes: Sizes, progress: Progress) -> HttpResults:
    """HTTP latency, throughput and Twilio acknowledgements against a server subprocess
    (``runtime`` mints the storefront sessions), then throughput with two workers."""
    token = secrets.token_hex(16)
    server = bench_server(environment, "server", TWILIO_AUTH_TOKEN=token)
    progress("starting the server")
    with server, httpx.Client(base_url=server.url, timeout=120, limits=CLIENT_LIMITS) as client:
        progress("HTTP turn latency per skill")
        figures = http_latency(client, runtime, sizes.http_samples_per_skill,
                               sizes.warmup_per_skill, in_process.samples)
        progress("throughput at 1, 8 and 32 concurrent conversations")
        throughput, runs = throughput_figures(client, runtime, sizes.throughput_seconds,
                                              in_process, server.cpu_seconds)
        progress("Twilio webhook acknowledgements")
        acks = twilio_ack_figures(ServerAccess(server.url, server.url, token),
                                  server.database_url, sizes.sms_per_shopper,
                                  latency_percentiles(runs[8].latencies))
        rss, one_worker_mb = server.peak_rss_mb(), server.memory_mb()
    progress("throughput with two workers")
    server = bench_server(environment, "server2", workers=2)
    with server, httpx.Client(base_url=server.url, timeout=120, limits=CLIENT_LIMITS) as client:
        scale_out = two_workers_figures(client, runtime, sizes.throughput_seconds, runs,
                                        server.cpu_seconds)
        two_workers_mb = server.memory_mb()
    return HttpResults([*figures, *throughput, *scale_out, *acks], rss, one_worker_mb,
                       two_workers_mb)


def run_bench(quick: bool, progress: Progress) -> dict[str, Any]:
    """Run every measurement and return the report."""
    sizes, started, load_before = QUICK if quick else FULL, time.monotonic(), os.getloadavg()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="customer-agent-bench-") as directory:
        progress("loading the model and the demo knowledge base")
        environment = BenchEnvironment.create(Path(directory))
        try:
            runtime = environment.runtime("in-process")
            progress("in-process turn latency per skill")
            in_process = in_process_latency(runtime, sizes.samples_per_skill,
                                            sizes.warmup_per_skill)
            figures += in_process.figures
            progress("checkpoint growth")
            figures += checkpoint_growth(runtime, sizes.checkpoint_turns)
            progress("knowledge-base search")
            figures += search_figures(runtime.knowledge_base, sizes.search_repetitions)
            progress("SQLite against PostgreSQL")
            figures += sqlite_vs_postgres(environment, runtime, sizes.postgres_samples)
            http = over_http(environment, runtime, in_process, sizes, progress)
            figures += http.figures
        finally:
            environment.close()
        progress("cold starts")
        cold, say_rss = cold_start_figures(environment.chroma_dir, sizes.say_runs)
    figures += cold
    figures.append(Figure("memory.server_peak_rss", http.server_rss_mb, "MB", say_rss,
                          "peak RSS of customer-agent say (one turn)", RSS_TARGET,
                          note="the server after every HTTP measurement"))
    figures.append(Figure("memory.server_workers2", http.two_workers_mb, "MB",
                          http.one_worker_mb, "the same (PSS) of the one-worker server",
                          RSS_TARGET,
                          note="serve --workers 2 after its measurements: the PSS of all its "
                               "processes (shared pages counted once)"))
    return bench_report(figures, in_process.notes, quick, time.monotonic() - started,
                        load_before)
