"""The form posts of inbound-parse services, read into an ``InboundEmail``.

* Mailgun routes (``forward()``): ``from``, ``subject``, ``body-plain``, ``body-html``,
  ``message-headers`` (JSON ``[[name, value], ...]``), ``sender`` (the envelope sender),
  ``Message-Id`` / ``In-Reply-To`` / ``References``, ``attachment-N`` files, and
  ``timestamp`` / ``token`` / ``signature`` (checked in ``channels.email_auth``). A route
  whose URL ends in ``mime`` posts ``body-mime``, the raw message, read as such.
* SendGrid Inbound Parse: ``email`` (the raw message, when "POST the raw, full MIME
  message" is on) or ``headers`` / ``from`` / ``subject`` / ``text`` / ``html``,
  ``envelope`` (JSON), ``charsets`` (JSON: the charset of each field), attachments.

Field values are kept as bytes and decoded here: UTF-8 unless the service declares
another charset; a field that is not valid in its charset is refused (``BadForm``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field, File, create_form_parser

from channels.email_parse import InboundEmail, from_headers_and_bodies, parse_mime

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MAILGUN_MARKERS = ("signature", "token", "timestamp", "body-plain", "body-mime",
                   "message-headers")
SENDGRID_MARKERS = ("email", "headers", "envelope", "charsets")
MAX_FORM_BYTES = 16 * 1024 * 1024


class BadForm(ValueError):
    """A form post this channel cannot read; the message says why."""


@dataclass
class FormPost:
    """A parsed form: each field's first value as bytes, and the names of uploaded files."""

    fields: dict[str, bytes] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def text(self, name: str, charset: str = "utf-8") -> str:
        """A field as text in ``charset`` ("" when absent); BadForm when it does not decode."""
        raw = self.fields.get(name, b"")
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            if charset.replace("-", "").lower() == "utf8":
                raise BadForm(f"form field {name!r} is not valid UTF-8") from None
            return raw.decode(charset, errors="replace")
        except LookupError:
            return raw.decode("utf-8", errors="replace")

    def json(self, name: str) -> Any:
        """A field holding JSON (None when absent); BadForm when it is not JSON."""
        if name not in self.fields:
            return None
        try:
            return json.loads(self.text(name))
        except ValueError:
            raise BadForm(f"form field {name!r} is not valid JSON") from None


def parse_form(body: bytes, content_type: str) -> FormPost:
    """Read a multipart or urlencoded form body; BadForm when it is malformed."""
    form = FormPost()
    urlencoded = content_type.split(";")[0].strip().lower() == FORM_TYPES[1]

    def on_field(item: Field) -> None:
        name, value = item.field_name or b"", item.value or b""
        if urlencoded:  # the parser leaves percent-escapes and "+" as they came
            name, value = _unquote(name), _unquote(value)
        form.fields.setdefault(name.decode("utf-8", errors="replace"), value)

    def on_file(item: File) -> None:
        form.files.append((item.file_name or b"").decode("utf-8", errors="replace"))
        item.close()

    try:
        parser = create_form_parser({"Content-Type": content_type.encode("latin-1")},
                                    on_field, on_file,
                                    config={"MAX_MEMORY_FILE_SIZE": MAX_FORM_BYTES,
                                            "MAX_BODY_SIZE": MAX_FORM_BYTES})
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError, UnicodeEncodeError) as error:
        raise BadForm(f"malformed form body: {error}") from None
    return form


def _unquote(data: bytes) -> bytes:
    return unquote_to_bytes(data.replace(b"+", b" "))


def detect_service(form: FormPost) -> str:
    """``mailgun`` or ``sendgrid``, from the fields each service posts."""
    if any(name in form.fields for name in MAILGUN_MARKERS):
        return "mailgun"
    if any(name in form.fields for name in SENDGRID_MARKERS):
        return "sendgrid"
    raise BadForm("unrecognised inbound form: expected Mailgun fields (signature, token, "
                  "timestamp, body-plain) or SendGrid fields (email or headers, text)")


def _digest(form: FormPost) -> str:
    hashed = hashlib.sha256()
    for name in sorted(form.fields):
        hashed.update(name.encode() + b"\0" + form.fields[name] + b"\0")
    return hashed.hexdigest()


def from_mailgun(form: FormPost) -> InboundEmail:
    """The email a Mailgun route posted."""
    if form.fields.get("body-mime"):
        return parse_mime(form.fields["body-mime"])
    headers = Message()
    pairs = form.json("message-headers") or []
    if not isinstance(pairs, list):
        raise BadForm("form field 'message-headers' is not a list of [name, value] pairs")
    for pair in pairs:
        if isinstance(pair, list) and len(pair) == 2:
            headers[str(pair[0])] = str(pair[1])
    for header, name in (("From", "from"), ("Subject", "subject"), ("Message-Id", "Message-Id"),
                         ("In-Reply-To", "In-Reply-To"), ("References", "References")):
        if header not in headers and form.fields.get(name):
            headers[header] = form.text(name)
    envelope_sender = form.text("sender") if "sender" in form.fields else None
    return from_headers_and_bodies(headers, form.text("body-plain"), form.text("body-html"),
                                   form.files, raw_digest=_digest(form),
                                   envelope_sender=envelope_sender)


def from_sendgrid(form: FormPost) -> InboundEmail:
    """The email SendGrid Inbound Parse posted (raw or parsed)."""
    if form.fields.get("email"):
        return parse_mime(form.fields["email"])
    charsets = form.json("charsets") or {}
    if not isinstance(charsets, dict):
        raise BadForm("form field 'charsets' is not a JSON object")

    def text(name: str) -> str:
        return form.text(name, str(charsets.get(name) or "utf-8"))

    headers = message_from_bytes(text("headers").encode("utf-8") + b"\n\n")
    if "From" not in headers and form.fields.get("from"):
        headers["From"] = text("from")
    if "Subject" not in headers and form.fields.get("subject"):
        headers["Subject"] = text("subject")
    envelope = form.json("envelope")
    envelope_sender = None
    if isinstance(envelope, dict) and "from" in envelope:
        envelope_sender = str(envelope.get("from") or "")
    info = form.json("attachment-info")
    names = [str(v.get("filename") or v.get("name") or "attachment")
             for v in info.values() if isinstance(v, dict)] if isinstance(info, dict) else []
    return from_headers_and_bodies(headers, text("text"), text("html"), names or form.files,
                                   raw_digest=_digest(form), envelope_sender=envelope_sender)
