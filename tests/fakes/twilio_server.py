"""A loopback Twilio, so tests exercise the real ``twilio`` REST client and signed webhooks.

The server speaks the Messages API: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``
(point the client's ``api.base_url`` at :attr:`FakeTwilioServer.base_url`). It checks HTTP
basic auth (account SID and auth token), validates the form as Twilio does (``To``; ``From``
or ``MessagingServiceSid``; ``Body`` or ``ContentSid``), records each accepted message and
answers with a message resource shaped like Twilio's (``sid`` ``SM…``, ``status`` queued).
Errors come in Twilio's JSON (``code``, ``message``, ``more_info``, ``status``). Scripted
answers (429, 5xx, 400 with a Twilio error code) are served first, in order, and every
request is recorded in :attr:`FakeTwilioServer.attempts`, accepted or not.

Twilio's other half, the webhooks it posts, is here too: :func:`signed_post` signs a form
with ``RequestValidator.compute_signature`` the way Twilio does, and
:meth:`FakeTwilioServer.report` posts signed status callbacks to a message's
``StatusCallback``.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

from tests.fakes.loopback import LoopbackHTTPServer

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def new_sid(prefix: str = "SM") -> str:
    """A fresh Twilio-style SID: two letters and 32 hex digits."""
    return prefix + uuid.uuid4().hex


@dataclass(frozen=True)
class Scripted:
    """An answer served before any validation: a status and a JSON body."""

    status: int
    body: dict[str, Any]


def twilio_error(status: int, code: int, message: str) -> Scripted:
    """Twilio's error answer: ``{"code", "message", "more_info", "status"}``."""
    return Scripted(status, {"code": code, "message": message, "status": status,
                             "more_info": f"https://www.twilio.com/docs/errors/{code}"})


TOO_MANY_REQUESTS = twilio_error(429, 20429, "Too Many Requests")
SERVER_ERROR = twilio_error(500, 20500, "An internal server error has occurred")
INVALID_NUMBER = twilio_error(400, 21211, "The 'To' number is not a valid phone number.")
UNSUBSCRIBED = twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")


@dataclass(frozen=True)
class RecordedMessage:
    """One request to the Messages API as the server saw it."""

    status: int
    form: dict[str, str]
    sid: str | None = None

    @property
    def to(self) -> str | None:
        """The ``To`` field."""
        return self.form.get("To")

    @property
    def from_(self) -> str | None:
        """The ``From`` field."""
        return self.form.get("From")

    @property
    def body(self) -> str | None:
        """The ``Body`` field."""
        return self.form.get("Body")

    @property
    def content_sid(self) -> str | None:
        """The template's ``ContentSid``."""
        return self.form.get("ContentSid")

    @property
    def content_variables(self) -> dict[str, str]:
        """The template's ``ContentVariables``, decoded."""
        return dict(json.loads(self.form.get("ContentVariables") or "{}"))

    @property
    def status_callback(self) -> str | None:
        """The ``StatusCallback`` URL."""
        return self.form.get("StatusCallback")


def webhook_signature(url: str, params: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for a form posted to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


def signed_post(url: str, params: dict[str, str],
                auth_token: str = AUTH_TOKEN) -> tuple[bytes, dict[str, str]]:
    """A webhook as Twilio posts it: the form body and headers, signature included."""
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": webhook_signature(url, params, auth_token)}
    return urlencode(params).encode(), headers


def inbound_form(sender: str, text: str, *, to: str = "+4570000000",
                 sid: str | None = None) -> dict[str, str]:
    """The form of an inbound message webhook (``whatsapp:`` senders are WhatsApp)."""
    prefix = "whatsapp:" if sender.startswith("whatsapp:") else ""
    return {"ToCountry": "DK", "SmsMessageSid": sid or "", "NumMedia": "0",
            "SmsSid": sid or "", "SmsStatus": "received", "Body": text,
            "To": prefix + to, "NumSegments": "1", "MessageSid": sid or new_sid(),
            "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01"}


def status_form(sid: str, status: str, error_code: str | None = None) -> dict[str, str]:
    """The form of a status callback."""
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01"}
    if error_code:
        form["ErrorCode"] = error_code
    return form


class FakeTwilioServer(LoopbackHTTPServer):
    """The loopback Messages API; use as a context manager."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._script: deque[Scripted] = deque()
        self._attempts: list[RecordedMessage] = []
        self._lock = threading.Lock()
        super().__init__(_handler(self))

    @property
    def base_url(self) -> str:
        """What ``twilio_api_base_url`` points at."""
        return self.origin

    def script(self, *answers: Scripted) -> None:
        """Queue answers served before validation, one per request."""
        with self._lock:
            self._script.extend(answers)

    @property
    def attempts(self) -> list[RecordedMessage]:
        """Every request so far, accepted or not, in arrival order."""
        with self._lock:
            return list(self._attempts)

    @property
    def messages(self) -> list[RecordedMessage]:
        """The messages accepted (answered 201), in arrival order."""
        return [m for m in self.attempts if m.status == 201]

    @property
    def unused_script(self) -> list[Scripted]:
        """Scripted answers nobody asked for (a test should leave none)."""
        with self._lock:
            return list(self._script)

    def report(self, sid: str, *statuses: str, error_code: str | None = None) -> list[int]:
        """Post signed status callbacks for an accepted message; returns the HTTP statuses."""
        message = next(m for m in self.messages if m.sid == sid)
        url = message.status_callback
        assert url, "the message asked for no status callback"
        answers = []
        for status in statuses:
            body, headers = signed_post(url, status_form(sid, status, error_code),
                                        self.auth_token)
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append(response.status)
        return answers

    def handle(self, path: str, authorization: str | None,
               body: bytes) -> tuple[int, dict[str, Any]]:
        """Record a request and produce ``(status, JSON body)``."""
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        status, answer = self._answer(path, authorization, form)
        with self._lock:
            self._attempts.append(RecordedMessage(status, form, answer.get("sid")))
        return status, answer

    def _answer(self, path: str, authorization: str | None,
                form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        if scripted is not None:
            return scripted.status, scripted.body
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return _error(twilio_error(404, 20404, "The requested resource was not found"))
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != f"Basic {expected}":
            return _error(twilio_error(401, 20003, "Authenticate"))
        if not form.get("To"):
            return _error(twilio_error(400, 21604, "A 'To' phone number is required."))
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(twilio_error(400, 21603, "A 'From' phone number is required."))
        if not (form.get("Body") or form.get("ContentSid")):
            return _error(twilio_error(400, 21602, "Message body is required."))
        if len(form.get("Body", "")) > 1600:
            return _error(twilio_error(400, 21617, "The concatenated message body exceeds "
                                                    "the 1600 character limit."))
        return 201, self._resource(form)

    def _resource(self, form: dict[str, str]) -> dict[str, Any]:
        sid = new_sid()
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return {"sid": sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
                "to": form["To"], "from": form.get("From"), "body": form.get("Body", ""),
                "status": "queued", "direction": "outbound-api", "num_segments": "1",
                "num_media": "0", "messaging_service_sid": form.get("MessagingServiceSid"),
                "date_created": now, "date_updated": now, "date_sent": None,
                "error_code": None, "error_message": None, "price": None, "price_unit": "USD",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
                "subresource_uris": {}}


def _error(scripted: Scripted) -> tuple[int, dict[str, Any]]:
    return scripted.status, scripted.body


def _handler(server: FakeTwilioServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, body = server.handle(self.path, self.headers.get("Authorization"),
                                         self.rfile.read(length))
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the test output stays about the test."""

    return Handler
