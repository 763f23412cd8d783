"""An autouse fixture that keeps every test off the internet, model providers first.

Connections and name lookups for anything but the loopback interface raise, and the
test fails at teardown even if the code under test swallowed the error (the LLM brain
falls back quietly by design). Provider settings a developer may have exported
(``OPENAI_*``, ``CUSTOMER_AGENT_LLM_*``) are removed for the test's duration.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
PROVIDER_ENV_PREFIXES = ("OPENAI_", "AZURE_OPENAI_", "CUSTOMER_AGENT_LLM_")


class RealNetworkCall(ConnectionRefusedError):
    """A test tried to reach a host that is not this machine (an OSError, as a refused
    connection would be, so clients handle it the way they would in production)."""


def is_local(host: object) -> bool:
    """Whether ``host`` (a name or an address) is this machine: loopback, or "any" to bind."""
    if not isinstance(host, str | bytes):
        return False
    name = host.decode() if isinstance(host, bytes) else host
    if name == "" or name.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


class NetworkGuard:
    """Records and refuses every attempt to leave the machine."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> RealNetworkCall:
        self.attempts.append(what)
        return RealNetworkCall(f"tests must not reach the network: {what}")

    def guarded_connect(self, connect: Callable[..., Any]) -> Callable[..., Any]:
        guard = self

        def guarded(sock: socket.socket, address: Any, *args: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
                raise guard.refuse(f"connect to {address[0]}:{address[1]}")
            return connect(sock, address, *args)

        return guarded

    def guarded_getaddrinfo(self, getaddrinfo: Callable[..., Any]) -> Callable[..., Any]:
        guard = self

        def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not is_local(host):
                raise guard.refuse(f"look up {host!r}")
            return getaddrinfo(host, *args, **kwargs)

        return guarded


@pytest.fixture(autouse=True)
def no_real_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Refuse any connection off the machine; fail the test if one was tried."""
    for name in list(os.environ):
        if name.startswith(PROVIDER_ENV_PREFIXES):
            monkeypatch.delenv(name)
    guard = NetworkGuard()
    monkeypatch.setattr(socket.socket, "connect", guard.guarded_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex",
                        guard.guarded_connect(socket.socket.connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", guard.guarded_getaddrinfo(socket.getaddrinfo))
    yield guard
    if guard.attempts:
        pytest.fail(f"the test tried to reach the network: {guard.attempts}")
