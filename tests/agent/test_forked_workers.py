"""The supervisor of ``serve --workers N`` (``agent.forked_workers``), run in a process of
its own with workers that only note their pid and wait: a dead worker is replaced, one of
the first that cannot start stops the server (a replacement that cannot start is tried
again), stop signals end every worker (gracefully, then by force), and workers do not
outlive a supervisor killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.forked_workers import STARTUP_FAILURE, describe_exit

SUPERVISED = """
import os, signal, sys
from pathlib import Path
import agent.forked_workers as forked

mode, folder = sys.argv[1], Path(sys.argv[2])
forked.GRACE_SECONDS = float(sys.argv[3])
forked.RESTART_DELAY_SECONDS = 0.2

def work() -> int:
    replacement = len(list(folder.iterdir())) >= 2
    (folder / str(os.getpid())).touch()
    if mode == "fails" or (mode == "replacements_fail" and replacement):
        return forked.STARTUP_FAILURE
    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        signal.pause()

sys.exit(forked.Supervisor(2, work).run())
"""
WAIT_SECONDS = 20.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def gone(pid: int) -> bool:
    """The process has ended (a zombie left to a parent that does not reap counts)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


def worker_pids(folder: Path) -> set[int]:
    return {int(path.name) for path in folder.iterdir()}


class Supervised:
    """A supervisor subprocess and the pids its workers noted."""

    def __init__(self, mode: str, folder: Path, grace_seconds: float = 30.0) -> None:
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-c", SUPERVISED, mode, str(folder), str(grace_seconds)],
            stderr=subprocess.PIPE, text=True)

    def workers(self, count: int) -> set[int]:
        wait_for(lambda: len(worker_pids(self.folder)) >= count, f"{count} workers")
        return worker_pids(self.folder)

    def finish(self) -> tuple[int, str]:
        _, errors = self.process.communicate(timeout=WAIT_SECONDS)
        return self.process.returncode, errors


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[Callable[..., Supervised]]:
    started: list[Supervised] = []

    def start(mode: str, grace_seconds: float = 30.0) -> Supervised:
        started.append(Supervised(mode, tmp_path, grace_seconds))
        return started[-1]

    yield start
    for each in started:
        if each.process.poll() is None:
            each.process.kill()
            each.process.wait()
        for pid in worker_pids(each.folder):
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_that_dies_is_replaced_and_sigterm_stops_them_all(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("serves")
    first = server.workers(2)
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    everyone = server.workers(3)
    replacement = (everyone - first).pop()
    assert not gone(replacement) and all(not gone(pid) for pid in first - {victim})

    server.process.send_signal(signal.SIGTERM)
    status, errors = server.finish()
    assert status == 0
    assert all(gone(pid) for pid in everyone)
    assert f"worker {victim} stopped (killed by SIGKILL); starting another" in errors
    assert "SIGTERM: stopping 2 workers" in errors


def test_a_worker_that_cannot_start_stops_the_server(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("fails")
    status, errors = server.finish()
    assert status == 1
    assert "could not start; stopping the server" in errors
    assert 1 <= len(worker_pids(server.folder)) <= 2  # not restarted over and over
    assert all(gone(pid) for pid in worker_pids(server.folder))


def test_a_replacement_that_cannot_start_is_tried_again_without_stopping_the_others(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("replacements_fail")
    first = server.workers(2)
    os.kill(min(first), signal.SIGKILL)
    server.workers(4)  # two replacements tried, each after the restart delay
    assert server.process.poll() is None and not gone(max(first))
    server.process.send_signal(signal.SIGTERM)
    status, errors = server.finish()
    assert status == 0
    assert "could not start; stopping the server" not in errors
    assert f"exit status {STARTUP_FAILURE}); starting another" in errors


def test_a_worker_deaf_to_sigterm_is_killed_once_the_grace_period_ends(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("stubborn", grace_seconds=0.5)
    workers = server.workers(2)
    time.sleep(0.2)  # the workers have set SIGTERM aside once their pids are noted
    server.process.send_signal(signal.SIGTERM)
    status, _ = server.finish()
    assert status == 0
    assert all(gone(pid) for pid in workers)


def test_a_second_stop_signal_does_not_wait_for_the_grace_period(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("stubborn", grace_seconds=600)
    workers = server.workers(2)
    time.sleep(0.2)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert server.process.poll() is None and not any(gone(pid) for pid in workers)
    server.process.send_signal(signal.SIGINT)
    status, _ = server.finish()
    assert status == 0
    assert all(gone(pid) for pid in workers)


def test_workers_stop_when_their_supervisor_is_killed_outright(
        supervised: Callable[..., Supervised]) -> None:
    server = supervised("serves")
    workers = server.workers(2)
    server.process.kill()
    server.process.wait()
    wait_for(lambda: all(gone(pid) for pid in workers), "the orphaned workers to stop")


@pytest.mark.parametrize(("status", "described"), [
    (STARTUP_FAILURE << 8, f"exit status {STARTUP_FAILURE}"),
    (signal.SIGKILL, "killed by SIGKILL"),
    (signal.SIGRTMIN + 2, f"killed by signal {signal.SIGRTMIN + 2}"),
])
def test_an_exit_is_described_by_its_status_or_signal(status: int, described: str) -> None:
    assert describe_exit(status) == described
