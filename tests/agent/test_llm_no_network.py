"""The autouse guard: a real provider is never reached, and trying fails the test."""

from __future__ import annotations

import socket

import pytest

from agent.brain.llm import LlmBrain, LlmSettings
from agent.brain.offline import OfflineBrain
from knowledge_base.embedder import Embedder
from tests.agent.llm_helpers import ALLOWED, EXAMPLES, STORE
from tests.fakes.no_network import NetworkGuard, RealNetworkCall


def test_the_default_openai_endpoint_is_refused(no_real_provider: NetworkGuard,
                                                embedder: Embedder) -> None:
    settings = LlmSettings(api_key="sk-would-be-real", model="gpt-4o-mini", max_retries=0,
                           timeout_seconds=2)
    brain = LlmBrain.from_settings(settings, OfflineBrain(embedder, EXAMPLES), EXAMPLES,
                                   store=STORE)
    result = brain.understand("where is my parcel?", ALLOWED)

    assert result.fallback == "connection_error"
    assert any("api.openai.com" in attempt for attempt in no_real_provider.attempts)
    no_real_provider.attempts.clear()


@pytest.mark.parametrize("address", [("203.0.113.7", 443), ("2001:db8::1", 443)])
def test_connections_off_the_machine_raise_and_are_recorded(no_real_provider: NetworkGuard,
                                                             address: tuple[str, int]) -> None:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(RealNetworkCall):
        sock.connect(address)
    assert no_real_provider.attempts == [f"connect to {address[0]}:{address[1]}"]
    no_real_provider.attempts.clear()


def test_loopback_stays_open(no_real_provider: NetworkGuard) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert no_real_provider.attempts == []
