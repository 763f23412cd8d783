"""What a shopper's message looks like on the wire, per channel, as the providers post it.

* webchat: ``POST /api/turns`` with JSON (the reply is in the answer);
* SMS: Twilio's form webhook, signed with the auth token over the server's public URL
  (``X-Twilio-Signature``); the answer is an empty TwiML acknowledgement and the reply is
  taken afterwards;
* email: a raw MIME message posted to ``/channels/email/inbound`` with the inbound secret
  as the password of HTTP Basic auth (the reply is taken before the answer).

These are the public HTTP contracts of the server, so nothing here imports ``channels``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlencode

import httpx
from twilio.request_validator import RequestValidator

TURNS_PATH = "/api/turns"
TWILIO_MESSAGES_PATH = "/channels/twilio/messages"
EMAIL_INBOUND_PATH = "/channels/email/inbound"
STORE_NUMBER = "+4570000000"
ACCOUNT_SID = "AC" + "0" * 32
SUPPORT_ADDRESS = "support@fjordandfell.example"
CLIENT_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=200,
                             keepalive_expiry=2.0)
"""Idle connections are dropped after 2 s, before the server's keep-alive timeout (5 s in
uvicorn) closes them, so a request is never written into a connection being closed."""


def new_message_sid() -> str:
    """A fresh Twilio message SID: ``SM`` and 32 hex digits."""
    return "SM" + uuid.uuid4().hex


def twilio_form(sender: str, text: str, sid: str) -> dict[str, str]:
    """The form of Twilio's inbound-message webhook."""
    return {"ToCountry": "DK", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
            "SmsStatus": "received", "Body": text, "To": STORE_NUMBER, "NumSegments": "1",
            "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender,
            "ApiVersion": "2010-04-01"}


def twilio_signature(auth_token: str, url: str, form: dict[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for ``form`` posted to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, form))


def email_mime(sender: str, subject: str, text: str, message_id: str, *,
               in_reply_to: str | None = None, automatic: bool = False) -> bytes:
    """A plain-text mail from ``sender`` to the store; ``automatic`` marks it as an
    auto-reply (RFC 3834), which the agent stores and never answers."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = SUPPORT_ADDRESS
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
    mail.set_content(text)
    return bytes(mail)


def new_email_id(domain: str = "shopper.example") -> str:
    """A fresh Message-ID."""
    return make_msgid(domain=domain)


@dataclass(frozen=True)
class ServerAccess:
    """Where the server is and the secrets its webhooks check."""

    base_url: str
    public_base_url: str
    twilio_auth_token: str | None = None
    email_inbound_secret: str | None = None


class Senders:
    """Posts shoppers' messages to one server; safe to share between threads."""

    def __init__(self, access: ServerAccess, timeout: float = 120.0) -> None:
        self.access = access
        self.client = httpx.Client(base_url=access.base_url, timeout=timeout,
                                   limits=CLIENT_LIMITS)

    def webchat(self, conversation_id: str, text: str, *, as_email: str | None = None,
                storefront_token: str | None = None) -> httpx.Response:
        """One webchat turn; the answer carries the TurnResult."""
        body: dict[str, Any] = {"conversation_id": conversation_id, "channel": "webchat",
                                "text": text}
        if as_email:
            body["as_email"] = as_email
        if storefront_token:
            body["storefront_token"] = storefront_token
        return self.client.post(TURNS_PATH, json=body)

    def sms(self, sender: str, text: str, sid: str) -> httpx.Response:
        """A signed Twilio webhook for an SMS from ``sender``."""
        token = self.access.twilio_auth_token
        if not token:
            raise ValueError("SMS needs the server's Twilio auth token "
                             "(CUSTOMER_AGENT_TWILIO_AUTH_TOKEN)")
        form = twilio_form(sender, text, sid)
        signed = self.access.public_base_url.rstrip("/") + TWILIO_MESSAGES_PATH
        return self.client.post(TWILIO_MESSAGES_PATH, content=urlencode(form).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "X-Twilio-Signature": twilio_signature(
                                             token, signed, form)})

    def email(self, raw: bytes) -> httpx.Response:
        """A raw MIME mail posted with the inbound secret (HTTP Basic auth)."""
        secret = self.access.email_inbound_secret
        if not secret:
            raise ValueError("email needs the server's inbound secret "
                             "(CUSTOMER_AGENT_EMAIL_INBOUND_SECRET)")
        return self.client.post(EMAIL_INBOUND_PATH, content=raw, auth=("inbound", secret),
                                headers={"Content-Type": "message/rfc822"})

    def close(self) -> None:
        """Close the connections."""
        self.client.close()
