"""Compile channel-neutral reply parts into the payload each channel can show.

:func:`render` is pure (no I/O) and deterministic; the senders in ``channels/`` deliver
what it returns. Every payload is JSON-serialisable. Only ``http``/``https`` URLs ever
become clickable (a webchat button, an email ``href``); anything else is shown as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from channels.email_render import render_email
from channels.sms import (
    Paragraph,
    Priority,
    fit_sms_body,
    join_paragraphs,
    sms_encoding,
    sms_segments,
)
from channels.summaries import (
    CODE_INSTRUCTION,
    WHATSAPP_BUTTON_LABEL_MAX,
    WHATSAPP_MAX_BUTTONS,
    card_url,
    handoff_text,
    is_web_url,
    order_summary,
    product_line,
)
from skills.parts import (
    Channel,
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
            return render_email(parts, subject)


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
        case ProductCardPart():
            return {
                "kind": "product",
                "product_id": part.product_id,
                "title": part.title,
                "price": part.price,
                "url": part.url if is_web_url(part.url) else None,
                "variants": part.variants,
                "in_stock": part.in_stock,
            }
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
            case ProductCardPart():  # an ASCII hyphen: "–" would force SMS into UCS-2
                paragraphs.append(Paragraph(product_line(part, "-"), Priority.NOTICE))
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
                paragraphs.append(Paragraph(handoff_text(part), Priority.NOTICE))
            case CitationPart():
                pass  # sources are shown on webchat and email only
    return paragraphs, buttons


def _login_text(part: LoginPromptPart) -> str:
    if part.accepts_code:
        return f"{part.text}\n{CODE_INSTRUCTION}"
    if part.login_url:
        return f"{part.text}\n{part.login_url}"
    return part.text


def _button_label(label: str) -> str:
    if len(label) <= WHATSAPP_BUTTON_LABEL_MAX:
        return label
    return label[: WHATSAPP_BUTTON_LABEL_MAX - 1].rstrip() + "…"


