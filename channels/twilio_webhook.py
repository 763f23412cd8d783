"""Reading Twilio's webhooks: the form, its signature, and the fields the agent needs.

Twilio posts ``application/x-www-form-urlencoded`` forms signed with the account's auth
token over the URL it was configured with (``X-Twilio-Signature``). That URL is rebuilt
from ``settings.public_base_url`` rather than from the request, so the check holds behind
a proxy that rewrites the host or scheme. Each step refuses with its own status before
anything is stored: content type (415), form encoding (400), signature (403), fields (422).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

from agent.suppressions import normalise_address
from agent.turns import InboundMessage
from skills.parts import Channel

FORM_TYPE = "application/x-www-form-urlencoded"
WHATSAPP_PREFIX = "whatsapp:"
PHONE = re.compile(r"^\+?[0-9]{3,20}$")
TWILIO_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")

DELIVERY_STATES = {
    "accepted": "queued", "scheduled": "queued", "queued": "queued", "sending": "sending",
    "sent": "sent", "delivered": "delivered", "read": "read",
    "undelivered": "undelivered", "failed": "failed", "canceled": "failed",
}
"""Twilio's outbound ``MessageStatus`` values -> the outbox's delivery states."""

TWILIO_FIELD = {"text": "Body", "sender": "From", "conversation_id": "From",
                "client_message_id": "MessageSid"}
"""The engine's field names -> the webhook's, for error messages."""

Params = ImmutableMultiDict[str, str]


class WebhookRejected(Exception):
    """A webhook request refused before anything was stored; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class InboundText:
    """A shopper's text message as Twilio delivered it."""

    message_sid: str
    channel: Channel
    sender: str
    """The shopper's number in E.164 form, without the ``whatsapp:`` prefix."""
    text: str

    @property
    def conversation_id(self) -> str:
        """The conversation this number writes into on this channel."""
        return conversation_id_for(self.channel, self.sender)

    def for_engine(self) -> InboundMessage:
        """The message as the turn service takes it; 422 when the engine would refuse it."""
        try:
            return InboundMessage(conversation_id=self.conversation_id, channel=self.channel,
                                  text=self.text, sender=self.sender,
                                  client_message_id=self.message_sid)
        except ValidationError as error:
            problems = "; ".join(f"{TWILIO_FIELD.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                                 for e in error.errors())
            raise WebhookRejected(422, problems) from None


@dataclass(frozen=True)
class StatusReport:
    """A delivery status callback: which message, and how far it got."""

    message_sid: str
    status: str
    state: str | None
    """The outbox state it maps to; None for a status the outbox does not track."""
    error: str | None


def conversation_id_for(channel: Channel, address: str) -> str:
    """``sms:+4512345678`` / ``wa:+4512345678``: one conversation per number and channel."""
    prefix = "wa" if channel is Channel.WHATSAPP else "sms"
    return f"{prefix}:{normalise_address(address)}"


def form_params(content_type: str | None, body: bytes) -> Params:
    """The posted form's fields; 415 for another content type, 400 for a malformed body."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise WebhookRejected(415, f"expected content type {FORM_TYPE}, "
                                   f"got {media_type or 'none'}")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text),
                          encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise WebhookRejected(400, "form body is not valid UTF-8 (after percent-decoding)") \
            from None
    except ValueError as error:
        raise WebhookRejected(400, f"malformed form body: {error}") from None
    return ImmutableMultiDict(pairs)


def signed_url(public_base_url: str, path: str, query: str = "") -> str:
    """The URL Twilio signed: the public base URL, the path, and any query string."""
    url = public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


def check_signature(auth_token: str, url: str, params: Params, signature: str | None) -> None:
    """Refuse (403) a request whose ``X-Twilio-Signature`` does not sign ``url`` + ``params``."""
    if not signature:
        raise WebhookRejected(403, "missing X-Twilio-Signature header")
    if not RequestValidator(auth_token).validate(url, params, signature):
        raise WebhookRejected(403, "X-Twilio-Signature does not match this request "
                                   "(check the auth token and the public base URL)")


def single(params: Params, name: str, *, required: bool = True) -> str | None:
    """The one value of a field; 422 when it is missing (and required) or repeated."""
    values = params.getlist(name)
    if len(values) > 1:
        raise WebhookRejected(422, f"{name}: given more than once")
    if not values:
        if required:
            raise WebhookRejected(422, f"{name}: field required")
        return None
    return values[0]


def inbound_text(params: Params) -> InboundText:
    """The shopper's message in a messaging webhook; 422 when a field is missing or invalid."""
    sid, sender, text = (str(single(params, name)) for name in ("MessageSid", "From", "Body"))
    if not TWILIO_SID.match(sid):
        raise WebhookRejected(422, "MessageSid: not a Twilio message SID")
    channel = Channel.WHATSAPP if sender.lower().startswith(WHATSAPP_PREFIX) else Channel.SMS
    number = normalise_address(sender)
    if not PHONE.match(number):
        raise WebhookRejected(422, "From: not a phone number")
    if not text.strip():
        raise WebhookRejected(422, "Body: blank (messages with only media are not supported)")
    return InboundText(message_sid=sid, channel=channel, sender=number,
                       text=text.replace("\x00", ""))


def status_report(params: Params) -> StatusReport:
    """The delivery report in a status callback; 422 when a field is missing or invalid."""
    sid, status = (str(single(params, name)) for name in ("MessageSid", "MessageStatus"))
    if not TWILIO_SID.match(sid):
        raise WebhookRejected(422, "MessageSid: not a Twilio message SID")
    code = single(params, "ErrorCode", required=False)
    detail = single(params, "ErrorMessage", required=False)
    error = None
    if code:
        error = f"Twilio error {code}" + (f": {detail}" if detail else "")
    status = status.strip().lower()
    return StatusReport(message_sid=sid, status=status, state=DELIVERY_STATES.get(status),
                        error=error)
