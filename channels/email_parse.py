"""Inbound email, whatever carried it, as one ``InboundEmail``: who, which thread, what's new.

Pure. ``parse_mime`` reads a raw RFC 5322 message; ``from_headers_and_bodies`` builds the
same thing from the pieces an inbound-parse service posts (headers, plain and HTML
bodies). Charsets are honoured (quoted-printable, base64, any codec Python knows; bytes
that do not decode are replaced, never an error); HTML-only mail is turned into text;
attachments are named but never read; quoted history and signatures are cut
(``channels.email_text``); mail written by a machine is marked (``channels.email_auto``).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.errors import (
    HeaderParseError,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses

from channels.email_auto import automatic_reason
from channels.email_text import html_to_text, new_text_of_reply

_MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
_FATAL_DEFECTS = (NoBoundaryInMultipartDefect, StartBoundaryNotFoundDefect,
                  MultipartInvariantViolationDefect)
MAX_REFERENCES = 50


class MalformedEmail(ValueError):
    """The input is not an email this channel can read; the message says why."""


@dataclass(frozen=True)
class InboundEmail:
    """One inbound email, reduced to what threading, the record and the agent need."""

    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: str
    sender_name: str
    subject: str
    text: str
    attachments: tuple[str, ...]
    automatic: str | None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Earlier messages this one answers: In-Reply-To first, then References newest first."""
        ordered = [*self.in_reply_to, *reversed(self.references)]
        return tuple(dict.fromkeys(m for m in ordered if m != self.message_id))


def clean_text(value: object) -> str:
    """A str safe to store: undecodable bytes (surrogates) and NULs replaced."""
    text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")


def header_text(value: object) -> str:
    """A header value decoded (RFC 2047 encoded words, raw UTF-8) and on one line."""
    try:
        chunks = decode_header(value if isinstance(value, Header) else str(value))
    except (HeaderParseError, ValueError):
        chunks = [(str(value), None)]
    decoded = "".join(data if isinstance(data, str) else data.decode(_codec(charset), "replace")
                      for data, charset in chunks)
    return " ".join(clean_text(decoded).split())


def _codec(charset: str | None) -> str:
    """A codec Python has for a declared charset; UTF-8 for none, ASCII or an unknown one."""
    name = (charset or "utf-8").lower()
    if name in ("us-ascii", "ascii", "unknown-8bit"):
        return "utf-8"  # 8-bit text labelled ASCII (or not labelled) is almost always UTF-8
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ids in a Message-ID / In-Reply-To / References value, without angle brackets."""
    if not value:
        return ()
    found = _MESSAGE_ID.findall(value)
    if not found:  # some clients omit the brackets
        found = [token for token in value.split() if "@" in token and len(token) <= 250]
    return tuple(dict.fromkeys(clean_text(m) for m in found))[-MAX_REFERENCES:]


def decode_part(part: Message) -> str:
    """A text part's content in its declared charset; what does not decode is replaced."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return clean_text(payload.decode(_codec(part.get_content_charset()), errors="replace"))


def parse_mime(raw: bytes) -> InboundEmail:
    """Read a raw RFC 5322 message; raise MalformedEmail for what is not one."""
    message = message_from_bytes(raw)
    if not message.keys():
        raise MalformedEmail("not a MIME message: no header lines before the body")
    defects = [d for part in message.walk() for d in part.defects]
    fatal = next((d for d in defects if isinstance(d, _FATAL_DEFECTS)), None)
    if fatal is not None:
        raise MalformedEmail(f"malformed MIME: {type(fatal).__name__.removesuffix('Defect')}")
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    for leaf in _leaves(message):
        name = leaf.get_filename()
        disposition = (leaf.get_content_disposition() or "").lower()
        kind = leaf.get_content_type()
        if name or disposition == "attachment" or kind not in ("text/plain", "text/html"):
            attachments.append(header_text(name) if name else kind)
            continue
        (plain if kind == "text/plain" else html).append(decode_part(leaf))
    return from_headers_and_bodies(message, "\n".join(plain), "\n".join(html),
                                   attachments, raw_digest=hashlib.sha256(raw).hexdigest())


def _leaves(part: Message) -> Iterator[Message]:
    """The non-container parts; an attached message (message/rfc822) is one leaf."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _leaves(sub)


def from_headers_and_bodies(headers: Message, plain: str, html: str,
                            attachments: Sequence[str], *, raw_digest: str,
                            envelope_sender: str | None = None) -> InboundEmail:
    """Build an InboundEmail from parsed headers and the plain/HTML bodies.

    ``raw_digest`` names a message that has no Message-ID (so a re-delivery is still
    recognised); ``envelope_sender`` is the SMTP ``MAIL FROM`` when the service reports it.
    """
    addresses = [(header_text(n), a.strip()) for n, a in getaddresses(
        [header_text(v) for v in headers.get_all("From", [])]) if "@" in a]
    if not addresses:
        raise MalformedEmail("the message has no From address")
    sender_name, sender = addresses[0]
    sender = clean_text(sender)[:254]
    full_text = plain if plain.strip() else html_to_text(html)
    own_ids = message_ids(header_text(headers.get("Message-ID", "")))
    return InboundEmail(
        message_id=own_ids[0] if own_ids else f"sha256-{raw_digest[:40]}@no-message-id",
        in_reply_to=message_ids(header_text(headers.get("In-Reply-To", ""))),
        references=message_ids(header_text(headers.get("References", ""))),
        sender=sender,
        sender_name=sender_name[:254],
        subject=header_text(headers.get("Subject", ""))[:255],
        text=new_text_of_reply(full_text),
        attachments=tuple(attachments),
        automatic=automatic_reason(headers, sender, envelope_sender),
    )
