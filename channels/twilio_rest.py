"""Sending SMS and WhatsApp through Twilio's Messages API with the official ``twilio`` client.

:class:`TwilioTransport` is the outbound queue's transport for both channels. The client's
API domain is ``settings.twilio_api_base_url`` (Twilio itself by default; a loopback fake in
tests), and every message asks for status callbacks on :data:`STATUS_PATH` under the public
base URL. Twilio's refusals become retry decisions: 429, 5xx and an unreachable API are
retried later; any other refusal (21211 invalid number, 21610 unsubscribed recipient, ...)
fails the message with Twilio's code and reason; 21610 (the number opted out with Twilio)
also suppresses the number here. WhatsApp messages respect the 24-hour window
(``channels.twilio_window``).
"""

from __future__ import annotations

import json
from typing import Any

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from agent.clock import Clock
from agent.config import Settings
from agent.conversations import ConversationStore
from agent.outbound import OutgoingMessage, TransportError
from agent.suppressions import normalise_address
from channels.sms import SMS_BODY_LIMIT
from channels.twilio_webhook import WHATSAPP_PREFIX, conversation_id_for
from channels.twilio_window import (
    OUTSIDE_WINDOW,
    WhatsAppMode,
    last_customer_message_at,
    record_template_stand_in,
    whatsapp_mode,
)
from skills.parts import Channel

STATUS_PATH = "/channels/twilio/status"
UNSUBSCRIBED_RECIPIENT = 21610
"""Twilio's refusal for a number that opted out with Twilio: mirrored as our opt-out."""


def twilio_channels(settings: Settings) -> list[Channel]:
    """The channels whose credentials and sender are configured (SMS, WhatsApp or both)."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return []
    service = settings.twilio_messaging_service_sid
    return [channel for channel, sender in ((Channel.SMS, settings.twilio_sms_from),
                                            (Channel.WHATSAPP, settings.twilio_whatsapp_from))
            if sender or service]


def twilio_client(settings: Settings) -> Client:
    """The official client, authenticated and pointed at the configured API base URL."""
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                    http_client=TwilioHttpClient(timeout=settings.twilio_timeout_seconds))
    client.api.base_url = settings.twilio_api_base_url.rstrip("/")
    return client


def transport_error(error: Exception) -> TransportError:
    """A Twilio client error as a TransportError: 429, 5xx and network trouble are retryable."""
    if isinstance(error, TwilioRestException | TwilioServiceException):
        reason = error.msg if isinstance(error, TwilioRestException) else (
            error.detail or error.title)
        return TransportError(f"Twilio error {error.code} (HTTP {error.status}): {reason}",
                              retryable=error.status == 429 or error.status >= 500)
    return TransportError(f"Twilio unreachable: {error}", retryable=True)


def whatsapp_text(message: OutgoingMessage) -> str:
    """The body, with any reply buttons of the rendered payload as numbered options."""
    buttons = [str(label) for label in message.payload.get("buttons") or []]
    options = "\n".join(f"{number}) {label}" for number, label in enumerate(buttons, 1))
    return "\n\n".join(text for text in (message.body, options) if text)


class TwilioTransport:
    """Sends SMS and WhatsApp messages through Twilio's REST API."""

    def __init__(self, settings: Settings, store: ConversationStore, clock: Clock,
                 client: Client | None = None) -> None:
        self._settings = settings
        self._store = store
        self._clock = clock
        self._client = client or twilio_client(settings)

    def send(self, message: OutgoingMessage) -> str:
        """Send one message; returns Twilio's message SID, raises TransportError."""
        fields = self._addressing(message)
        template_sid = self._settings.twilio_whatsapp_template_sid
        mode = WhatsAppMode.FREE_FORM
        if message.channel == Channel.WHATSAPP:
            mode = self._whatsapp_mode(message)
        if mode is WhatsAppMode.REFUSED:
            raise TransportError(OUTSIDE_WINDOW, retryable=False)
        if mode is WhatsAppMode.TEMPLATE:
            fields["content_sid"] = template_sid
            fields["content_variables"] = json.dumps({"1": self._settings.store_name})
        else:
            fields["body"] = self._body(message)
        try:
            created = self._client.messages.create(**fields)
        except (TwilioException, requests.RequestException) as error:
            if getattr(error, "code", None) == UNSUBSCRIBED_RECIPIENT:
                self._store.suppress(message.recipient, "opt_out",
                                     f"twilio error {UNSUBSCRIBED_RECIPIENT}", self._clock.now())
            raise transport_error(error) from error
        sid = str(created.sid)
        if mode is WhatsAppMode.TEMPLATE and template_sid:
            record_template_stand_in(self._store, message, template_sid, sid,
                                     self._clock.now())
        return sid

    def _addressing(self, message: OutgoingMessage) -> dict[str, Any]:
        """To, From (or the messaging service) and the status callback URL."""
        whatsapp = message.channel == Channel.WHATSAPP
        prefix = WHATSAPP_PREFIX if whatsapp else ""
        sender = self._settings.twilio_whatsapp_from if whatsapp else self._settings.twilio_sms_from
        fields: dict[str, Any] = {
            "to": prefix + normalise_address(message.recipient),
            "status_callback": self._settings.public_base_url.rstrip("/") + STATUS_PATH,
        }
        if self._settings.twilio_messaging_service_sid:
            fields["messaging_service_sid"] = self._settings.twilio_messaging_service_sid
        if sender:
            fields["from_"] = prefix + normalise_address(sender)
        return fields

    def _whatsapp_mode(self, message: OutgoingMessage) -> WhatsAppMode:
        conversation = conversation_id_for(Channel.WHATSAPP, message.recipient)
        return whatsapp_mode(last_customer_message_at(self._store, conversation),
                             self._clock.now(), self._settings.twilio_whatsapp_template_sid)

    def _body(self, message: OutgoingMessage) -> str:
        """The free-form text; refused (not cut) when over Twilio's 1,600-character limit."""
        text = whatsapp_text(message) if message.channel == Channel.WHATSAPP else message.body
        if not text.strip():
            raise TransportError("nothing to send: the message body is empty", retryable=False)
        if len(text) > SMS_BODY_LIMIT:
            raise TransportError(f"body of {len(text)} characters is over Twilio's limit of "
                                 f"{SMS_BODY_LIMIT}", retryable=False)
        return text
