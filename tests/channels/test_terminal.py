"""How the CLI shows each channel's payload in a terminal."""

from __future__ import annotations

import pytest

from channels.render import render
from channels.terminal import UnknownPayloadError, to_terminal
from skills.parts import Channel, QuickRepliesPart, QuickReply, TextPart
from tests.channels.samples import (
    CARD,
    CITATION,
    FULL_REPLY,
    HANDOFF,
    LINK,
    LOGIN,
    PRODUCT,
    QUICK,
    TEXT,
)

WEBCHAT_VIEW = """\
Your refund is on its way.

source: Returns policy › Return window

Order #1042 · placed 2024-05-02 · Partially shipped
    Item         Variant   Qty  Status           OK   Reason
    Linen shirt  M / Blue  1    Shipped          no   already shipped
    Canvas tote  Natural   2    Not shipped yet  yes
    Wool socks   Grey      1    Not shipped yet  yes
    [Edit items] -> https://shop.example/account/orders/1042/edit
    [View your order] -> https://shop.example/account/orders/1042

[Start a return] -> https://shop.example/returns/1042

Please confirm it's you: we emailed you a code.
[Sign in] -> https://shop.example/account/login
Code sent to j***@example.com
Type the 6-digit code here.

( Yes )  ( No )

| A teammate will take it from here.
| Expected reply: within 2 hours"""

PLAIN_BODY = """\
Your refund is on its way.

Order #1042: 2 of 3 items can still be changed.
https://shop.example/account/orders/1042

Start a return: https://shop.example/returns/1042

Please confirm it's you: we emailed you a code.
Reply with the 6-digit code."""

HANDOFF_LINES = "A teammate will take it from here.\nExpected reply: within 2 hours"


def test_webchat_view() -> None:
    assert to_terminal(render(FULL_REPLY, Channel.WEBCHAT)) == WEBCHAT_VIEW


def test_sms_view_shows_segments_and_encoding() -> None:
    view = to_terminal(render(FULL_REPLY, Channel.SMS))
    assert view == f"{PLAIN_BODY}\n\n1) Yes\n2) No\n\n{HANDOFF_LINES}\n[segments: 3, GSM-7]"


def test_whatsapp_view_shows_buttons() -> None:
    view = to_terminal(render(FULL_REPLY, Channel.WHATSAPP))
    assert view == f"{PLAIN_BODY}\n\n{HANDOFF_LINES}\n[buttons: Yes | No]"


def test_whatsapp_view_without_buttons_is_the_body() -> None:
    assert to_terminal(render([TEXT], Channel.WHATSAPP)) == "Your refund is on its way."


def test_email_view_is_subject_and_text_version() -> None:
    view = to_terminal(render([TEXT, CITATION, CARD, LINK, LOGIN, QUICK, HANDOFF], Channel.EMAIL))
    lines = view.splitlines()
    assert lines[:3] == ["Subject: Your order #1042", "", "Your refund is on its way. [1]"]
    assert "- Linen shirt (M / Blue) × 1: Shipped — already shipped" in lines
    assert "Start a return: https://shop.example/returns/1042" in lines
    assert "<" not in view  # the text version, not the HTML
    assert lines[-1] == "[1] Returns policy — Return window"


def test_product_cards_in_stock_and_sold_out() -> None:
    sold_out = PRODUCT.model_copy(update={"in_stock": False, "variants": "", "url": None,
                                          "title": "Parka\x1b[31m"})
    view = to_terminal(render([PRODUCT, sold_out], Channel.WEBCHAT))
    assert view == (
        "Trail shell – €349.00 · in stock: S and L in Blue\n"
        "    [View product] -> https://shop.example/products/trail-shell\n\n"
        "Parka\\x1b[31m – €349.00 · sold out"
    )


def test_login_without_url_or_code() -> None:
    payload = {
        "channel": "webchat",
        "messages": [
            {
                "kind": "login",
                "text": "Sign in first.",
                "login_url": None,
                "code_sent_to": None,
                "accepts_code": False,
            },
        ],
    }
    assert to_terminal(payload) == "Sign in first."


def test_control_characters_are_shown_escaped() -> None:
    hostile = "Hi\x1b[2J\x1b]0;pwned\x07 there \u202egnp.exe\nnext\tline"
    for channel in Channel:
        view = to_terminal(render([TextPart(text=hostile)], channel))
        assert "\x1b" not in view and "\x07" not in view and "\u202e" not in view
        assert "Hi\\x1b[2J\\x1b]0;pwned\\x07 there \\u202egnp.exe\nnext\tline" in view


def test_chip_labels_are_cleaned_too() -> None:
    part = QuickRepliesPart(options=[QuickReply(label="A\x1b[31m", value="a")])
    assert to_terminal(render([part], Channel.WEBCHAT)) == "( A\\x1b[31m )"


@pytest.mark.parametrize(
    "payload",
    [
        {"channel": "fax", "body": "x"},
        {"body": "x"},
        {"channel": "webchat", "messages": [{"kind": "carousel"}]},
    ],
)
def test_unknown_payloads_are_rejected(payload: dict) -> None:
    with pytest.raises(UnknownPayloadError):
        to_terminal(payload)
