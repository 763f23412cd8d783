"""Catalog answers: which product the shopper means, what they ask about it, and the facts.

Everything here is pure and reads only ``Product`` data: :func:`match_product` finds the
product a message names (distinctive title words count most), :func:`detect_aspects`
says what is asked (material, care, sizes, colours, stock), and the ``*_facts`` helpers
state the catalog's own facts, in stock vs sold out. The FAQ skill words them and adds
the sizing & care guide section when :func:`guide_is_relevant` says it is about this
kind of product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum

from agent.commerce.models import Product, Variant
from skills.orders import join_words
from skills.parts import LinkPart, ProductCardPart
from skills.policy import PRE_ORDER

TOKEN = re.compile(r"[a-z0-9]+(?:['/-][a-z0-9]+)*")
CURRENCY_SIGN = "€"  # the catalog's prices carry no currency; the demo store sells in EUR
MATCH_STOP_WORDS = frozenset({
    "a", "an", "the", "is", "are", "do", "does", "can", "i", "you", "your", "my", "me", "to",
    "of", "for", "in", "on", "and", "or", "what", "how", "it", "be", "with", "have", "has",
    "this", "that", "we", "our", "us", "any", "some", "there", "which", "come", "get",
})
SIZE_WORDS = {"xs": "xs", "small": "s", "medium": "m", "large": "l", "xl": "xl"}


class Aspect(StrEnum):
    """What a product question is about."""

    MATERIAL = "material"
    CARE = "care"
    SIZES = "sizes"
    COLOURS = "colours"
    STOCK = "stock"


ASPECT_CUES: dict[Aspect, frozenset[str]] = {
    Aspect.MATERIAL: frozenset({"material", "fabric", "made", "wool", "waterproof", "breathable",
                                "recycled", "fill", "membrane", "leather", "nylon", "polyester",
                                "insulation", "insulated"}),
    Aspect.CARE: frozenset({"wash", "washing", "washable", "clean", "cleaning", "care", "dry",
                            "drying", "dryer", "tumble", "iron", "reproof", "wax", "softener",
                            "detergent"}),
    Aspect.SIZES: frozenset({"size", "sizing", "fit", "fitting", "chart", "measurement",
                             "small", "big", "tight", "loose"}),
    Aspect.COLOURS: frozenset({"colour", "color", "colourway", "colorway", "shade"}),
    Aspect.STOCK: frozenset({"stock", "available", "availability", "sold", "restock",
                             "restocked", "left"}),
}
POLICY_CUES = frozenset({"return", "refund", "exchange", "ship", "shipping", "deliver",
                         "delivery", "warranty", "guarantee", "repair", "cancel", "payment"})


def stem(word: str) -> str:
    """A crude singular: ``jackets`` -> ``jacket``, ``accessories`` -> ``accessory``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``; ``s/m``, ``36-39`` and ``what's`` stay one token."""
    return TOKEN.findall(text.lower())


def stems(text: str) -> set[str]:
    """The stemmed words of ``text`` that can name something (stop words left out)."""
    return {stem(w) for w in tokens(text) if w not in MATCH_STOP_WORDS}


def name_terms(product: Product) -> set[str]:
    """The words that name a product: its title and its type."""
    return stems(f"{product.title} {product.product_type}")


def match_product(text: str, products: Sequence[Product], store_name: str = "") -> Product | None:
    """The one product ``text`` names, or None when none or several fit equally well.

    Each word shared with a product's title or type counts ``1 / n`` where ``n`` is the
    number of products it names, so ``skagen`` or ``parka`` decide alone while ``jacket``
    only helps; a tie between the best two means the message is not specific enough.
    Words of the store's own name never count ("Fjord & Fell" is not the Fell Windbreaker).
    """
    terms = [name_terms(p) for p in products]
    counts: dict[str, int] = {}
    for product_terms in terms:
        for term in product_terms:
            counts[term] = counts.get(term, 0) + 1
    asked = stems(text) - stems(store_name)
    scores = [sum(1 / counts[t] for t in asked & product_terms) for product_terms in terms]
    ranked = sorted(range(len(products)), key=lambda i: -scores[i])
    if not ranked or scores[ranked[0]] < 1:
        return None
    if len(ranked) > 1 and scores[ranked[1]] == scores[ranked[0]]:
        return None
    return products[ranked[0]]


def detect_aspects(text: str) -> list[Aspect]:
    """The aspects a product question asks about, in ``Aspect`` order (may be none)."""
    asked = {stem(w) for w in tokens(text)} | set(tokens(text))
    return [aspect for aspect, cues in ASPECT_CUES.items() if asked & cues]


def is_policy_question(text: str) -> bool:
    """Whether ``text`` asks about a store policy (returns, shipping...) rather than a product."""
    return bool(stems(text) & POLICY_CUES)


