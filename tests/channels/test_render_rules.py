"""Renderer rules beyond single cells: escaping, safe links, WhatsApp buttons, subjects."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from channels.render import render
from channels.summaries import is_web_url, order_summary, product_line
from skills.parts import (
    Action,
    CardItem,
    Channel,
    CitationPart,
    LinkPart,
    LoginPromptPart,
    OrderCardPart,
    Part,
    ProductCardPart,
    QuickRepliesPart,
    QuickReply,
    TextPart,
)
from tests.channels.samples import CARD, CITATION, FULL_REPLY, PRODUCT, TEXT

SCRIPT = "<script>alert(1)</script>"
EVIL_URL = "javascript:alert(document.cookie)"


class _Tags(HTMLParser):
    """Collects every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _card(title: str = "Tote", actions: list[Action] | None = None, **extra: str) -> OrderCardPart:
    item = CardItem(
        title=title,
        variant="One size",
        quantity=1,
        status="unfulfilled",
        status_label="Not shipped yet",
        allowed=True,
        reason="",
    )
    return OrderCardPart(
        purpose="edit",
        order_number=extra.get("order_number", "1042"),
        placed_at="2024-05-02",
        status="unfulfilled",
        status_label="Unfulfilled",
        items=[item],
        actions=actions or [],
        link_url=extra.get("link_url"),
    )


def _options(*labels: str) -> QuickRepliesPart:
    return QuickRepliesPart(
        options=[QuickReply(label=label, value=label.lower()) for label in labels]
    )


# --- email safety


def test_email_escapes_script_in_text_and_item_title() -> None:
    html = render([TextPart(text=SCRIPT), _card(title=f'Tote {SCRIPT} "x"')], Channel.EMAIL)["html"]

    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tote &lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot;" in html
    assert all(tag != "script" for tag, _ in _tags(html))


def test_email_escapes_quotes_so_a_label_cannot_add_attributes() -> None:
    part = LinkPart(label='Go" onmouseover="alert(1)', url='https://shop.example/"onclick=x')
    html = render([part], Channel.EMAIL)["html"]
    anchors = [attrs for tag, attrs in _tags(html) if tag == "a"]
    assert anchors == [{"href": 'https://shop.example/"onclick=x', "style": anchors[0]["style"]}]
    assert "onmouseover=&quot;" in html


@pytest.mark.parametrize(
    "parts",
    [
        [LinkPart(label="Pay now", url=EVIL_URL)],
        [_card(actions=[Action(label="Pay now", url=EVIL_URL)], link_url=EVIL_URL)],
        [LoginPromptPart(text="Sign in please", login_url=EVIL_URL)],
    ],
    ids=["link", "card", "login"],
)
def test_email_never_puts_a_non_web_url_in_an_href(parts: list) -> None:
    payload = render(parts, Channel.EMAIL)
    hrefs = [attrs.get("href") for _, attrs in _tags(payload["html"]) if "href" in attrs]
    assert hrefs == []
    assert "javascript:alert(document.cookie)" in payload["html"]  # shown as text
    assert EVIL_URL in payload["text"]


def test_email_html_has_only_web_links_no_scripts_no_images() -> None:
    html = render(FULL_REPLY, Channel.EMAIL)["html"]
    tags = _tags(html)
    assert {tag for tag, _ in tags}.isdisjoint({"script", "img", "iframe", "link", "object"})
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert len(hrefs) == 4  # card action, card link, return link, sign in
    assert all(href and href.startswith("https://") for href in hrefs)


def test_email_subject_override_and_default() -> None:
    assert render([TEXT, CARD], Channel.EMAIL)["subject"] == "Your order #1042"
    assert render([TEXT], Channel.EMAIL)["subject"] == "Re: your message"
    payload = render([TEXT], Channel.EMAIL, subject="About <your>\r\nBcc: x@y.z")
    assert payload["subject"] == "About <your> Bcc: x@y.z"
    assert "<title>About &lt;your&gt; Bcc: x@y.z</title>" in payload["html"]


def test_email_citations_become_numbered_footnotes_with_markers() -> None:
    other = CitationPart(article="Shipping", heading="Costs", source="s.md", section_id="s#c")
    parts: list[Part] = [
        TextPart(text="Returns take 30 days."),
        CITATION,
        TextPart(text="Free over 50."),
        other,
        CITATION,
    ]
    payload = render(parts, Channel.EMAIL)
    assert payload["text"] == (
        "Returns take 30 days. [1]\n\nFree over 50. [2] [1]\n\n"
        "[1] Returns policy — Return window\n[2] Shipping — Costs"
    )
    assert "<p>Returns take 30 days.<sup>[1]</sup></p>" in payload["html"]


# --- webchat safety


