"""Compile channel-neutral reply parts into the payload each channel can show.

:func:`render` is pure (no I/O) and deterministic; the senders in ``channels/`` deliver
what it returns. Every payload is JSON-serialisable. Only ``http``/``https`` URLs ever
become clickable (a webchat button, an email ``href``); anything else is shown as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit

from channels.sms import (
    Paragraph,
    Priority,
    fit_sms_body,
    join_paragraphs,
    sms_encoding,
    sms_segments,
)
from skills.parts import (
    Action,
    Channel,
    CitationPart,
    HandoffNoticePart,
    LinkPart,
    LoginPromptPart,
    OrderCardPart,
    Part,
    QuickRepliesPart,
    TextPart,
)

WHATSAPP_MAX_BUTTONS = 3
WHATSAPP_BUTTON_LABEL_MAX = 20
CODE_INSTRUCTION = "Reply with the 6-digit code."
CARD_LINK_LABEL = "View your order"
DEFAULT_EMAIL_SUBJECT = "Re: your message"

BUTTON_STYLE = (
    "display:inline-block;padding:10px 18px;background:#1f2937;color:#ffffff;"
    "text-decoration:none;border-radius:6px;font-weight:600"
)
TABLE_STYLE = "border-collapse:collapse;width:100%"
CELL_STYLE = "border:1px solid #d1d5db;padding:6px 8px;text-align:left"
BODY_STYLE = "font-family:Arial,Helvetica,sans-serif;color:#111827;line-height:1.5"


def render(
    parts: Sequence[Part], channel: Channel, *, subject: str | None = None
) -> dict[str, Any]:
    """The payload for ``channel`` (``subject`` overrides the email subject; ignored elsewhere)."""
    match Channel(channel):
        case Channel.WEBCHAT:
            return {"channel": "webchat", "messages": [_webchat_message(p) for p in parts]}
        case Channel.SMS:
            body = fit_sms_body(_plain_paragraphs(parts, with_buttons=False)[0])
            return {
                "channel": "sms",
                "body": body,
                "segments": sms_segments(body),
                "encoding": sms_encoding(body),
            }
        case Channel.WHATSAPP:
            paragraphs, buttons = _plain_paragraphs(parts, with_buttons=True)
            return {"channel": "whatsapp", "body": join_paragraphs(paragraphs), "buttons": buttons}
        case Channel.EMAIL:
            return _email(parts, subject)


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
        return f"Order {_order_ref(card)}: {card.status_label}."
    if card.purpose == "status":
        return f"Order {_order_ref(card)}: {card.status_label}."
    allowed = sum(item.allowed for item in card.items)
    noun = "item" if total == 1 else "items"
    verb = CARD_PURPOSE_VERBS[card.purpose]
    return f"Order {_order_ref(card)}: {allowed} of {total} {noun} can {verb}."


def card_url(card: OrderCardPart) -> str | None:
    """The card's deep link, else the URL of its first action."""
    return card.link_url or next((action.url for action in card.actions), None)


def _order_ref(card: OrderCardPart) -> str:
    return "#" + card.order_number.lstrip("#")


# --- webchat: one message per part, all structure kept, text left raw (the widget escapes)


def _webchat_message(part: Part) -> dict[str, Any]:
    match part:
        case TextPart():
            return {"kind": "text", "text": part.text}
        case OrderCardPart():
            return {
                "kind": "card",
                "order_number": part.order_number,
                "placed_at": part.placed_at,
                "status": part.status,
                "status_label": part.status_label,
                "items": [item.model_dump(mode="json") for item in part.items],
                "buttons": [
                    {"label": a.label, "url": a.url} for a in part.actions if is_web_url(a.url)
                ],
                "link_url": part.link_url if is_web_url(part.link_url) else None,
            }
        case LinkPart():
            if not is_web_url(part.url):
                return {"kind": "text", "text": f"{part.label}: {part.url}"}
            return {"kind": "button", "label": part.label, "url": part.url}
        case LoginPromptPart():
            return {
                "kind": "login",
                "text": part.text,
                "login_url": part.login_url if is_web_url(part.login_url) else None,
                "code_sent_to": part.code_sent_to,
                "accepts_code": part.accepts_code,
            }
        case QuickRepliesPart():
            return {
                "kind": "chips",
                "options": [{"label": o.label, "value": o.value} for o in part.options],
            }
        case CitationPart():
            return {"kind": "source", "article": part.article, "heading": part.heading}
        case HandoffNoticePart():
            return {"kind": "banner", "text": part.text, "expected_reply": part.expected_reply}


# --- SMS and WhatsApp: plain text paragraphs (+ reply buttons on WhatsApp)


def _plain_paragraphs(
    parts: Sequence[Part], *, with_buttons: bool
) -> tuple[list[Paragraph], list[str]]:
    paragraphs: list[Paragraph] = []
    buttons: list[str] = []
    for part in parts:
        match part:
            case TextPart():
                paragraphs.append(Paragraph(part.text, Priority.PROSE))
            case OrderCardPart():
                url = card_url(part)
                lines = [order_summary(part), *([url] if url else [])]
                paragraphs.append(Paragraph("\n".join(lines), Priority.NOTICE))
            case LinkPart():
                paragraphs.append(Paragraph(f"{part.label}: {part.url}", Priority.NOTICE))
            case LoginPromptPart():
                paragraphs.append(Paragraph(_login_text(part), Priority.NOTICE))
            case QuickRepliesPart():
                fits = len(part.options) <= WHATSAPP_MAX_BUTTONS
                if with_buttons and fits and not buttons:
                    buttons = [_button_label(o.label) for o in part.options]
                else:
                    numbered = (f"{n}) {o.label}" for n, o in enumerate(part.options, 1))
                    paragraphs.append(Paragraph("\n".join(numbered), Priority.NOTICE))
            case HandoffNoticePart():
                paragraphs.append(Paragraph(_handoff_text(part), Priority.NOTICE))
            case CitationPart():
                pass  # sources are shown on webchat and email only
    return paragraphs, buttons


def _login_text(part: LoginPromptPart) -> str:
    if part.accepts_code:
        return f"{part.text}\n{CODE_INSTRUCTION}"
    if part.login_url:
        return f"{part.text}\n{part.login_url}"
    return part.text


def _handoff_text(part: HandoffNoticePart) -> str:
    if not part.expected_reply:
        return part.text
    return f"{part.text}\nExpected reply: {part.expected_reply}"


def _button_label(label: str) -> str:
    if len(label) <= WHATSAPP_BUTTON_LABEL_MAX:
        return label
    return label[: WHATSAPP_BUTTON_LABEL_MAX - 1].rstrip() + "…"


# --- email: a plain-text and an HTML version; every string escaped on its way into HTML


def _email(parts: Sequence[Part], subject: str | None) -> dict[str, Any]:
    card = next((p for p in parts if isinstance(p, OrderCardPart)), None)
    if subject is None:
        subject = f"Your order {_order_ref(card)}" if card else DEFAULT_EMAIL_SUBJECT
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
            text = _handoff_text(part)
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
        f"<p><strong>Order {_h(_order_ref(card))}</strong> · placed {_h(card.placed_at)}"
        f" · {_h(card.status_label)}</p>"
        f'<table style="{TABLE_STYLE}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        + "".join(_html_button(action.label, action.url) for action in links)
    )
    return "\n".join(lines), html


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
