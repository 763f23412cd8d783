"""The providers outgoing messages leave through, chosen by settings.

A channel with no configured provider has no transport: its messages are held in the
outbox (the embedded default), readable with ``customer-agent outbox``.
"""

from __future__ import annotations

from agent.config import Settings
from agent.outbound import Transport


def configured_transports(settings: Settings) -> dict[str, Transport]:
    """Channel name -> transport, for each channel whose provider is configured."""
    transports: dict[str, Transport] = {}
    return transports
