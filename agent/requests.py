"""Several requests in one message: split it into the parts a shopper asked one by one.

Pure text rules: a question mark followed by more text, "and also", "also", "plus",
"another thing", or a sentence break followed by a new request. The engine routes each
part; when they ask for different skills it handles the first and queues the rest.
"""

from __future__ import annotations

import re

SPLIT = re.compile(
    r"(?<=\?)\s+(?=\S)"
    r"|[.;!]\s+(?:and\s+)?(?:also|plus|another thing|one more thing|oh and|btw)\b[,:]?\s*"
    r"|,?\s+and\s+also\b[,:]?\s*"
    r"|,?\s+(?:also|plus)\s*,\s*"
    r"|(?<=[.!])\s+(?=[A-Z])",
    re.I)
MIN_PART_WORDS = 3


def split_requests(text: str) -> list[str]:
    """The separate requests in ``text`` (one element when it asks one thing)."""
    parts = [p.strip(" ,;") for p in SPLIT.split(text) if p and p.strip(" ,;")]
    merged: list[str] = []
    for part in parts:
        if merged and len(part.split()) < MIN_PART_WORDS:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [text]
