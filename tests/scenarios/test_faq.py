"""FAQ through the graph on every channel: policy answers, product questions, recommendations
and discount codes, on the demo store and the fixed clock (2026-11-20 10:00 UTC)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.commerce.models import Product
from agent.config import DiscountCode, Settings
from agent.runtime import Runtime, build_runtime
from agent.turns import TurnResult
from knowledge_base.embedder import Embedder
from skills.base import Request, SkillContext, SkillOutcome
from skills.faq import FaqSkill
from skills.parts import Channel
from tests.conftest import FIXED_NOW
from tests.scenarios.chat import CHANNELS, Shopper, everything_shown, of_type, text_of
from tests.skills.test_products import PARKA, WIND

PRODUCT_URL = "http://127.0.0.1:8000/products/{id}"
GUIDE = "sizing-and-care.md"
DISCOUNTS = "discounts-and-promotions.md"
PINNED = ["prod-merino-socks", "prod-svalbard-parka", "prod-fell-windbreaker"]
NO_SHAREABLE = [
    DiscountCode(code="STAFF40", description="staff discount", shareable=False),
    DiscountCode(code="WELCOME10", description="10% off your first order", shareable=True,
                 expires_at=datetime(2026, 11, 1, tzinfo=UTC)),
    DiscountCode(code="PAUSED15", description="15% off", shareable=True, active=False),
]
SETTINGS: dict[str, dict[str, Any]] = {
    "default": {}, "pinned": {"pinned_product_ids": PINNED},
    "no_shareable_code": {"discount_codes": NO_SHAREABLE},
    "no_product_pages": {"product_url_template": ""},
}


@pytest.fixture(scope="module")
def runtimes(embedder: Embedder, demo_chroma: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Runtime]]:
    """One runtime per settings variant for the whole module: FAQ turns change no state
    another conversation reads, and building a runtime per test would double the time."""
    built = {
        name: build_runtime(Settings(data_dir=tmp_path_factory.mktemp(f"faq-{name}"),
                                     chroma_dir=demo_chroma, now=FIXED_NOW,
                                     secret_key="test-secret", **overrides), embedder=embedder)
        for name, overrides in SETTINGS.items()
    }
    yield built
    for runtime in built.values():
        runtime.close()


@pytest.fixture
def runtime(runtimes: dict[str, Runtime]) -> Runtime:
    """The module's runtime with the embedded defaults."""
    return runtimes["default"]


def ask(runtime: Runtime, channel: str, text: str) -> TurnResult:
    """One question from an anonymous shopper, answered by the faq skill."""
    result = Shopper(runtime, channel).say(text)
    assert result.skill == "faq" and result.status == "resolved", (result.skill, result.status)
    assert result.identity == "anonymous"
    return result


def shown_products(result: TurnResult, channel: str) -> list[dict[str, Any]]:
    """Product cards on webchat, product links elsewhere (and never the other kind)."""
    cards, links = of_type(result, "product_card"), of_type(result, "link")
    if channel == "webchat":
        assert not links
        return cards
    assert not cards
    return links


def product_urls(result: TurnResult, channel: str) -> list[str]:
    return [p["url"] for p in shown_products(result, channel)]


def citations(result: TurnResult) -> list[tuple[str, str]]:
    return [(c["source"], c["heading"]) for c in of_type(result, "citation")]


# --- store policy from the knowledge base


@pytest.mark.parametrize("channel", CHANNELS)
def test_policy_answer_from_the_knowledge_base_with_a_citation(runtime: Runtime,
                                                               channel: str) -> None:
    result = ask(runtime, channel, "do you ship to Germany?")
    assert "Germany" in text_of(result) and "4-7 business days" in text_of(result)
    assert citations(result)[0][0] == "shipping-and-delivery.md"


@pytest.mark.parametrize("channel", CHANNELS)
def test_below_the_floor_it_says_it_does_not_know(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "can I pay in bitcoin?")
    assert "rather not guess" in text_of(result)
    assert not of_type(result, "citation")
    options = [o["label"] for p in of_type(result, "quick_replies") for o in p["options"]]
    assert options == ["Talk to a person"]


# --- product questions from the catalog (and the sizing & care guide)


@pytest.mark.parametrize("channel", CHANNELS)
def test_material_question_answered_from_the_catalog(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "what is the Skagen jacket made of?")
    assert "Material of the Skagen 3L Shell Jacket: 3-layer recycled nylon" in text_of(result)
    assert not of_type(result, "citation")  # a catalog fact, not a policy
    [shown] = shown_products(result, channel)
    assert shown["url"] == PRODUCT_URL.format(id="prod-skagen-shell")
    if channel == "webchat":
        assert (shown["price"], shown["in_stock"]) == ("€349.00", True)
        assert shown["variants"] == "S and L in Fjord Blue; M and L in Black"
        assert result.rendered.payload["messages"][-1]["kind"] == "product"
    else:
        assert shown["label"] == "Skagen 3L Shell Jacket - €349.00"


