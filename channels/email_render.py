"""The email payload: a plain-text and an HTML version of the same reply.

Every string is escaped on its way into HTML; only http(s) URLs become links.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from channels.summaries import (
    BODY_STYLE,
    BUTTON_STYLE,
    CARD_LINK_LABEL,
    CELL_STYLE,
    CODE_INSTRUCTION,
    DEFAULT_EMAIL_SUBJECT,
    PRODUCT_LINK_LABEL,
    SOLD_OUT,
    TABLE_STYLE,
    handoff_text,
    is_web_url,
    order_ref,
    order_summary,
    product_line,
)
from skills.parts import (
    Action,
    CitationPart,
    HandoffNoticePart,
    LinkPart,
    LoginPromptPart,
    OrderCardPart,
    Part,
    ProductCardPart,
    QuickRepliesPart,
    TextPart,
)


def render_email(parts: Sequence[Part], subject: str | None) -> dict[str, Any]:
    card = next((p for p in parts if isinstance(p, OrderCardPart)), None)
    if subject is None:
        subject = f"Your order {order_ref(card)}" if card else DEFAULT_EMAIL_SUBJECT
    subject = " ".join(subject.split())  # one line: no header folding or injection
    texts: list[str] = []
    htmls: list[str] = []
    sources: list[str] = []
    after_prose = False
    for part in parts:
        if isinstance(part, CitationPart):
            source = f"{part.article} — {part.heading}"
            if source not in sources:
                sources.append(source)
            if after_prose:  # mark the paragraph the source grounds
                marker = f"[{sources.index(source) + 1}]"
                texts[-1] += f" {marker}"
                htmls[-1] = htmls[-1].removesuffix("</p>") + f"<sup>{marker}</sup></p>"
            continue
        text, html = _email_block(part)
        texts.append(text)
        htmls.append(html)
        after_prose = isinstance(part, TextPart)
    if sources:
        footnotes = [f"[{n}] {source}" for n, source in enumerate(sources, 1)]
        texts.append("\n".join(footnotes))
        htmls.append(
            '<hr><div style="font-size:12px;color:#6b7280">'
            + "".join(_html_paragraph(note) for note in footnotes)
            + "</div>"
        )
    document = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{_h(subject)}</title></head>"
        f'<body style="{BODY_STYLE}">' + "\n".join(htmls) + "</body></html>"
    )
    return {"channel": "email", "subject": subject, "text": "\n\n".join(texts), "html": document}


def _email_block(
    part: TextPart
    | OrderCardPart
    | LinkPart
    | ProductCardPart
    | LoginPromptPart
    | QuickRepliesPart
    | HandoffNoticePart,
) -> tuple[str, str]:
    """One part's plain-text paragraph and its HTML fragment."""
    match part:
        case TextPart():
            return part.text, _html_paragraph(part.text)
        case OrderCardPart():
            return _email_card(part)
        case LinkPart():
            return f"{part.label}: {part.url}", _html_button(part.label, part.url)
        case ProductCardPart():
            return _email_product(part)
        case LoginPromptPart():
            lines = [part.text, *([CODE_INSTRUCTION] if part.accepts_code else [])]
            html = "".join(_html_paragraph(line) for line in lines)
            if part.login_url:
                lines.append(f"Sign in: {part.login_url}")
                html += _html_button("Sign in", part.login_url)
            return "\n".join(lines), html
        case QuickRepliesPart():
            return (
                "\n".join(f"- {o.label}" for o in part.options),
                "<ul>" + "".join(f"<li>{_h(o.label)}</li>" for o in part.options) + "</ul>",
            )
        case HandoffNoticePart():
            text = handoff_text(part)
            return text, _html_paragraph(text)


def _email_card(card: OrderCardPart) -> tuple[str, str]:
    links: list[Action] = list(card.actions)
    if card.link_url and all(action.url != card.link_url for action in links):
        links.append(Action(label=CARD_LINK_LABEL, url=card.link_url))
    lines = [order_summary(card), f"Placed {card.placed_at} · {card.status_label}"]
    for item in card.items:
        reason = f" — {item.reason}" if item.reason else ""
        lines.append(
            f"- {item.title} ({item.variant}) × {item.quantity}: {item.status_label}{reason}"
        )
    lines += [f"{action.label}: {action.url}" for action in links]
    header = "".join(
        f'<th style="{CELL_STYLE}">{name}</th>'
        for name in ("Item", "Variant", "Qty", "Status", "Note")
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td style="{CELL_STYLE}">{_h(str(value))}</td>'
            for value in (i.title, i.variant, i.quantity, i.status_label, i.reason)
        )
        + "</tr>"
        for i in card.items
    )
    html = (
        f"<p><strong>Order {_h(order_ref(card))}</strong> · placed {_h(card.placed_at)}"
        f" · {_h(card.status_label)}</p>"
        f'<table style="{TABLE_STYLE}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        + "".join(_html_button(action.label, action.url) for action in links)
    )
    return "\n".join(lines), html


def _email_product(card: ProductCardPart) -> tuple[str, str]:
    stock = f"In stock: {card.variants}" if card.in_stock else SOLD_OUT.capitalize()
    html = (
        f"<p><strong>{_h(card.title)}</strong> – {_h(card.price)}<br>{_h(stock)}</p>"
        + (_html_button(PRODUCT_LINK_LABEL, card.url) if card.url else "")
    )
    text = product_line(card) + (f"\nIn stock: {card.variants}" if card.in_stock else "")
    return text, html


def _h(text: str) -> str:
    return escape(text, quote=True)


def _html_paragraph(text: str) -> str:
    return "<p>" + _h(text).replace("\n", "<br>") + "</p>"


def _html_button(label: str, url: str) -> str:
    """A link styled as a button; a non-web URL is shown as text and never put in an href."""
    if not is_web_url(url):
        return _html_paragraph(f"{label}: {url}")
    return (
        f'<p><a href="{_h(url)}" style="{BUTTON_STYLE}">{_h(label)}</a><br>'
        f'<span style="font-size:12px;color:#6b7280">{_h(url)}</span></p>'
    )
