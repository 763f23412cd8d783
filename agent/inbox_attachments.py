"""Images a teammate attaches to a reply: checked, stored, and linked from the message.

Only PNG, JPEG, GIF and WebP are taken, recognised by their first bytes (the declared type
and file name are not trusted), up to ``settings.attachment_max_bytes``. The bytes are kept
under ``data_dir/attachments`` named by an unguessable token; the outgoing message carries
an absolute link under ``public_base_url``. Customers cannot send images: inbound channels
take text only and drop attachments.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from pathlib import Path

from agent.inbox_records import Attachment, InboxError, InboxRecords

IMAGE_SIGNATURES: tuple[tuple[str, bytes, bytes], ...] = (
    ("image/png", b"\x89PNG\r\n\x1a\n", b""),
    ("image/jpeg", b"\xff\xd8\xff", b""),
    ("image/gif", b"GIF87a", b""),
    ("image/gif", b"GIF89a", b""),
    ("image/webp", b"RIFF", b"WEBP"),
)
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp"}
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def sniff_image_type(data: bytes) -> str | None:
    """The image type the bytes really are (PNG, JPEG, GIF, WebP), or None."""
    for content_type, magic, webp_marker in IMAGE_SIGNATURES:
        if data.startswith(magic) and (not webp_marker or data[8:12] == webp_marker):
            return content_type
    return None


def safe_filename(name: str) -> str:
    """A file name fit to show: no path, only plain characters, at most 100 of them."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("_", base).strip()[:100] or "image"


def attachment_path(data_dir: Path, attachment: Attachment) -> Path:
    """Where the attachment's bytes are kept."""
    return data_dir / "attachments" / f"{attachment.token}{EXTENSIONS[attachment.content_type]}"


def public_url(public_base_url: str, attachment: Attachment) -> str:
    """The absolute link a customer opens to see the image."""
    extension = EXTENSIONS[attachment.content_type]
    return f"{public_base_url.rstrip('/')}/attachments/{attachment.token}{extension}"


def store_image(records: InboxRecords, data_dir: Path, conversation_id: str, filename: str,
                data: bytes, max_bytes: int, uploaded_by: str, now: datetime) -> Attachment:
    """Check and keep an uploaded image; InboxError says why one is refused."""
    if not data:
        raise InboxError("the attached file is empty")
    if len(data) > max_bytes:
        raise InboxError(f"images are limited to {max_bytes // 1024} KiB")
    content_type = sniff_image_type(data)
    if content_type is None:
        raise InboxError("only PNG, JPEG, GIF or WebP images can be attached")
    attachment = Attachment(token=secrets.token_urlsafe(18), conversation_id=conversation_id,
                            filename=safe_filename(filename), content_type=content_type,
                            size=len(data), uploaded_by=uploaded_by, created_at=now)
    path = attachment_path(data_dir, attachment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    records.add_attachment(attachment)
    return attachment


def read_attachment(records: InboxRecords, data_dir: Path, token: str,
                    sent_only: bool) -> tuple[Attachment, bytes] | None:
    """An attachment and its bytes; with ``sent_only`` only one that went out in a reply."""
    stem = token.rsplit(".", 1)[0]
    if not TOKEN.match(stem):
        return None
    attachment = records.attachment(stem)
    if attachment is None or (sent_only and attachment.sent_at is None):
        return None
    path = attachment_path(data_dir, attachment)
    if not path.is_file():
        return None
    return attachment, path.read_bytes()
