"""Show a rendered payload to a person in a terminal (the CLI and debugging).

:func:`to_terminal` reads the payloads :func:`channels.render.render` produces: webchat
messages become readable blocks (cards as indented tables), SMS and WhatsApp show their
body with the channel's extras, email shows its subject and plain-text version. Control
characters (ANSI escapes, bidi overrides) from any text are shown escaped, never sent
to the terminal raw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from channels.summaries import CARD_LINK_LABEL, PRODUCT_LINK_LABEL, SOLD_OUT

INDENT = "    "
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class UnknownPayloadError(ValueError):
    """The payload (or one of its webchat messages) is of a kind this module cannot show."""


def to_terminal(payload: Mapping[str, Any]) -> str:
    """The payload as text for a terminal."""
    channel = payload.get("channel")
    if channel == "webchat":
        return "\n\n".join(_webchat_message(message) for message in payload["messages"])
    if channel == "sms":
        return (
            f"{_clean(payload['body'])}\n"
            f"[segments: {payload['segments']}, {_clean(payload['encoding'])}]"
        )
    if channel == "whatsapp":
        body = _clean(payload["body"])
        if not payload["buttons"]:
            return body
        return f"{body}\n[buttons: {' | '.join(_clean(b) for b in payload['buttons'])}]"
    if channel == "email":
        return f"Subject: {_clean(payload['subject'])}\n\n{_clean(payload['text'])}"
    raise UnknownPayloadError(f"no terminal view for channel {channel!r}")


def _webchat_message(message: Mapping[str, Any]) -> str:
    kind = message.get("kind")
    if kind == "text":
        return _clean(message["text"])
    if kind == "card":
        return _card(message)
    if kind == "button":
        return _button(message["label"], message["url"])
    if kind == "product":
        return _product(message)
    if kind == "login":
        lines = [_clean(message["text"])]
        if message["login_url"]:
            lines.append(_button("Sign in", message["login_url"]))
        if message["code_sent_to"]:
            lines.append(f"Code sent to {_clean(message['code_sent_to'])}")
        if message["accepts_code"]:
            lines.append("Type the 6-digit code here.")
        return "\n".join(lines)
    if kind == "chips":
        return "  ".join(f"( {_clean(option['label'])} )" for option in message["options"])
    if kind == "source":
        return f"source: {_clean(message['article'])} › {_clean(message['heading'])}"
    if kind == "banner":
        lines = [f"| {_clean(message['text'])}"]
        if message["expected_reply"]:
            lines.append(f"| Expected reply: {_clean(message['expected_reply'])}")
        return "\n".join(lines)
    raise UnknownPayloadError(f"no terminal view for webchat message kind {kind!r}")


def _card(card: Mapping[str, Any]) -> str:
    heading = (
        f"Order #{_clean(card['order_number']).lstrip('#')} · placed {_clean(card['placed_at'])}"
        f" · {_clean(card['status_label'])}"
    )
    rows = [("Item", "Variant", "Qty", "Status", "OK", "Reason")]
    rows += [
        (
            _clean(item["title"]),
            _clean(item["variant"]),
            str(item["quantity"]),
            _clean(item["status_label"]),
            "yes" if item["allowed"] else "no",
            _clean(item["reason"]),
        )
        for item in card["items"]
    ]
    lines = [heading, *(INDENT + line for line in _table(rows))]
    buttons = [(b["label"], b["url"]) for b in card["buttons"]]
    if card.get("link_url") and all(url != card["link_url"] for _, url in buttons):
        buttons.append((CARD_LINK_LABEL, card["link_url"]))
    lines += [INDENT + _button(label, url) for label, url in buttons]
    return "\n".join(lines)


def _product(card: Mapping[str, Any]) -> str:
    stock = f"in stock: {_clean(card['variants'])}" if card["in_stock"] else SOLD_OUT
    lines = [f"{_clean(card['title'])} – {_clean(card['price'])} · {stock}"]
    if card["url"]:
        lines.append(INDENT + _button(PRODUCT_LINK_LABEL, card["url"]))
    return "\n".join(lines)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as left-aligned columns two spaces apart."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _button(label: str, url: str) -> str:
    return f"[{_clean(label)}] -> {_clean(url)}"


def _clean(text: str) -> str:
    """``text`` with control characters other than newline and tab shown escaped."""
    return "".join(
        char
        if char in "\n\t" or not (_is_control(char) or char in _BIDI_CONTROLS)
        else ascii(char)[1:-1]
        for char in text
    )


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F
