"""English templates added by the skills beyond the first release; merged into TEMPLATES.

Kept apart from ``templates.py`` so the skills and the brain's own templates (greeting,
verification, handoff, their translations) can grow without stepping on each other.
"""

from __future__ import annotations

SKILL_TEMPLATES: dict[str, str] = {
    # returns & exchanges
    "returns.eligible_until": "From order #{number}, {eligible}.",
    "returns.exchange_options": "Available to exchange for: {options}.",
    "returns.no_exchange": "No other size or colour of {items} is in stock right now, so a "
                           "return for a refund is the option there.",
    "returns.not_delivered": "{items} {has_have} not been delivered yet. Once delivered, you "
                             "have {days} days to return or exchange.",
    "returns.not_eligible": "Some items can't be returned: {reasons}.",
    "returns.none_eligible": "Nothing from order #{number} can be returned or exchanged: "
                             "{reasons}.",
    "returns.person": "If you think something isn't right, a person from our team can take a "
                      "look.",
    "returns.no_refund_yet": "Nothing from order #{number} has been returned yet, so there is "
                             "no refund to follow.",
    "returns.refund_state": "Here is where your return from order #{number} stands: {states}.",
    "returns.refund_timing": "Refunds go back to your original payment method within {days} "
                             "business days of the return arriving at our warehouse; your "
                             "bank may take a few more days to show it.",
    "returns.refund_overdue": "I'm sorry, that is taking longer than it should. A person from "
                              "our team can look into it.",
    # order status
    "status.summary": "Here is where order #{number} is: {summary}.",
    "status.late": "I'm sorry, order #{number} is running late: {late}.",
    "status.late_offer": "A person from our team can check with the warehouse and the "
                         "carrier for you.",
    # engine: handoff outside business hours, contact for later, several requests
    "handoff.notice_closed": "I've passed this to our customer care team. They're offline "
                             "right now; a person will reply here {expected}. Nothing you've "
                             "told me is lost.",
    "handoff.ask_email": "If you leave before then, what email address can we answer you "
                         "at?",
    "handoff.email_noted": "Thanks, if you've left by then we'll answer you at {email}.",
    "satisfaction.thanks": "Thank you for rating us {score} out of 5.",
    "multi.next": "I'll come to your other question ({topic}) right after this.",
    "multi.now": "Now, your other question:",
    # faq: product questions (every fact comes from the catalog or a cited guide section)
    "product.overview": "The {title} ({price}): {description}",
    "product.material": "Material of the {title}: {value}",
    "product.care": "To care for the {title}: {value}",
    "product.no_fact": "I don't have the {aspect} details of the {title}, and I'd rather not "
                       "guess.",
    "product.sizes": "Sizes of the {title}: {sizes}.",
    "product.one_size": "The {title}: one size only.",
    "product.colours": "Colours of the {title}: {colours}.",
    "product.in_stock": "In stock now: {variants}.",
    "product.sold_out_variants": "Sold out right now: {variants}.",
    "product.asked_in_stock": "Yes, we have {variants} in stock.",
    "product.asked_sold_out": "Sorry, we're out of {variants} right now.",
    "product.sold_out": "Sorry, we're out of the {title} right now.",
    "product.pre_order": "The {title} can be pre-ordered; none is in stock yet.",
    "product.guide": "From our guide ({article}): {excerpt}",
    # faq: recommendations
    "recommend.matching": "Here is what I'd suggest for that, all in stock now:",
    "recommend.general": "Here are some of our favourites, all in stock now:",
    "recommend.none": "I can't find anything in stock to suggest right now.",
    # faq: discount codes (only codes and descriptions the merchant configured)
    "discount.valid": "Yes, {code} is a valid code: {description}.",
    "discount.share": "You can use the code {code} at checkout: {description}.",
    "discount.cannot_confirm": "I can't confirm that code, sorry.",
    "discount.none": "I don't have a discount code I can share right now.",
}
