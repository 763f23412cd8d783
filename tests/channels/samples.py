"""One sample of each reply part, shared by the renderer and terminal tests."""

from __future__ import annotations

from skills.parts import (
    Action,
    CardItem,
    CitationPart,
    HandoffNoticePart,
    LinkPart,
    LoginPromptPart,
    OrderCardPart,
    Part,
    ProductCardPart,
    QuickRepliesPart,
    QuickReply,
    TextPart,
)

ORDER_URL = "https://shop.example/account/orders/1042"
EDIT_URL = "https://shop.example/account/orders/1042/edit"
RETURN_URL = "https://shop.example/returns/1042"
LOGIN_URL = "https://shop.example/account/login"
PRODUCT_URL = "https://shop.example/products/trail-shell"

TEXT = TextPart(text="Your refund is on its way.")
CARD = OrderCardPart(
    purpose="edit",
    order_number="1042",
    placed_at="2024-05-02",
    status="partially_fulfilled",
    status_label="Partially shipped",
    items=[
        CardItem(
            title="Linen shirt",
            variant="M / Blue",
            quantity=1,
            status="fulfilled",
            status_label="Shipped",
            allowed=False,
            reason="already shipped",
        ),
        CardItem(
            title="Canvas tote",
            variant="Natural",
            quantity=2,
            status="unfulfilled",
            status_label="Not shipped yet",
            allowed=True,
            reason="",
        ),
        CardItem(
            title="Wool socks",
            variant="Grey",
            quantity=1,
            status="unfulfilled",
            status_label="Not shipped yet",
            allowed=True,
            reason="",
        ),
    ],
    actions=[Action(label="Edit items", url=EDIT_URL)],
    link_url=ORDER_URL,
)
LINK = LinkPart(label="Start a return", url=RETURN_URL)
PRODUCT = ProductCardPart(
    product_id="prod-trail-shell",
    title="Trail shell",
    price="€349.00",
    url=PRODUCT_URL,
    variants="S and L in Blue",
    in_stock=True,
)
LOGIN = LoginPromptPart(
    text="Please confirm it's you: we emailed you a code.",
    login_url=LOGIN_URL,
    code_sent_to="j***@example.com",
)
QUICK = QuickRepliesPart(
    options=[QuickReply(label="Yes", value="yes"), QuickReply(label="No", value="no")]
)
CITATION = CitationPart(
    article="Returns policy",
    heading="Return window",
    source="returns.md",
    section_id="returns#window",
)
HANDOFF = HandoffNoticePart(
    text="A teammate will take it from here.",
    reason="asked_for_human",
    expected_reply="within 2 hours",
    ticket_id="T-7",
)

SAMPLES: dict[str, Part] = {
    "text": TEXT,
    "order_card": CARD,
    "link": LINK,
    "product_card": PRODUCT,
    "login_prompt": LOGIN,
    "quick_replies": QUICK,
    "citation": CITATION,
    "handoff_notice": HANDOFF,
}
FULL_REPLY: list[Part] = [TEXT, CITATION, CARD, LINK, LOGIN, QUICK, HANDOFF]
