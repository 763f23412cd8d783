"""``serve --workers N``: a supervisor that loads once what every worker needs, then forks.

The supervising process imports the server, loads the embedding model and the language
detector's models, freezes its objects out of the garbage collector's reach and only then
forks the workers, so they share those pages copy-on-write instead of each loading its
own (about 450 MB a worker). The workers share one listening socket, bound before the
fork; the kernel hands each new connection to one of them.

A worker that dies while serving is replaced; one that fails while starting (bad
settings, a database it cannot reach) stops the server, since its replacement would fail
the same way. SIGTERM, SIGINT or SIGHUP stop the workers gracefully (SIGTERM, then SIGKILL
after ``GRACE_SECONDS``); a worker whose supervisor is killed outright stops with it.

The supervisor itself starts no thread. The libraries it loads start a few of their own
(OpenBLAS, ONNX Runtime), idle when it forks; a fork does not copy them, and the code a
worker runs from those libraries does not need them (ONNX Runtime runs on the calling
thread; the language models are loaded without a thread pool).
"""

from __future__ import annotations

import ctypes
import gc
import os
import select
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
WATCHED_SIGNALS = (*STOP_SIGNALS, signal.SIGCHLD)
GRACE_SECONDS = 30.0
QUICK_DEATH_SECONDS = 5.0
RESTART_DELAY_SECONDS = 1.0
"""A worker that dies this soon after it started is replaced only after the delay (a
database that is down would otherwise have workers started and dying in a tight loop)."""
STARTUP_FAILURE = 3
"""A worker's exit status when it could not start serving (as uvicorn's)."""
PR_SET_PDEATHSIG = 1

Work = Callable[[], int]
"""What a forked process runs; its return value is the process's exit status."""


def say(message: str) -> None:
    """A line on the server's log (standard error)."""
    print(f"customer-agent: {message}", file=sys.stderr, flush=True)


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket every worker accepts connections on (bound once, here)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = socket.create_server((host, port), family=family, backlog=2048)
    server.set_inheritable(True)
    return server


def stop_with_parent() -> None:
    """Have the kernel send this process SIGTERM when its parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_forked(work: Work) -> int:
    """Fork a process that runs ``work`` and exits with its status; return its pid.

    In the child, the supervisor's signal handling is undone first; the child never
    returns into the supervisor's code, whatever happens (an exception: status 1).
    """
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        signal.set_wakeup_fd(-1)
        for number in WATCHED_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        stop_with_parent()
        if os.getppid() == parent:  # else the supervisor died before the line above
            status = work()
    except BaseException:  # the process ends here: say why
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # never run the supervisor's own clean-up in a fork


def run_once(work: Work) -> int:
    """Run ``work`` in a forked process and wait: its exit status."""
    pid = run_forked(work)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def freeze_for_sharing() -> None:
    """Collect garbage once, then keep every object alive now out of the collector's
    passes, which would otherwise write to (and so un-share) the pages they sit on."""
    gc.collect()
    gc.freeze()


def describe_exit(status: int) -> str:
    """``exit status 1`` or ``killed by SIGKILL``, from a waitpid status."""
    code = os.waitstatus_to_exitcode(status)
    if code >= 0:
        return f"exit status {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:  # a real-time signal has no name
        return f"killed by signal {-code}"


class Supervisor:
    """Keeps ``count`` workers running ``work`` until told to stop.

    A worker of the first ones that cannot start (``STARTUP_FAILURE``) stops the server:
    its settings are wrong. A replacement that cannot start is replaced in turn (what it
    needs, a database say, may come back), after ``RESTART_DELAY_SECONDS``.
    """

    def __init__(self, count: int, work: Work) -> None:
        self.count = count
        self.work = work
        self.workers: dict[int, float] = {}
        """Each live worker's pid and when it was started (monotonic)."""
        self.first_workers: set[int] = set()
        self.received: list[int] = []
        self.stopping = False
        self.status = 0

    def run(self) -> int:
        """Start the workers, keep them running, stop them on a signal: the exit status
        (0 after a stop signal, 1 when a worker could not start)."""
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        previous = {number: signal.signal(number, self._note) for number in WATCHED_SIGNALS}
        previous_fd = signal.set_wakeup_fd(wake_write)
        try:
            for _ in range(self.count):
                self.first_workers.add(self._start_worker())
            while self.workers:
                select.select([wake_read], [], [], 1.0)
                self._drain(wake_read)
                self._handle_signals()
                self._reap()
        finally:
            signal.set_wakeup_fd(previous_fd)
            for number, handler in previous.items():
                signal.signal(number, handler)
            os.close(wake_read)
            os.close(wake_write)
        return self.status

    def _note(self, number: int, frame: object) -> None:
        self.received.append(number)

    @staticmethod
    def _drain(fd: int) -> None:
        readable, _, _ = select.select([fd], [], [], 0)
        if readable:
            os.read(fd, 512)

    def _start_worker(self) -> int:
        pid = run_forked(self.work)
        self.workers[pid] = time.monotonic()
        say(f"worker {pid} started")
        return pid

    def _handle_signals(self) -> None:
        received, self.received = self.received, []  # a signal arriving now is kept
        stops = [number for number in received if number in STOP_SIGNALS]
        if not stops or self.stopping:
            return
        say(f"{signal.Signals(stops[0]).name}: stopping {len(self.workers)} workers")
        self._stop()

    def _stop(self) -> None:
        self.stopping = True
        self._signal_workers(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while self.workers and time.monotonic() < deadline:
            if any(number in STOP_SIGNALS for number in self.received):
                break  # asked again: do not wait any longer
            self._reap()
            time.sleep(0.05)
        self._signal_workers(signal.SIGKILL)

    def _signal_workers(self, number: int) -> None:
        for pid in list(self.workers):
            try:
                os.kill(pid, number)
            except ProcessLookupError:
                self.workers.pop(pid, None)

    def _reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.workers.clear()
                return
            if pid == 0:
                return
            started = self.workers.pop(pid, None)
            if started is None or self.stopping:
                continue
            if os.waitstatus_to_exitcode(status) == STARTUP_FAILURE and (
                    pid in self.first_workers):
                say(f"worker {pid} could not start; stopping the server")
                self.status = 1
                self._stop()
                return
            say(f"worker {pid} stopped ({describe_exit(status)}); starting another")
            if time.monotonic() - started < QUICK_DEATH_SECONDS:
                time.sleep(RESTART_DELAY_SECONDS)
            self._start_worker()
