"""The browser tests' plumbing: the app under uvicorn on a loopback port, headless Chromium
(the Debian package, driven by Playwright; never ``playwright install``), and waiting for
server-side state without sleeping blindly."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from playwright.sync_api import Browser, sync_playwright

from agent.app import create_app
from agent.runtime import Runtime

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(runtime: Runtime, port: int) -> Iterator[str]:
    """The app over ``runtime`` under uvicorn on ``port``; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        eventually(lambda: server.started, "the server did not start",
                   still_possible=thread.is_alive)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium from the distribution."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def eventually(condition: Callable[[], object], failure: str, *, within: float = 30.0,
               still_possible: Callable[[], bool] = lambda: True) -> None:
    """Wait until ``condition()`` is truthy (checking every 50 ms), else fail."""
    deadline = time.monotonic() + within
    while not condition():
        assert still_possible(), failure
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)