def named_variants(text: str, product: Product) -> list[Variant]:
    """The variants of ``product`` whose size and/or colour the message names."""
    words = set(tokens(text))
    words |= {SIZE_WORDS[w] for w in words if w in SIZE_WORDS}
    joined = " ".join(tokens(text))

    def size_named(v: Variant) -> bool:
        needed = set(tokens(v.size or "")) - {"eu"}
        return bool(needed) and needed <= words

    def colour_named(v: Variant) -> bool:
        colour = " ".join(tokens(v.color or ""))
        return bool(colour) and (colour in joined or colour.split()[-1] in words)

    by_size = {v.id for v in product.variants if size_named(v)}
    by_colour = {v.id for v in product.variants if colour_named(v)}
    wanted = by_size & by_colour if by_size and by_colour else by_size | by_colour
    return [v for v in product.variants if v.id in wanted]


def in_stock(product: Product) -> bool:
    """Whether at least one variant can be bought now."""
    return any(v.inventory > 0 for v in product.variants)


def is_pre_order(product: Product) -> bool:
    """Whether the product is sold ahead of its stock arriving."""
    return PRE_ORDER in product.tags


def unique(values: Iterable[str | None]) -> list[str]:
    """The values in first-seen order, blanks and repeats left out."""
    return list(dict.fromkeys(v for v in values if v))


def variant_summary(variants: Sequence[Variant]) -> str:
    """Variants grouped by colour: ``S and L in Fjord Blue; M in Black``."""
    colours = unique(v.color for v in variants)
    if not colours:
        return join_words(unique(v.size for v in variants))
    groups = []
    for colour in colours:
        sizes = unique(v.size for v in variants if v.color == colour)
        groups.append(f"{join_words(sizes)} in {colour}" if sizes else colour)
    return "; ".join(groups) if any(v.size for v in variants) else join_words(groups)


def format_price(product: Product) -> str:
    """``€349.00``, or ``from €79.00`` when variants cost different amounts."""
    prices = sorted({v.price for v in product.variants}) or [Decimal("0")]
    price = f"{CURRENCY_SIGN}{prices[0]:.2f}"
    return price if len(prices) == 1 else f"from {price}"


def sizes_of(product: Product) -> list[str]:
    """Every size the product is made in, in catalog order."""
    return unique(v.size for v in product.variants)


def colours_of(product: Product) -> list[str]:
    """Every colour the product is made in, in catalog order."""
    return unique(v.color for v in product.variants)


def stock_facts(product: Product, asked: Sequence[Variant]) -> dict[str, str]:
    """In-stock and sold-out summaries, overall and for the variants the shopper named."""
    available = [v for v in product.variants if v.inventory > 0]
    sold_out = [v for v in product.variants if v.inventory <= 0]
    return {
        "in_stock": variant_summary(available),
        "sold_out": variant_summary(sold_out),
        "asked_in_stock": variant_summary([v for v in asked if v.inventory > 0]),
        "asked_sold_out": variant_summary([v for v in asked if v.inventory <= 0]),
    }


def guide_query(product: Product, aspect: Aspect) -> str | None:
    """What to look up in the sizing & care guide for this aspect, if anything."""
    if aspect is Aspect.CARE:
        return f"how to wash and care for {product.product_type}"
    if aspect is Aspect.SIZES and sizes_of(product):
        return f"size chart and fit for {product.product_type}"
    return None


def prose_of(section_text: str) -> str:
    """A section without its markdown table rows (a size chart is not a sentence)."""
    return "\n".join(line for line in section_text.splitlines()
                     if not line.lstrip().startswith("|"))


def lower_first(text: str) -> str:
    """``Machine wash`` -> ``machine wash`` to continue a sentence; ``RDS down`` stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def guide_is_relevant(heading: str, text: str, product: Product) -> bool:
    """Whether a guide section is about this kind of product.

    Either the section mentions every word of the product's type (``down jacket`` in
    "the down jackets are cut roomier"), or every word of the section's own heading
    names the product (``Leather boots`` for leather hiking boots, ``Merino wool`` for a
    merino top).
    """
    leaf = heading.split("›")[-1]
    section = stems(f"{heading} {text}")
    described = name_terms(product) | stems(product.material)
    return stems(product.product_type) <= section or stems(leaf) <= described


def product_card(product: Product, url: str | None) -> ProductCardPart:
    """A product card: price, in-stock variants and the product page."""
    available = [v for v in product.variants if v.inventory > 0]
    return ProductCardPart(product_id=product.id, title=product.title,
                           price=format_price(product), url=url,
                           variants=variant_summary(available), in_stock=bool(available))


def product_link(product: Product, url: str) -> LinkPart:
    """A product page link labelled with title and price (GSM-safe: a plain hyphen)."""
    return LinkPart(label=f"{product.title} - {format_price(product)}", url=url)
