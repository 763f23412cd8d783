"""SMS arithmetic: encoding, segment counts and fitting a body under the carrier cap.

A body that fits the GSM 03.38 alphabet is sent as GSM-7: 160 septets in one message,
153 per part once it is split (each part carries a 7-septet header). Characters of the
extension table (``€ [ ] { } ^ ~ | \\`` and form feed) take two septets, an escape plus
the character, and the pair is never split across parts. Anything else forces UCS-2:
70 UTF-16 code units in one message, 67 per part, so an emoji (a surrogate pair) counts
two and is never split either.

Twilio rejects bodies over 1,600 characters; :func:`fit_sms_body` shortens prose
paragraphs from the end to fit and never drops a paragraph that carries a URL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import IntEnum
from typing import NamedTuple

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PER_PART = 160, 153
UCS2_SINGLE, UCS2_PER_PART = 70, 67

SMS_BODY_LIMIT = 1600
ELLIPSIS = "..."  # three dots: "…" is not in the GSM alphabet and would force UCS-2
SHORTEST_KEPT_PROSE = 20

_URL = re.compile(r"https?://", re.IGNORECASE)


def sms_encoding(text: str) -> str:
    """``"GSM-7"`` when every character is in the GSM basic or extension table, else ``"UCS-2"``."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        return GSM7
    return UCS2


def sms_segments(text: str) -> int:
    """How many SMS parts ``text`` is billed as (0 for an empty body)."""
    if sms_encoding(text) == GSM7:
        units = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return _count_parts(units, GSM7_SINGLE, GSM7_PER_PART)
    units = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return _count_parts(units, UCS2_SINGLE, UCS2_PER_PART)


def _count_parts(units: Sequence[int], single: int, per_part: int) -> int:
    """Pack characters (each ``units`` wide, never split) into parts of ``per_part`` units."""
    total = sum(units)
    if total == 0:
        return 0
    if total <= single:
        return 1
    parts, used = 1, 0
    for width in units:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts


class Priority(IntEnum):
    """Which paragraphs give way first when a body is over the cap."""

    PROSE = 0  # free text: shortened or dropped first, from the end
    NOTICE = 1  # prompts, options, notices: only if dropping prose was not enough


class Paragraph(NamedTuple):
    """One paragraph of a plain-text body and how readily it gives way to the cap."""

    text: str
    priority: Priority


def join_paragraphs(paragraphs: Sequence[Paragraph | None]) -> str:
    """The body: paragraphs separated by a blank line, dropped ones (``None``) skipped."""
    return "\n\n".join(p.text for p in paragraphs if p is not None and p.text)


def fit_sms_body(paragraphs: Sequence[Paragraph], limit: int = SMS_BODY_LIMIT) -> str:
    """Join ``paragraphs`` into a body of at most ``limit`` characters.

    Prose paragraphs are shortened (at a word, with ``...``) or dropped from the end, then
    notices. A paragraph containing a URL is never touched, so the body can only stay over
    ``limit`` when the URL-bearing paragraphs alone exceed it.
    """
    kept: list[Paragraph | None] = list(paragraphs)
    for priority in Priority:
        for index in reversed(range(len(kept))):
            over = len(join_paragraphs(kept)) - limit
            if over <= 0:
                return join_paragraphs(kept)
            paragraph = kept[index]
            if paragraph is None or paragraph.priority != priority or _URL.search(paragraph.text):
                continue
            kept[index] = _shorten(paragraph, len(paragraph.text) - over)
    return join_paragraphs(kept)


def _shorten(paragraph: Paragraph, room: int) -> Paragraph | None:
    """``paragraph`` cut at a word to fit ``room`` characters; ``None`` when too little is left."""
    room -= len(ELLIPSIS)
    if room < SHORTEST_KEPT_PROSE:
        return None
    head = paragraph.text[:room]
    space = head.rfind(" ")
    if space >= SHORTEST_KEPT_PROSE:
        head = head[:space]
    return Paragraph(head.rstrip() + ELLIPSIS, paragraph.priority)