def test_webchat_keeps_raw_text_but_drops_non_web_urls() -> None:
    parts: list[Part] = [
        TextPart(text=SCRIPT),
        LinkPart(label="Pay now", url=EVIL_URL),
        _card(actions=[Action(label="Pay", url=EVIL_URL)], link_url=EVIL_URL),
        LoginPromptPart(text="Sign in", login_url=EVIL_URL),
    ]
    text, link, card, login = render(parts, Channel.WEBCHAT)["messages"]
    assert text == {"kind": "text", "text": SCRIPT}
    assert link == {"kind": "text", "text": f"Pay now: {EVIL_URL}"}
    assert card["buttons"] == [] and card["link_url"] is None
    assert login["login_url"] is None


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://shop.example/a?b=c", True),
        ("http://shop.example", True),
        ("HTTPS://SHOP.EXAMPLE/", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        (" https://shop.example", False),
        ("data:text/html,<b>x</b>", False),
        ("/account/login", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_is_web_url(url: str | None, safe: bool) -> None:
    assert is_web_url(url) is safe


# --- WhatsApp buttons


def test_whatsapp_three_options_become_buttons() -> None:
    payload = render([TEXT, _options("Yes", "No", "Talk to a person")], Channel.WHATSAPP)
    assert payload["buttons"] == ["Yes", "No", "Talk to a person"]
    assert payload["body"] == "Your refund is on its way."


def test_whatsapp_four_options_become_a_numbered_list() -> None:
    payload = render([TEXT, _options("Size", "Colour", "Address", "Cancel")], Channel.WHATSAPP)
    assert payload["buttons"] == []
    assert (
        payload["body"] == "Your refund is on its way.\n\n1) Size\n2) Colour\n3) Address\n4) Cancel"
    )


def test_whatsapp_button_labels_are_cut_to_twenty_characters() -> None:
    payload = render(
        [_options("Change the shipping address", "Exactly twenty chars")], Channel.WHATSAPP
    )
    assert payload["buttons"] == ["Change the shipping…", "Exactly twenty chars"]
    assert all(len(label) <= 20 for label in payload["buttons"])


def test_whatsapp_second_set_of_options_is_numbered() -> None:
    payload = render([_options("Yes", "No"), _options("A", "B")], Channel.WHATSAPP)
    assert payload["buttons"] == ["Yes", "No"]
    assert payload["body"] == "1) A\n2) B"


# --- order summaries and the whole reply


@pytest.mark.parametrize(
    ("card", "summary"),
    [
        (CARD, "Order #1042: 2 of 3 items can still be changed."),
        (_card(order_number="#1043"), "Order #1043: 1 of 1 item can still be changed."),
        (_card().model_copy(update={"items": []}), "Order #1042: Unfulfilled."),
        (_card().model_copy(update={"purpose": "cancel"}),
         "Order #1042: 1 of 1 item can still be cancelled."),
        (_card().model_copy(update={"purpose": "return"}),
         "Order #1042: 1 of 1 item can be returned."),
        (_card().model_copy(update={"purpose": "status"}), "Order #1042: Unfulfilled."),
    ],
)
def test_order_summary(card: OrderCardPart, summary: str) -> None:
    assert order_summary(card) == summary


def test_card_without_link_url_uses_its_first_action() -> None:
    card = _card(actions=[Action(label="Edit", url="https://shop.example/e")])
    assert render([card], Channel.SMS)["body"].endswith("\nhttps://shop.example/e")


def test_full_reply_sms_body() -> None:
    payload = render(FULL_REPLY, Channel.SMS)
    assert payload["body"] == (
        "Your refund is on its way.\n\n"
        "Order #1042: 2 of 3 items can still be changed.\n"
        "https://shop.example/account/orders/1042\n\n"
        "Start a return: https://shop.example/returns/1042\n\n"
        "Please confirm it's you: we emailed you a code.\nReply with the 6-digit code.\n\n"
        "1) Yes\n2) No\n\n"
        "A teammate will take it from here.\nExpected reply: within 2 hours"
    )
    assert payload["encoding"] == "GSM-7"
    assert payload["segments"] == 3


@pytest.mark.parametrize("channel", list(Channel))
def test_payloads_are_json_serialisable_and_pure(channel: Channel) -> None:
    first = render(FULL_REPLY, channel)
    assert json.loads(json.dumps(first)) == first
    assert render(FULL_REPLY, channel) == first


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(ValueError):
        render([TEXT], "fax")  # type: ignore[arg-type]


# --- product cards


def test_email_escapes_product_fields_and_never_links_a_non_web_url() -> None:
    part = PRODUCT.model_copy(update={"title": f"Shell {SCRIPT}", "url": EVIL_URL,
                                      "variants": '"M" <b>'})
    html = render([part], Channel.EMAIL)["html"]
    assert "<script" not in html and "<b>" not in html
    assert "Shell &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "In stock: &quot;M&quot; &lt;b&gt;" in html
    assert [attrs for tag, attrs in _tags(html) if tag == "a"] == []


def test_webchat_product_card_drops_a_non_web_url() -> None:
    message = render([PRODUCT.model_copy(update={"url": EVIL_URL})], Channel.WEBCHAT)
    assert message["messages"][0]["url"] is None


@pytest.mark.parametrize(
    ("card", "dash", "line"),
    [
        (PRODUCT, "–", "Trail shell – €349.00: https://shop.example/products/trail-shell"),
        (PRODUCT, "-", "Trail shell - €349.00: https://shop.example/products/trail-shell"),
        (PRODUCT.model_copy(update={"in_stock": False, "variants": ""}), "–",
         "Trail shell – €349.00 (sold out): https://shop.example/products/trail-shell"),
        (PRODUCT.model_copy(update={"url": None}), "-", "Trail shell - €349.00"),
    ],
)
def test_product_line(card: ProductCardPart, dash: str, line: str) -> None:
    assert product_line(card, dash) == line


def test_sold_out_product_without_url_in_email() -> None:
    card = PRODUCT.model_copy(update={"in_stock": False, "variants": "", "url": None})
    payload = render([card], Channel.EMAIL)
    assert payload["text"] == "Trail shell – €349.00 (sold out)"
    assert "<br>Sold out</p>" in payload["html"]
    assert "View product" not in payload["html"]


def test_sms_with_product_lines_stays_gsm7() -> None:
    cards = [PRODUCT.model_copy(update={"title": f"Shell {n}"}) for n in range(3)]
    payload = render([TextPart(text="Here are some ideas:"), *cards], Channel.SMS)
    assert payload["encoding"] == "GSM-7"
    assert payload["body"].count("https://shop.example/products/trail-shell") == 3