@pytest.mark.parametrize("channel", CHANNELS)
def test_care_question_cites_the_care_guide(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "how do I wash the Lofoten down jacket?")
    text = text_of(result)
    assert "To care for the Lofoten Down Jacket: wash at 30 °C with a down wash" in text
    assert "From our guide (Sizing and care): Wash down jackets rarely" in text
    assert citations(result) == [(GUIDE, "Care instructions › Down jackets")]
    assert product_urls(result, channel) == [PRODUCT_URL.format(id="prod-lofoten-down")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_sizes_in_stock_and_sold_out_with_the_size_chart(runtime: Runtime,
                                                         channel: str) -> None:
    result = ask(runtime, channel, "what sizes does the Skagen shell come in?")
    text = text_of(result)
    assert "Sizes of the Skagen 3L Shell Jacket: S, M, L and XL." in text
    assert "In stock now: S and L in Fjord Blue; M and L in Black." in text
    assert "Sold out right now: M in Fjord Blue; XL in Black." in text
    assert "athletic fit" in text
    assert citations(result) == [(GUIDE, "Size charts › Jackets and fleeces")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_sold_out_size_is_said_with_what_is_in_stock(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "do you have the Kjerag boots in size 42?")
    text = text_of(result)
    assert "Sorry, we're out of EU 42 in Brown right now." in text
    assert "In stock now: EU 38, EU 40, EU 44 and EU 46 in Brown." in text
    assert "Sizes of" not in text  # the size asked about is answered, not every size
    assert citations(result) == [(GUIDE, "Size charts › Hiking boots")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_colour_in_stock(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "is the Skagen jacket available in black?")
    text = text_of(result)
    assert "Yes, we have M and L in Black in stock." in text
    assert "Sorry, we're out of XL in Black right now." in text


@pytest.mark.parametrize("channel", CHANNELS)
def test_pre_order_product_with_nothing_in_stock(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "is the Svalbard parka in stock?")
    assert "The Svalbard Expedition Parka can be pre-ordered; none is in stock yet." in (
        text_of(result))
    [shown] = shown_products(result, channel)
    if channel == "webchat":
        assert shown["in_stock"] is False and shown["variants"] == ""
    if channel in ("sms", "whatsapp"):
        assert "(sold out)" not in result.rendered.payload["body"]  # a link, not a card line


@pytest.mark.parametrize("channel", CHANNELS)
def test_product_named_without_an_aspect_gets_an_overview(runtime: Runtime,
                                                          channel: str) -> None:
    result = ask(runtime, channel, "tell me about the Lofoten down jacket")
    text = text_of(result)
    assert text.startswith("The Lofoten Down Jacket (€299.00): Warm, packable down jacket")
    assert "Sold out right now: L in Black." in text


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_product_matched_falls_back_to_the_knowledge_base(runtime: Runtime,
                                                             channel: str) -> None:
    result = ask(runtime, channel, "what size should I get?")
    assert "If you are between two sizes" in text_of(result)
    assert citations(result) == [(GUIDE, "Size charts")]
    assert not of_type(result, "product_card") and not of_type(result, "link")


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_product_without_sizes_comes_in_one_size(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "what sizes does the Trolltunga daypack come in?")
    assert "The Trolltunga 28L Daypack: one size only." in text_of(result)
    assert "In stock now: Fjord Blue and Sand." in text_of(result)
    assert not of_type(result, "citation")  # no size chart for a one-size product


def run_faq(runtime: Runtime, text: str, products: list[Product]) -> SkillOutcome:
    """The skill itself on a catalog of the test's own, outside the demo store."""
    services = runtime.services
    ctx = SkillContext(request=Request(text=text), channel=Channel.WEBCHAT,
                       settings=services.settings, policy=services.policy, now=FIXED_NOW,
                       knowledge=services.knowledge, phrasing=services.brain,
                       products=lambda: products)
    return FaqSkill().run(ctx)


def test_a_missing_catalog_fact_is_not_guessed(runtime: Runtime) -> None:
    outcome = run_faq(runtime, "what is the windbreaker made of?", [WIND, PARKA])
    texts = [p.text for p in outcome.parts if p.type == "text"]
    assert texts == ["I don't have the material details of the Fell Running Windbreaker, "
                     "and I'd rather not guess."]


def test_a_sold_out_product_that_is_not_a_pre_order(runtime: Runtime) -> None:
    parka = PARKA.model_copy(update={"tags": ("parka",)})
    outcome = run_faq(runtime, "is the parka in stock?", [WIND, parka])
    texts = [p.text for p in outcome.parts if p.type == "text"]
    assert texts == ["Sorry, we're out of the Svalbard Expedition Parka right now."]


# --- recommendations


@pytest.mark.parametrize("channel", CHANNELS)
def test_recommendations_for_a_need_prefer_matching_products(runtime: Runtime,
                                                             channel: str) -> None:
    result = ask(runtime, channel, "what do you recommend for hiking in the rain?")
    expected = ["prod-kjerag-boots", "prod-merino-socks", "prod-skagen-shell",
                "prod-trolltunga-daypack", "prod-jotunheim-pack"]
    urls = [PRODUCT_URL.format(id=i) for i in expected]
    assert product_urls(result, channel) == (urls[:3] if channel == "sms" else urls)
    assert "suggest" in text_of(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_pinned_products_first_then_best_sellers_in_stock_only(runtimes: dict[str, Runtime],
                                                               channel: str) -> None:
    result = ask(runtimes["pinned"], channel, "what's popular at the moment?")
    urls = product_urls(result, channel)
    assert len(urls) == (3 if channel == "sms" else 10)
    assert urls[:3] == [PRODUCT_URL.format(id=i) for i in (
        "prod-merino-socks", "prod-fell-windbreaker", "prod-hardanger-fleece")]
    assert PRODUCT_URL.format(id="prod-svalbard-parka") not in urls  # nothing in stock
    if channel == "webchat":
        assert all(card["in_stock"] for card in of_type(result, "product_card"))


@pytest.mark.parametrize("channel", CHANNELS)
def test_gift_ideas(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "any gift ideas?")
    assert product_urls(result, channel) == [PRODUCT_URL.format(id=i) for i in (
        "prod-merino-socks", "prod-embroidered-beanie")]


@pytest.mark.parametrize("channel", CHANNELS)
def test_without_product_pages_products_are_named_without_links(runtimes: dict[str, Runtime],
                                                                channel: str) -> None:
    result = ask(runtimes["no_product_pages"], channel, "any gift ideas?")
    assert not of_type(result, "link")
    cards = of_type(result, "product_card")
    assert [c["title"] for c in cards] == ["Merino Hiking Socks", "Embroidered Merino Beanie"]
    assert all(c["url"] is None for c in cards)
    assert "/products/" not in everything_shown(result)
    if channel == "sms":
        assert "Embroidered Merino Beanie - €39.00" in result.rendered.payload["body"]


# --- discount codes


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_shareable_code_is_shared_with_the_cited_policy(runtime: Runtime,
                                                          channel: str) -> None:
    result = ask(runtime, channel, "do you have a discount code?")
    assert ("You can use the code WELCOME10 at checkout: 10% off your first order."
            in text_of(result))
    assert citations(result)[0][0] == DISCOUNTS
    assert "STAFF40" not in everything_shown(result)


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_non_shareable_code_is_never_confirmed(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "do you have a code? STAFF40?")
    assert "I can't confirm that code" in text_of(result)
    assert "WELCOME10" in text_of(result)
    shown = everything_shown(result)
    assert "STAFF40" not in shown and "staff discount" not in shown


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_shareable_code_named_is_confirmed(runtime: Runtime, channel: str) -> None:
    result = ask(runtime, channel, "is WELCOME10 still valid?")
    assert text_of(result) == "Yes, WELCOME10 is a valid code: 10% off your first order."


@pytest.mark.parametrize("channel", CHANNELS)
def test_no_shareable_code_says_so_and_points_to_the_policy(runtimes: dict[str, Runtime],
                                                            channel: str) -> None:
    result = ask(runtimes["no_shareable_code"], channel, "any discount codes I can use?")
    assert "I don't have a discount code I can share right now." in text_of(result)
    assert citations(result)[0][0] == DISCOUNTS
    shown = everything_shown(result)
    assert not any(c.code in shown for c in NO_SHAREABLE)


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_expired_code_named_is_not_confirmed(runtimes: dict[str, Runtime],
                                                channel: str) -> None:
    result = ask(runtimes["no_shareable_code"], channel, "is WELCOME10 still valid?")
    assert "I can't confirm that code" in text_of(result)
    assert "I don't have a discount code I can share right now." in text_of(result)
    assert "valid code" not in text_of(result)
