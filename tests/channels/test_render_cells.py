"""One test per cell of the design's part × channel table: what each part becomes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from channels.render import render
from skills.parts import PART_TYPES, Channel
from tests.channels.samples import (
    EDIT_URL,
    LOGIN_URL,
    ORDER_URL,
    PRODUCT_URL,
    RETURN_URL,
    SAMPLES,
)

WEB, SMS, WA, EMAIL = Channel.WEBCHAT, Channel.SMS, Channel.WHATSAPP, Channel.EMAIL

CARD_SUMMARY = "Order #1042: 2 of 3 items can still be changed."
LOGIN_TEXT = "Please confirm it's you: we emailed you a code."
HANDOFF_TEXT = "A teammate will take it from here.\nExpected reply: within 2 hours"

# (part type, channel, exact values of payload keys, fragments of the email HTML,
#  strings that must appear nowhere in the payload)
CELLS: list[tuple[str, Channel, dict[str, Any], list[str], list[str]]] = [
    # text
    ("text", WEB, {"messages": [{"kind": "text", "text": "Your refund is on its way."}]}, [], []),
    (
        "text",
        SMS,
        {"body": "Your refund is on its way.", "segments": 1, "encoding": "GSM-7"},
        [],
        [],
    ),
    ("text", WA, {"body": "Your refund is on its way.", "buttons": []}, [], []),
    (
        "text",
        EMAIL,
        {"subject": "Re: your message", "text": "Your refund is on its way."},
        ["<p>Your refund is on its way.</p>"],
        [],
    ),
    # order_card
    (
        "order_card",
        WEB,
        {
            "messages": [
                {
                    "kind": "card",
                    "order_number": "1042",
                    "placed_at": "2024-05-02",
                    "status": "partially_fulfilled",
                    "status_label": "Partially shipped",
                    "items": [
                        {
                            "title": "Linen shirt",
                            "variant": "M / Blue",
                            "quantity": 1,
                            "status": "fulfilled",
                            "status_label": "Shipped",
                            "allowed": False,
                            "reason": "already shipped",
                        },
                        {
                            "title": "Canvas tote",
                            "variant": "Natural",
                            "quantity": 2,
                            "status": "unfulfilled",
                            "status_label": "Not shipped yet",
                            "allowed": True,
                            "reason": "",
                        },
                        {
                            "title": "Wool socks",
                            "variant": "Grey",
                            "quantity": 1,
                            "status": "unfulfilled",
                            "status_label": "Not shipped yet",
                            "allowed": True,
                            "reason": "",
                        },
                    ],
                    "buttons": [{"label": "Edit items", "url": EDIT_URL}],
                    "link_url": ORDER_URL,
                }
            ]
        },
        [],
        [],
    ),
    (
        "order_card",
        SMS,
        {"body": f"{CARD_SUMMARY}\n{ORDER_URL}", "segments": 1, "encoding": "GSM-7"},
        [],
        ["Linen shirt", "Canvas tote", "already shipped", EDIT_URL],
    ),
    (
        "order_card",
        WA,
        {"body": f"{CARD_SUMMARY}\n{ORDER_URL}", "buttons": []},
        [],
        ["Linen shirt", "Wool socks"],
    ),
    (
        "order_card",
        EMAIL,
        {
            "subject": "Your order #1042",
            "text": "\n".join(
                [
                    CARD_SUMMARY,
                    "Placed 2024-05-02 · Partially shipped",
                    "- Linen shirt (M / Blue) × 1: Shipped — already shipped",
                    "- Canvas tote (Natural) × 2: Not shipped yet",
                    "- Wool socks (Grey) × 1: Not shipped yet",
                    f"Edit items: {EDIT_URL}",
                    f"View your order: {ORDER_URL}",
                ]
            ),
        },
        [
            "<table",
            ">Linen shirt</td>",
            ">M / Blue</td>",
            ">already shipped</td>",
            ">Not shipped yet</td>",
            f'<a href="{EDIT_URL}"',
            f'<a href="{ORDER_URL}"',
            ">Edit items</a>",
        ],
        [],
    ),
    # link
    (
        "link",
        WEB,
        {"messages": [{"kind": "button", "label": "Start a return", "url": RETURN_URL}]},
        [],
        [],
    ),
    ("link", SMS, {"body": f"Start a return: {RETURN_URL}", "encoding": "GSM-7"}, [], []),
    ("link", WA, {"body": f"Start a return: {RETURN_URL}", "buttons": []}, [], []),
    (
        "link",
        EMAIL,
        {"text": f"Start a return: {RETURN_URL}"},
        [f'<a href="{RETURN_URL}"', ">Start a return</a>", f">{RETURN_URL}</span>"],
        [],
    ),
    # product_card
    (
        "product_card",
        WEB,
        {
            "messages": [
                {
                    "kind": "product",
                    "product_id": "prod-trail-shell",
                    "title": "Trail shell",
                    "price": "€349.00",
                    "url": PRODUCT_URL,
                    "variants": "S and L in Blue",
                    "in_stock": True,
                }
            ]
        },
        [],
        [],
    ),
    (
        "product_card",
        SMS,
        {"body": f"Trail shell - €349.00: {PRODUCT_URL}", "segments": 1, "encoding": "GSM-7"},
        [],
        ["–", "S and L in Blue", "prod-trail-shell"],
    ),
    (
        "product_card",
        WA,
        {"body": f"Trail shell - €349.00: {PRODUCT_URL}", "buttons": []},
        [],
        ["prod-trail-shell"],
    ),
    (
        "product_card",
        EMAIL,
        {
            "subject": "Re: your message",
            "text": f"Trail shell – €349.00: {PRODUCT_URL}\nIn stock: S and L in Blue",
        },
        [
            "<strong>Trail shell</strong> – €349.00<br>In stock: S and L in Blue",
            f'<a href="{PRODUCT_URL}"',
            ">View product</a>",
        ],
        [],
    ),
    # login_prompt
    (
        "login_prompt",
        WEB,
        {
            "messages": [
                {
                    "kind": "login",
                    "text": LOGIN_TEXT,
                    "login_url": LOGIN_URL,
                    "code_sent_to": "j***@example.com",
                    "accepts_code": True,
                }
            ]
        },
        [],
        [],
    ),
    (
        "login_prompt",
        SMS,
        {"body": f"{LOGIN_TEXT}\nReply with the 6-digit code.", "segments": 1},
        [],
        [LOGIN_URL],
    ),
    ("login_prompt", WA, {"body": f"{LOGIN_TEXT}\nReply with the 6-digit code."}, [], []),
    (
        "login_prompt",
        EMAIL,
        {"text": f"{LOGIN_TEXT}\nReply with the 6-digit code.\nSign in: {LOGIN_URL}"},
        ["<p>Reply with the 6-digit code.</p>", f'<a href="{LOGIN_URL}"', ">Sign in</a>"],
        [],
    ),
    # quick_replies
    (
        "quick_replies",
        WEB,
        {
            "messages": [
                {
                    "kind": "chips",
                    "options": [{"label": "Yes", "value": "yes"}, {"label": "No", "value": "no"}],
                }
            ]
        },
        [],
        [],
    ),
    ("quick_replies", SMS, {"body": "1) Yes\n2) No", "segments": 1}, [], []),
    ("quick_replies", WA, {"body": "", "buttons": ["Yes", "No"]}, [], []),
    ("quick_replies", EMAIL, {"text": "- Yes\n- No"}, ["<ul><li>Yes</li><li>No</li></ul>"], []),
    # citation
    (
        "citation",
        WEB,
        {"messages": [{"kind": "source", "article": "Returns policy", "heading": "Return window"}]},
        [],
        [],
    ),
    ("citation", SMS, {"body": "", "segments": 0}, [], ["Returns policy"]),
    ("citation", WA, {"body": "", "buttons": []}, [], ["Returns policy"]),
    (
        "citation",
        EMAIL,
        {"text": "[1] Returns policy — Return window"},
        ["<p>[1] Returns policy — Return window</p>"],
        [],
    ),
    # handoff_notice
    (
        "handoff_notice",
        WEB,
        {
            "messages": [
                {
                    "kind": "banner",
                    "text": "A teammate will take it from here.",
                    "expected_reply": "within 2 hours",
                }
            ]
        },
        [],
        ["asked_for_human"],
    ),
    ("handoff_notice", SMS, {"body": HANDOFF_TEXT, "segments": 1}, [], ["asked_for_human"]),
    ("handoff_notice", WA, {"body": HANDOFF_TEXT, "buttons": []}, [], ["asked_for_human"]),
    (
        "handoff_notice",
        EMAIL,
        {"text": HANDOFF_TEXT},
        ["<p>A teammate will take it from here.<br>Expected reply: within 2 hours</p>"],
        ["asked_for_human"],
    ),
]


@pytest.mark.parametrize(
    ("part_type", "channel", "expected", "html_fragments", "absent"),
    [pytest.param(*cell, id=f"{cell[0]}-{cell[1]}") for cell in CELLS],
)
def test_cell(
    part_type: str,
    channel: Channel,
    expected: dict[str, Any],
    html_fragments: list[str],
    absent: list[str],
) -> None:
    payload = render([SAMPLES[part_type]], channel)

    assert payload["channel"] == channel.value
    for key, value in expected.items():
        assert payload[key] == value, key
    for fragment in html_fragments:
        assert fragment in payload["html"]
    serialised = json.dumps(payload, ensure_ascii=False)
    for text in absent:
        assert text not in serialised


def test_every_cell_of_the_table_is_tested() -> None:
    tested = {(part_type, channel) for part_type, channel, *_ in CELLS}
    assert tested == {(p, c) for p in PART_TYPES for c in Channel}


@pytest.mark.parametrize("channel", list(Channel))
def test_payload_keys_per_channel(channel: Channel) -> None:
    keys = {
        WEB: {"channel", "messages"},
        SMS: {"channel", "body", "segments", "encoding"},
        WA: {"channel", "body", "buttons"},
        EMAIL: {"channel", "subject", "text", "html"},
    }
    assert set(render(list(SAMPLES.values()), channel)) == keys[channel]
