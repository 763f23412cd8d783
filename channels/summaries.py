"""What every renderer shares: safe URLs, one-line summaries of cards, fixed labels."""

from __future__ import annotations

from urllib.parse import urlsplit

from skills.parts import HandoffNoticePart, OrderCardPart, ProductCardPart

WHATSAPP_MAX_BUTTONS = 3
WHATSAPP_BUTTON_LABEL_MAX = 20
CODE_INSTRUCTION = "Reply with the 6-digit code."
CARD_LINK_LABEL = "View your order"
PRODUCT_LINK_LABEL = "View product"
SOLD_OUT = "sold out"
DEFAULT_EMAIL_SUBJECT = "Re: your message"

BUTTON_STYLE = (
    "display:inline-block;padding:10px 18px;background:#1f2937;color:#ffffff;"
    "text-decoration:none;border-radius:6px;font-weight:600"
)
TABLE_STYLE = "border-collapse:collapse;width:100%"
CELL_STYLE = "border:1px solid #d1d5db;padding:6px 8px;text-align:left"
BODY_STYLE = "font-family:Arial,Helvetica,sans-serif;color:#111827;line-height:1.5"


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` is an absolute http(s) URL, safe to make clickable."""
    if not url or any(char.isspace() or ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return False
    parsed = urlsplit(url)
    return parsed.scheme.lower() in {"http", "https"} and bool(parsed.netloc)


CARD_PURPOSE_VERBS = {"edit": "still be changed", "cancel": "still be cancelled",
                      "return": "be returned"}


def order_summary(card: OrderCardPart) -> str:
    """One line for a card: ``Order #1042: 2 of 3 items can still be changed.``"""
    total = len(card.items)
    if total == 0:
        return f"Order {order_ref(card)}: {card.status_label}."
    if card.purpose == "status":
        return f"Order {order_ref(card)}: {card.status_label}."
    allowed = sum(item.allowed for item in card.items)
    noun = "item" if total == 1 else "items"
    verb = CARD_PURPOSE_VERBS[card.purpose]
    return f"Order {order_ref(card)}: {allowed} of {total} {noun} can {verb}."


def product_line(card: ProductCardPart, dash: str = "–") -> str:
    """``Skagen 3L Shell Jacket – €349.00: https://...`` (``(sold out)`` after the price)."""
    stock = "" if card.in_stock else f" ({SOLD_OUT})"
    link = f": {card.url}" if card.url else ""
    return f"{card.title} {dash} {card.price}{stock}{link}"


def card_url(card: OrderCardPart) -> str | None:
    """The card's deep link, else the URL of its first action."""
    return card.link_url or next((action.url for action in card.actions), None)


def order_ref(card: OrderCardPart) -> str:
    return "#" + card.order_number.lstrip("#")


def handoff_text(part: HandoffNoticePart) -> str:
    """A handoff notice as plain text, with when to expect a reply."""
    if not part.expected_reply:
        return part.text
    return f"{part.text}\nExpected reply: {part.expected_reply}"
