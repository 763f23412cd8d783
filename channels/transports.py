"""The providers outgoing messages leave through, chosen by settings.

A channel with no configured provider has no transport: its messages are held in the
outbox (the embedded default), readable with ``customer-agent outbox``.
"""

from __future__ import annotations

from agent.clock import Clock
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.outbound import Transport
from channels.smtp import SmtpConfig, SmtpTransport
from channels.twilio_rest import TwilioTransport, twilio_channels


def configured_transports(settings: Settings, store: ConversationStore,
                          clock: Clock) -> dict[str, Transport]:
    """Channel name -> transport, for each channel whose provider is configured."""
    transports: dict[str, Transport] = {}
    twilio_for = twilio_channels(settings)
    if twilio_for:
        twilio = TwilioTransport(settings, store, clock)
        transports.update({channel.value: twilio for channel in twilio_for})
    smtp = SmtpConfig.from_settings(settings)
    if smtp is not None:
        transports["email"] = SmtpTransport(smtp, store, clock, settings.resolved_secret_key())
    return transports
