"""FAQ: store policy, product questions, recommendations and discount codes.

A message is handled by the first of these that applies: a discount or a code
(``skills.discounts``); a question about one catalog product's material, care, sizes,
colours or stock (``skills.products``, plus the sizing & care guide section when it is
about that kind of product); a request for suggestions (``skills.recommendations``); a
catalog product named with no aspect (an overview); else the knowledge base. Only
knowledge-base sections above the score floor are used, always cited; with none, the agent
says it does not know and offers a person rather than guess.
"""

from __future__ import annotations

import re

from agent.commerce.models import Product, Variant
from skills.base import (
    KnowledgeHit,
    OutcomeStatus,
    Prerequisite,
    PrerequisiteEnv,
    Skill,
    SkillContext,
    SkillOutcome,
    citation_of,
)
from skills.discounts import discount_reply, is_discount_request
from skills.order_editing import talk_to_person_reply
from skills.orders import join_words
from skills.parts import Part
from skills.products import (
    Aspect,
    colours_of,
    detect_aspects,
    format_price,
    guide_is_relevant,
    guide_query,
    in_stock,
    is_policy_question,
    is_pre_order,
    lower_first,
    match_product,
    named_variants,
    prose_of,
    sizes_of,
    stock_facts,
)
from skills.recommendations import (
    is_recommendation_request,
    present_products,
    recommendation_reply,
)

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
WORD = re.compile(r"[a-z0-9€%]+")
MAX_SENTENCES = 4
STOP_WORDS = frozenset({
    "a", "an", "the", "is", "are", "do", "does", "can", "i", "you", "your", "my", "me", "to",
    "of", "for", "in", "on", "and", "or", "what", "how", "when", "where", "which", "it", "be",
    "with", "have", "has", "there", "this", "that", "we", "our", "us",
})


def content_words(text: str) -> set[str]:
    """The lower-cased words of ``text`` that carry meaning."""
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


def reflow_blocks(section_text: str) -> list[tuple[str, bool]]:
    """Blocks of a section, wrapped lines joined, each list item on its own; with each, whether
    it is a list item."""
    blocks: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_is_item = False
    for raw in section_text.splitlines():
        line = raw.strip()
        if not line or LIST_ITEM.match(line):
            if current:
                blocks.append((current, current_is_item))
            current = [LIST_ITEM.sub("", line)] if line else []
            current_is_item = bool(line)
            continue
        current.append(line.strip("#* "))
    if current:
        blocks.append((current, current_is_item))
    joined = [(" ".join(part for part in block if part), item) for block, item in blocks]
    return [(text, item) for text, item in joined if text]


def reflow(section_text: str) -> list[str]:
    """Blocks of a section: wrapped lines joined, each list item on its own, ending in a stop."""
    return [_stopped(text) for text, _ in reflow_blocks(section_text)]


def _stopped(text: str) -> str:
    """``text`` ending in a full stop unless it ends in one already (or in a colon)."""
    return text if text[-1] in ".!?:" else f"{text.rstrip(';,')}."


def answer_units(section_text: str) -> list[str]:
    """The sentences of a section, except that a list announced by a sentence ending in a
    colon stays with it, its items joined by semicolons ("We accept these cards: Visa;
    PayPal; Klarna."): the list is what the sentence promises, and is never cut from it."""
    units: list[str] = []
    announced: list[str] | None = None
    for text, is_item in reflow_blocks(section_text):
        if is_item and announced is not None:
            announced.append(text.rstrip(".;,"))
            continue
        if announced:
            units[-1] = f"{units[-1]} {'; '.join(announced)}."
        announced = None
        sentences = [text] if is_item else [s for s in SENTENCE_END.split(text) if s.strip()]
        units.extend(_stopped(sentence) for sentence in sentences)
        if not is_item and units and units[-1].endswith(":"):
            announced = []
    if announced:
        units[-1] = f"{units[-1]} {'; '.join(announced)}."
    return units


