"""The channel-neutral reply model: what a skill says, before any channel shapes it.

Skills return a list of parts; ``channels.render`` compiles them into each channel's
payload. Cards, links and codes are parts of their own so that no wording step (template
or model) can ever alter an order number, a URL or a decision.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter


class Channel(StrEnum):
    """The channels a shopper can write on."""

    WEBCHAT = "webchat"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"


class TextPart(BaseModel):
    """Prose. ``template`` and ``facts`` say where it came from, so a model may re-word it."""

    type: Literal["text"] = "text"
    text: str
    template: str | None = None
    facts: dict[str, Any] = Field(default_factory=dict)


class Action(BaseModel):
    """A button: a label and the URL it opens."""

    label: str
    url: str


class CardItem(BaseModel):
    """One line item on an order card, with the rule's decision and its reason."""

    title: str
    variant: str
    quantity: int
    status: str
    status_label: str
    allowed: bool
    reason: str


CardPurpose = Literal["edit", "cancel", "return", "status"]


class OrderCardPart(BaseModel):
    """An order with per-item status and actions (webchat shows it as a card).

    ``purpose`` says what each item's ``allowed`` means: may be changed, cancelled,
    returned; for ``status`` cards every item is simply shown with its progress.
    """

    type: Literal["order_card"] = "order_card"
    purpose: CardPurpose = "status"
    order_number: str
    placed_at: str
    status: str
    status_label: str
    items: list[CardItem]
    actions: list[Action] = Field(default_factory=list)
    link_url: str | None = None


class LinkPart(BaseModel):
    """A self-service deep link."""

    type: Literal["link"] = "link"
    label: str
    url: str


class ProductCardPart(BaseModel):
    """A catalog product: webchat shows a card, other channels a line with its link.

    ``price`` is already formatted with its currency (``€349.00``, ``from €79.00``);
    ``variants`` summarises the variants in stock (``S and L in Fjord Blue; M in Black``);
    ``url`` is None when the store has no product page template configured.
    """

    type: Literal["product_card"] = "product_card"
    product_id: str
    title: str
    price: str
    url: str | None = None
    variants: str
    in_stock: bool


class LoginPromptPart(BaseModel):
    """Ask the shopper to prove who they are before order data is shown."""

    type: Literal["login_prompt"] = "login_prompt"
    text: str
    login_url: str | None = None
    code_sent_to: str | None = None
    accepts_code: bool = True


class QuickReply(BaseModel):
    """A suggested answer: what it shows and what it sends."""

    label: str
    value: str


class QuickRepliesPart(BaseModel):
    """Suggested answers (chips in webchat, numbered options in SMS)."""

    type: Literal["quick_replies"] = "quick_replies"
    options: list[QuickReply]


class CitationPart(BaseModel):
    """The knowledge-base section a policy statement came from."""

    type: Literal["citation"] = "citation"
    article: str
    heading: str
    source: str
    section_id: str


class HandoffNoticePart(BaseModel):
    """Tells the shopper a person takes over, and when to expect them."""

    type: Literal["handoff_notice"] = "handoff_notice"
    text: str
    reason: str
    expected_reply: str
    ticket_id: str | None = None


Part = Annotated[
    TextPart
    | OrderCardPart
    | LinkPart
    | ProductCardPart
    | LoginPromptPart
    | QuickRepliesPart
    | CitationPart
    | HandoffNoticePart,
    Field(discriminator="type"),
]

PART_TYPES: tuple[str, ...] = (
    "text", "order_card", "link", "product_card", "login_prompt", "quick_replies", "citation",
    "handoff_notice",
)

parts_adapter: TypeAdapter[list[Part]] = TypeAdapter(list[Part])


def parts_to_json(parts: list[Part]) -> list[dict[str, Any]]:
    """Parts as plain JSON-ready dicts."""
    return [p.model_dump(mode="json") for p in parts]


def parts_from_json(data: list[dict[str, Any]]) -> list[Part]:
    """Parts back from their JSON form."""
    return parts_adapter.validate_python(data)
