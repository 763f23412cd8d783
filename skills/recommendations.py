"""Recommendations: which products to suggest when a shopper asks for ideas.

The order is the merchant's pinned products (``Settings.pinned_product_ids``, in that
order), then the best sellers; only products with a variant in stock are suggested, at
most :data:`MAX_RECOMMENDATIONS` (fewer on SMS). Skills see the catalog
(``ctx.products()``), not the store's sales, so the catalog's own order stands for the
best-seller ranking: the order source lists products best-selling first (Shopify can sort
a collection that way), and the merchant puts anything else first by pinning it. When
the request names a kind of product or a need ("rain", "socks", "a gift"), the products
that fit it are suggested, best fit first, and the others left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.commerce.models import Product
from skills.base import OutcomeStatus, SkillContext, SkillOutcome
from skills.order_editing import talk_to_person_reply
from skills.orders import supports_cards
from skills.parts import Channel, Part
from skills.products import in_stock, name_terms, product_card, product_link, stem, stems

MAX_RECOMMENDATIONS = 10
CHANNEL_LIMITS: dict[Channel, int] = {Channel.SMS: 3}
RECOMMENDATION_CUES = frozenset({
    "recommend", "recommendation", "suggest", "suggestion", "gift", "idea", "popular",
    "bestseller", "bestselling", "trending", "favourite", "favorite",
})
RECOMMENDATION_PHRASES = re.compile(
    r"\bbest[ -]?sell|\bwhat should i (?:buy|get|wear|bring|take|pack)\b"
    r"|\blooking for (?:a|an|some)\b", re.IGNORECASE)
NOT_NEEDS = frozenset({"top", "best", "good", "great", "nice", "new"})
WARM = frozenset({"down", "insulation", "parka", "merino", "fleece"})
NEED_SYNONYMS: dict[str, frozenset[str]] = {
    "rain": frozenset({"waterproof"}), "rainy": frozenset({"waterproof"}),
    "wet": frozenset({"waterproof"}), "storm": frozenset({"waterproof"}),
    "winter": WARM, "cold": WARM, "warm": WARM, "snow": WARM, "freezing": WARM,
    "hike": frozenset({"hiking", "backpack"}), "hiking": frozenset({"hiking", "backpack"}),
    "trek": frozenset({"trekking", "backpack"}), "trekking": frozenset({"backpack"}),
    "gift": frozenset({"accessory"}), "present": frozenset({"accessory"}),
    "bag": frozenset({"backpack"}), "pack": frozenset({"backpack"}),
    "run": frozenset({"running"}), "running": frozenset({"running"}),
}


def is_recommendation_request(text: str) -> bool:
    """Whether the shopper asks for suggestions rather than about one product."""
    return bool(stems(text) & RECOMMENDATION_CUES) or bool(RECOMMENDATION_PHRASES.search(text))


def need_terms(product: Product) -> set[str]:
    """What a product is good for: its name, type and tags, word by word."""
    tag_words = {stem(word) for tag in product.tags for word in tag.split("-")}
    return name_terms(product) | tag_words


def requested_needs(text: str) -> list[frozenset[str]]:
    """One set of acceptable product terms per word of the request (``rain``: waterproof)."""
    words = stems(text) - NOT_NEEDS - (RECOMMENDATION_CUES - NEED_SYNONYMS.keys())
    return [frozenset({word}) | NEED_SYNONYMS.get(word, frozenset()) for word in sorted(words)]


def fit_score(product: Product, needs: Sequence[frozenset[str]]) -> int:
    """How many of the request's needs the product meets."""
    terms = need_terms(product)
    return sum(1 for need in needs if need & terms)


def recommend(products: Sequence[Product], pinned_ids: Sequence[str], text: str,
              limit: int = MAX_RECOMMENDATIONS) -> list[Product]:
    """Pinned products first, then best sellers (the source's ranking); in stock; fits first.

    When some products meet a need the request names, only those are suggested, the
    best fit first and ties in the pinned/best-seller order.
    """
    by_id = {p.id: p for p in products}
    pinned = [by_id[i] for i in dict.fromkeys(pinned_ids) if i in by_id]
    ordered = pinned + [p for p in products if p not in pinned]
    stocked = [p for p in ordered if in_stock(p)]
    needs = requested_needs(text)
    scores = {p.id: fit_score(p, needs) for p in stocked}
    if any(scores.values()):
        stocked = sorted((p for p in stocked if scores[p.id]), key=lambda p: -scores[p.id])
    return stocked[:limit]


def recommendation_limit(channel: Channel) -> int:
    """How many products a reply on ``channel`` suggests (SMS stays short)."""
    return CHANNEL_LIMITS.get(channel, MAX_RECOMMENDATIONS)


def present_products(ctx: SkillContext, products: Sequence[Product]) -> list[Part]:
    """Product cards on webchat; product page links elsewhere (a text line without a URL)."""
    parts: list[Part] = []
    for product in products:
        url = ctx.settings.url(ctx.settings.product_url_template, product_id=product.id)
        if supports_cards(ctx.channel) or url is None:
            parts.append(product_card(product, url))
        else:
            parts.append(product_link(product, url))
    return parts


def recommendation_reply(ctx: SkillContext, products: Sequence[Product]) -> SkillOutcome:
    """Suggest products for the request, or say nothing in stock fits and offer a person."""
    text = ctx.request.text
    chosen = recommend(products, ctx.settings.pinned_product_ids, text,
                       recommendation_limit(ctx.channel))
    facts = {"recommended": [p.id for p in chosen]}
    if not chosen:
        return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts,
                            parts=[ctx.say("recommend.none"), talk_to_person_reply()])
    matched = any(fit_score(p, requested_needs(text)) for p in chosen)
    intro = ctx.say("recommend.matching" if matched else "recommend.general")
    return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts,
                        parts=[intro, *present_products(ctx, chosen)])