def extract_answer(question: str, section_text: str, limit: int = MAX_SENTENCES) -> str:
    """The ``limit`` sentences (a list with the sentence announcing it counts as one) of a
    section sharing most words with the question, in order."""
    sentences = answer_units(section_text)
    if len(sentences) <= limit:
        return " ".join(sentences)
    wanted = content_words(question)
    overlap = [len(wanted & content_words(sentence)) for sentence in sentences]
    ranked = sorted((i for i in range(len(sentences)) if overlap[i]), key=lambda i: -overlap[i])
    keep = sorted(ranked[:limit]) or list(range(limit))
    return " ".join(sentences[i] for i in keep)


def knowledge_base_has_content(env: PrerequisiteEnv) -> str | None:
    """Live when the knowledge base answers a basic store question."""
    found = env.knowledge.search("store contact information and opening hours", k=1)
    return None if found else "the knowledge base is empty"


def answer_parts(ctx: SkillContext, question: str, hit: KnowledgeHit) -> list[Part]:
    """The sentences of ``hit`` that answer ``question``, and its citation."""
    answer = extract_answer(question, hit.text)
    return [ctx.say("faq.answer", answer=answer, heading=hit.heading), citation_of(hit)]


def knowledge_reply(ctx: SkillContext) -> SkillOutcome:
    """Answer from the best section above the floor, or admit not knowing."""
    hits = list(ctx.knowledge.search(ctx.request.text, k=3))
    if not hits:
        return SkillOutcome(status=OutcomeStatus.RESOLVED, facts={"answered": False},
                            parts=[ctx.say("faq.unknown"), talk_to_person_reply()])
    best = hits[0]
    facts = {"answered": True, "section": best.section_id, "score": round(best.score, 3)}
    return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts,
                        parts=answer_parts(ctx, ctx.request.text, best))


def fact_parts(ctx: SkillContext, product: Product, aspect: Aspect) -> list[Part]:
    """The catalog's answer for one aspect (stock is stated once, by ``stock_parts``)."""
    title = product.title
    if aspect in (Aspect.MATERIAL, Aspect.CARE):
        value = product.material if aspect is Aspect.MATERIAL else product.care
        if not value:
            return [ctx.say("product.no_fact", title=title, aspect=aspect.value)]
        return [ctx.say(f"product.{aspect.value}", title=title, value=lower_first(value))]
    if aspect is Aspect.SIZES:
        sizes = sizes_of(product)
        if not sizes:
            return [ctx.say("product.one_size", title=title)]
        return [ctx.say("product.sizes", title=title, sizes=join_words(sizes))]
    if aspect is Aspect.COLOURS:
        return [ctx.say("product.colours", title=title, colours=join_words(colours_of(product)))]
    return []


def stock_parts(ctx: SkillContext, product: Product, asked: list[Variant]) -> list[Part]:
    """What is in stock and sold out; the variants the shopper named (``asked``) first."""
    if not in_stock(product):
        return [ctx.say("product.pre_order" if is_pre_order(product) else "product.sold_out",
                        title=product.title)]
    facts = stock_facts(product, asked)
    if facts["asked_in_stock"] or facts["asked_sold_out"]:
        parts: list[Part] = []
        if facts["asked_in_stock"]:
            parts.append(ctx.say("product.asked_in_stock", variants=facts["asked_in_stock"]))
        if facts["asked_sold_out"]:
            parts += [ctx.say("product.asked_sold_out", variants=facts["asked_sold_out"]),
                      ctx.say("product.in_stock", variants=facts["in_stock"])]
        return parts
    parts = [ctx.say("product.in_stock", variants=facts["in_stock"])]
    if facts["sold_out"]:
        parts.append(ctx.say("product.sold_out_variants", variants=facts["sold_out"]))
    return parts


