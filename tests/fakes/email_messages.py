"""Inbound email for tests: raw RFC 5322 messages and the forms Mailgun and SendGrid post."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from channels.email_auth import mailgun_signature

SECRET = "inbound-s3cret"
MAILGUN_KEY = "key-test-signing"
STORE_ADDRESS = "support@fjordandfell.example"


def new_message_id(domain: str = "mail.example.com") -> str:
    """A fresh Message-ID, without brackets."""
    return f"{uuid.uuid4().hex}@{domain}"


def mime(body: str = "How long do I have to return an item?", *,
         sender: str = "astrid.nielsen@example.com", subject: str = "Returns",
         message_id: str | None = None, in_reply_to: str | None = None,
         references: list[str] | None = None, html: str | None = None,
         headers: dict[str, str] | None = None) -> bytes:
    """A raw message from ``sender`` to the store (plain text, or text + HTML)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = STORE_ADDRESS
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 11, 20, 9, 58))
    message["Message-ID"] = f"<{message_id or new_message_id()}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        message["References"] = " ".join(f"<{m}>" for m in references)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


def basic_auth(secret: str = SECRET) -> dict[str, str]:
    """An Authorization header presenting the inbound secret."""
    token = base64.b64encode(f"inbound:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def raw_headers(secret: str = SECRET) -> dict[str, str]:
    """Headers of a raw MIME post with the secret."""
    return {"Content-Type": "message/rfc822", **basic_auth(secret)}


def mailgun_form(now: datetime, *, body: str = "How long do I have to return an item?",
                 sender: str = "astrid.nielsen@example.com", subject: str = "Returns",
                 message_id: str | None = None, in_reply_to: str | None = None,
                 token: str | None = None, key: str = MAILGUN_KEY,
                 extra_headers: list[list[str]] | None = None) -> dict[str, str]:
    """The fields of a signed Mailgun route post sent at ``now``."""
    message_id = message_id or new_message_id()
    timestamp = str(int(now.timestamp()))
    token = token or uuid.uuid4().hex
    headers = [["From", sender], ["To", STORE_ADDRESS], ["Subject", subject],
               ["Message-Id", f"<{message_id}>"], *(extra_headers or [])]
    if in_reply_to:
        headers.append(["In-Reply-To", f"<{in_reply_to}>"])
    return {"recipient": STORE_ADDRESS, "sender": sender, "from": sender, "subject": subject,
            "body-plain": body, "stripped-text": body, "Message-Id": f"<{message_id}>",
            "message-headers": json.dumps(headers), "timestamp": timestamp, "token": token,
            "signature": mailgun_signature(key, timestamp, token)}


def sendgrid_form(*, body: str = "How long do I have to return an item?",
                  sender: str = "astrid.nielsen@example.com", subject: str = "Returns",
                  message_id: str | None = None) -> dict[str, str]:
    """The fields SendGrid Inbound Parse posts with "send raw" off."""
    headers = (f"From: {sender}\r\nTo: {STORE_ADDRESS}\r\nSubject: {subject}\r\n"
               f"Message-ID: <{message_id or new_message_id()}>\r\n")
    return {"headers": headers, "from": sender, "to": STORE_ADDRESS, "subject": subject,
            "text": body, "envelope": json.dumps({"to": [STORE_ADDRESS], "from": sender}),
            "charsets": json.dumps({"text": "utf-8", "subject": "utf-8", "from": "utf-8"})}
