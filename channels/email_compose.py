"""The MIME message of an outgoing email: headers and text + HTML alternatives.

Pure. The bodies come from the email payload (``channels.email_render``); a message
recorded without one (a teammate's reply, a one-time code) is rendered from its text the
same way, so every email has a plain and an HTML part. Automatic messages carry
``Auto-Submitted: auto-replied`` (RFC 3834) so well-behaved autoresponders stay quiet;
a teammate's reply is a person's and does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from channels.email_render import render_email
from channels.email_threading import ReplyThread
from channels.summaries import DEFAULT_EMAIL_SUBJECT
from skills.parts import TextPart


@dataclass(frozen=True)
class Envelope:
    """Who an email is from and to, and its identity in the thread."""

    from_address: str
    from_name: str
    recipient: str
    message_id: str
    date: datetime
    automatic: bool


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compose_email(envelope: Envelope, subject: str, body: str, payload: dict[str, Any],
                  thread: ReplyThread | None) -> EmailMessage:
    """The message to send; the thread's ``Re:`` subject wins so clients keep it together."""
    if not (payload.get("text") and payload.get("html")):
        payload = render_email([TextPart(text=body or " ")], subject or None)
    chosen = (thread.subject if thread and thread.subject else
              subject or str(payload.get("subject") or "") or DEFAULT_EMAIL_SUBJECT)
    message = EmailMessage()
    message["From"] = formataddr((_one_line(envelope.from_name), envelope.from_address))
    message["To"] = envelope.recipient
    message["Subject"] = _one_line(chosen)
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = f"<{envelope.message_id}>"
    if thread is not None and thread.in_reply_to:
        message["In-Reply-To"] = f"<{thread.in_reply_to}>"
        message["References"] = " ".join(f"<{m}>" for m in thread.references)
    if envelope.automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(str(payload["text"]))
    message.add_alternative(str(payload["html"]), subtype="html")
    return message