def guide_parts(ctx: SkillContext, product: Product, aspect: Aspect) -> list[Part]:
    """The sizing & care guide's advice for this kind of product, cited, if it has any."""
    query = guide_query(product, aspect)
    if query is None:
        return []
    for hit in ctx.knowledge.search(query, k=3):
        excerpt = extract_answer(f"{ctx.request.text} {product.product_type}",
                                 prose_of(hit.text), limit=2)
        if excerpt and guide_is_relevant(hit.heading, hit.text, product):
            return [ctx.say("product.guide", article=hit.article, excerpt=excerpt),
                    citation_of(hit)]
    return []


def product_reply(ctx: SkillContext, product: Product, aspects: list[Aspect]) -> SkillOutcome:
    """Answer about one product from the catalog (and the guide), with its card or link."""
    asked = named_variants(ctx.request.text, product)
    if not aspects and asked:
        aspects = [Aspect.STOCK]
    parts: list[Part] = []
    if not aspects:
        parts.append(ctx.say("product.overview", title=product.title,
                             price=format_price(product), description=product.description))
    for aspect in aspects:
        if not (asked and aspect in (Aspect.SIZES, Aspect.COLOURS)):  # stock answers those
            parts += fact_parts(ctx, product, aspect)
    if not aspects or {Aspect.SIZES, Aspect.COLOURS, Aspect.STOCK} & set(aspects):
        parts += stock_parts(ctx, product, asked)
    for aspect in aspects:
        parts += guide_parts(ctx, product, aspect)
    facts = {"product": product.id, "aspects": [a.value for a in aspects]}
    return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts,
                        parts=[*parts, *present_products(ctx, [product])])


class FaqSkill(Skill):
    """Answer questions about the store's policies and products from its own content."""

    name = "faq"
    description = ("Questions about store policies, shipping, sizing, care, payment, "
                   "discounts, wholesale and the store itself; product details and stock; "
                   "product recommendations.")
    examples = (
        "what is your return policy",
        "how long does shipping take",
        "do you ship to Germany",
        "what are your opening hours",
        "how do I wash a merino base layer",
        "what size should I get",
        "do you have a student discount",
        "which payment methods do you accept",
        "where is your store located",
        "do you offer free shipping",
        "how can I contact customer service",
        "which email address can I write to",
        "do you sell wholesale",
        "is the jacket waterproof",
        "can I pay with Klarna",
        "how long do I have to return something",
        "do you have a size chart for boots",
        "what's the cancellation policy",
        "do you have a newsletter discount",
        "what is the Skagen shell jacket made of",
        "which colours does the daypack come in",
        "is the grid fleece in stock",
        "do you have the merino top in black",
        "when will the Svalbard be back in stock",
        "what do you recommend for a rainy hike",
        "can you suggest something warm for winter",
        "any ideas for a gift",
        "what are your best sellers",
        "what's popular right now",
        "do you have a discount code",
        "is the code WELCOME10 still valid",
        "can I get a promo code",
        "which backpack is best for a day hike",
        "what sizes does the Lofoten come in",
        "how should I care for the leather boots",
    )
    topics = ("store_information", "product_details", "product_interest", "pricing_discounts")
    prerequisites = (Prerequisite(name="content", check=knowledge_base_has_content),)

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Discounts, then one product's details, then suggestions, then the knowledge base."""
        text = ctx.request.text
        if is_discount_request(text, ctx.settings.discount_codes):
            hits = ctx.knowledge.search(text, k=1)
            return discount_reply(ctx, answer_parts(ctx, text, hits[0]) if hits else [])
        products = ctx.products()
        product = match_product(text, products, ctx.settings.store_name)
        aspects = detect_aspects(text)
        if product is not None and (aspects or named_variants(text, product)):
            return product_reply(ctx, product, aspects)
        if is_recommendation_request(text):
            return recommendation_reply(ctx, products)
        if product is not None and not is_policy_question(text):
            return product_reply(ctx, product, [])
        return knowledge_reply(ctx)
