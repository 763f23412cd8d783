"""Discount codes: which ones the agent may share, and the code a shopper names.

The rules are pure functions over the merchant's configured codes
(``Settings.discount_codes``): a code is shared only when the merchant marked it
shareable, it is active, and it has not expired at ``now``. A code the shopper names that
may not be shared is never confirmed, and one the merchant never configured gets the very
same answer, so a reply gives nothing away about which codes exist. The agent never makes
up a code or a discount: every code and description it shows comes from settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from agent.config import DiscountCode
from skills.base import OutcomeStatus, SkillContext, SkillOutcome
from skills.parts import Part
from skills.products import stems

DISCOUNT_CUES = frozenset({"discount", "coupon", "promo", "promocode", "voucher", "deal"})
ASKS_FOR_A_CODE = re.compile(r"\b(?:a|any|some) codes?\b", re.IGNORECASE)  # not "the code"
CODE_LIKE = re.compile(r"\b[A-Za-z]{3,}\d{1,3}\b")


def may_share(code: DiscountCode, now: datetime) -> bool:
    """Shareable, active and not expired at ``now`` (a naive expiry is read as UTC)."""
    expires = code.expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return code.shareable and code.active and (expires is None or expires > now)


def shareable_codes(codes: Sequence[DiscountCode], now: datetime) -> list[DiscountCode]:
    """The codes the agent may give any shopper now, in the merchant's order."""
    return [code for code in codes if may_share(code, now)]


def named_code(text: str, codes: Sequence[DiscountCode]) -> str | None:
    """The code the shopper typed, upper-cased: a configured one, or anything code-shaped."""
    words = {word.upper() for word in re.findall(r"[A-Za-z0-9]+", text)}
    configured = next((c.code.upper() for c in codes if c.code.upper() in words), None)
    if configured is not None:
        return configured
    shaped = CODE_LIKE.search(text)
    return shaped.group(0).upper() if shaped else None


def is_discount_request(text: str, codes: Sequence[DiscountCode]) -> bool:
    """Whether the shopper asks for a discount or about a code.

    A bare "code" counts only as "a code" / "any codes": "I didn't get the code" is about
    a sign-in code, not a discount.
    """
    return (bool(stems(text) & DISCOUNT_CUES) or bool(ASKS_FOR_A_CODE.search(text))
            or named_code(text, codes) is not None)


def discount_reply(ctx: SkillContext, policy: list[Part]) -> SkillOutcome:
    """Share the codes the merchant allows; never confirm any other; add the cited policy.

    ``policy`` is the knowledge-base answer to the question (text and citation), empty
    when nothing is above the score floor.
    """
    codes = ctx.settings.discount_codes
    allowed = shareable_codes(codes, ctx.now)
    asked = named_code(ctx.request.text, codes)
    parts: list[Part] = []
    valid = next((c for c in allowed if c.code.upper() == asked), None)
    if valid is not None:
        parts.append(ctx.say("discount.valid", code=valid.code, description=valid.description))
    else:
        if asked is not None:
            parts.append(ctx.say("discount.cannot_confirm"))
        parts += [ctx.say("discount.share", code=c.code, description=c.description)
                  for c in allowed]
        if not allowed:
            parts.append(ctx.say("discount.none"))
    facts = {"shared": [c.code for c in allowed] if valid is None else [valid.code],
             "named_confirmed": valid is not None}
    return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts, parts=[*parts, *policy])
