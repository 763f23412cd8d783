"""A ``customer-agent serve`` subprocess on a loopback port, for the bench and the load run.

The server runs in its own process, as it does in production, so the clients that drive
it do not share its interpreter. Its settings come from the environment (prefix
``CUSTOMER_AGENT_``); every such variable of the calling process is dropped first, so a
developer's SMTP or Twilio credentials never leak into a measurement: without them the
replies are held in the outbox.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

STARTUP_SECONDS = 600.0
"""How long the server may take to load the model (a busy 2-core machine is slow)."""
STOP_SECONDS = 30.0
DROPPED_ENV_PREFIXES = ("CUSTOMER_AGENT_", "OPENAI_")
DROPPED_ENV = ("DATABASE_URL", "CHROMA_URL")
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False"}


class ServerFailed(RuntimeError):
    """The server did not start, or died; the message carries the end of its log."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without agent settings, plus ``settings`` (names without
    the ``CUSTOMER_AGENT_`` prefix, e.g. ``{"TWILIO_AUTH_TOKEN": "..."}``)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(DROPPED_ENV_PREFIXES) and name not in DROPPED_ENV}
    env.update(OFFLINE_ENV)
    env.update({f"CUSTOMER_AGENT_{name}": value for name, value in settings.items()})
    return env


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory of a running process (``VmHWM``) in MB, if readable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) * 1024 / 1e6, 1)
    return None


def process_tree(pid: int) -> list[int]:
    """``pid`` and its child processes (``serve --workers``); empty for a process that is
    gone."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        return []
    return pids


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its child processes (``serve --workers``)
    have used so far, in seconds; 0.0 for a process that is gone."""
    total_ticks = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total_ticks += int(fields[11]) + int(fields[12])
    return total_ticks / os.sysconf("SC_CLK_TCK")


def proportional_memory_mb(pid: int) -> float | None:
    """The memory a process and its child processes use together now, in MB: the sum of
    their proportional set sizes (PSS: a page shared by several of them, such as the
    libraries' code, counts once in all, not once per process as RSS would)."""
    total_kb, read = 0, False
    for each in process_tree(pid):
        try:
            rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
                read = True
    return round(total_kb * 1024 / 1e6, 1) if read else None


class LoopbackServer:
    """Starts ``customer-agent serve`` on 127.0.0.1 and stops it (a context manager)."""

    def __init__(self, data_dir: Path, settings: Mapping[str, str] | None = None,
                 workers: int = 1) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.workers = workers
        self.settings = {"PUBLIC_BASE_URL": self.url, **(settings or {})}
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        """The database the server writes (its embedded SQLite unless configured)."""
        return self.settings.get("DATABASE_URL",
                                 f"sqlite:///{self.data_dir / 'customer_agent.sqlite'}")

    def start(self, timeout: float = STARTUP_SECONDS) -> None:
        """Launch the server and wait until ``/healthz`` answers from every worker (each
        answer names its worker; a fresh connection is accepted by any ready worker), so
        no measurement starts while a worker still loads and the first takes every
        connection."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "agent.cli", "--data-dir", str(self.data_dir),
                   "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(self.workers)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=server_environment(self.settings),
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline, workers_seen = time.monotonic() + timeout, set()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"the server exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                answer = httpx.get(f"{self.url}/healthz", timeout=5)
                if answer.status_code == 200:
                    workers_seen.add(answer.json().get("worker_pid"))
            except (httpx.HTTPError, ValueError):
                pass
            if len(workers_seen) >= self.workers:
                return
            time.sleep(0.5 if not workers_seen else 0.05)
        self.stop()
        raise ServerFailed(f"the server did not answer within {timeout:.0f} s:\n"
                           f"{self.log_tail()}")

    def peak_rss_mb(self) -> float | None:
        """The server process's peak resident memory so far, in MB."""
        return peak_rss_mb(self.process.pid) if self.process is not None else None

    def memory_mb(self) -> float | None:
        """The memory the server (all its workers) uses now, in MB (PSS)."""
        return proportional_memory_mb(self.process.pid) if self.process is not None else None

    def cpu_seconds(self) -> float:
        """CPU time the server (all its workers) has used so far, in seconds."""
        return cpu_seconds(self.process.pid) if self.process is not None else 0.0

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it does not go)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server printed."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> LoopbackServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
