"""Returns & exchanges on received orders: per-item eligibility, cited policy, returns link.

A first version (the skills issue completes exchanges and refund states): it decides per
line item with ``rules.return_eligibility`` and links to the store's returns page. It
never issues a refund or promises an amount.
"""

from __future__ import annotations

from agent.commerce.models import FulfillmentStatus, Order
from skills.base import (
    OutcomeStatus,
    Skill,
    SkillContext,
    SkillOutcome,
    configured_url,
    policy_content,
)
from skills.orders import (
    cite,
    decision_facts,
    describe_items,
    describe_reasons,
    find_order,
    has_or_have,
    order_card,
    present_order,
)
from skills.parts import Action, LinkPart, Part
from skills.rules import Reason, return_eligibility

RETURNS_POLICY_QUERY = ("Within how many days of delivery can items be returned, and in what "
                        "condition?")


def received_orders(orders: list[Order]) -> list[Order]:
    """Orders with something shipped or delivered: the likely subject of a return."""
    shipped = {FulfillmentStatus.DELIVERED, FulfillmentStatus.FULFILLED,
               FulfillmentStatus.PARTIALLY_FULFILLED}
    return [o for o in orders if o.status in shipped]


class ReturnsSkill(Skill):
    """Return or exchange items of a received order."""

    name = "returns"
    description = "Return, exchange or get a refund for items of an order already received."
    examples = (
        "I want to return my jacket",
        "how do I return an item",
        "I'd like to exchange these boots for a bigger size",
        "the fleece doesn't fit, can I send it back",
        "I want a refund for my order",
        "can I swap the colour of the beanie I received",
        "start a return for order 1023",
        "the item arrived damaged and I want to return it",
        "I received the wrong size and need to exchange it",
        "return the base layer from my last order",
        "where is my refund",
        "send back the backpack I bought",
        "exchange my order",
        "I don't like what I received",
    )
    topics = ("returns_delivered_orders",)
    needs_identity = True
    policy_queries = (RETURNS_POLICY_QUERY,)
    prerequisites = (
        configured_url("returns_url_template", "no returns page configured"),
        policy_content(RETURNS_POLICY_QUERY, "no returns & exchanges policy in content"),
    )

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Which items of the order can go back, which cannot, and the returns link."""
        lookup = find_order(ctx, received_orders)
        if lookup.order is None:
            assert lookup.outcome is not None
            return lookup.outcome
        order = lookup.order
        decisions = return_eligibility(order, ctx.policy, ctx.now, ctx.settings.store_timezone)
        focus = ctx.carried.get("line_item_ids")
        if focus:
            decisions = [d for d in decisions if d.line_item_id in focus]
        eligible = [d for d in decisions if d.allowed]
        in_transit = [d for d in decisions if d.reason_code is Reason.NOT_DELIVERED]
        blocked = [d for d in decisions if not d.allowed and d not in in_transit]
        facts = decision_facts(order, decisions)
        parts: list[Part] = []
        if eligible:
            parts.append(ctx.say("returns.eligible", number=order.number,
                                 items=describe_items(eligible)))
        if in_transit:
            parts.append(ctx.say("returns.not_delivered", items=describe_items(in_transit),
                                 has_have=has_or_have(in_transit),
                                 days=ctx.policy.return_window.days))
        if blocked:
            parts.append(ctx.say("returns.not_eligible", reasons=describe_reasons(blocked)))
        if eligible:
            url = ctx.settings.url(ctx.settings.returns_url_template, order_number=order.number)
            if url is not None:
                actions = [Action(label="Start a return", url=url),
                           Action(label="Exchange", url=url)]
                card = order_card(order, decisions, "return", actions, url)
                parts += present_order(ctx, card, LinkPart(label="Start a return", url=url))
        parts += cite(ctx, RETURNS_POLICY_QUERY)
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts,
                            carry={"order_number": order.number})
