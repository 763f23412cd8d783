"""Console fixtures: the whole app (channels and console) over a runtime, and its Console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.app import create_app
from agent.runtime import Runtime
from preview.console import Console

OWNER_EMAIL = "owner@shop.example"
OWNER_PASSWORD = "owner password 123"

ConsoleFactory = Callable[..., tuple[TestClient, Console]]


@pytest.fixture
def console_for(make_runtime: Callable[..., Runtime]) -> Iterator[ConsoleFactory]:
    """Build app + console over a fresh runtime (settings overrides as keywords)."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> tuple[TestClient, Console]:
        runtime = overrides.pop("runtime", None) or make_runtime(
            console_owner_email=OWNER_EMAIL, console_owner_password=OWNER_PASSWORD,
            **overrides)
        app = create_app(runtime)
        client = TestClient(app)
        clients.append(client)
        return client, app.state.console

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def console_client(console_for: ConsoleFactory) -> tuple[TestClient, Console]:
    """The app and its console over a runtime on the shared demo knowledge base."""
    return console_for()
