"""Returns & exchanges on received orders: per-item eligibility, exchanges, refund state.

Per line item (``rules.return_eligibility``): delivered and inside the window -> return or
exchange (for the other sizes and colours of the same product in stock); not delivered
yet -> explained, and handed over to ``order_status``; outside the window, final sale,
personalised, already returned -> explained with the policy (and its exception section)
cited. Eligible items get a card (webchat) or a link (SMS, WhatsApp, email) to the
returns page. "Where is my refund?" about a returned item gets its return and refund
state from the order's own data. The agent never issues a refund itself.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from agent.commerce.models import FulfillmentStatus, Order, Variant
from agent.links import LinkPurpose, self_service_link, self_service_url
from skills.base import (
    OutcomeStatus,
    Skill,
    SkillContext,
    SkillOutcome,
    policy_content,
)
from skills.order_editing import talk_to_person_reply
from skills.orders import (
    cite,
    decision_facts,
    describe_items,
    describe_reasons,
    find_order,
    has_or_have,
    item_label,
    order_card,
    present_order,
)
from skills.parts import Action, LinkPart, Part
from skills.policy import FINAL_SALE, PERSONALISED
from skills.rules import (
    ItemDecision,
    Reason,
    format_local_time,
    handed_over_items,
    return_eligibility,
)
from skills.rules_delivery import parse_holidays
from skills.rules_returns import (
    REFUND_BUSINESS_DAYS,
    RefundStage,
    RefundState,
    asks_refund_status,
    exchange_options,
    has_returns,
    order_refunds,
    return_deadline,
)

RETURNS_POLICY_QUERY = ("Within how many days of delivery can items be returned, and in what "
                        "condition?")
EXCHANGE_POLICY_QUERY = "Exchanges for another size or colour of the same product"
REFUND_POLICY_QUERY = "How long do refunds take to reach my original payment method?"
EXCEPTION_QUERIES: dict[str, str] = {
    FINAL_SALE: "Final-sale items can't be returned or exchanged",
    PERSONALISED: "Personalised items with embroidery can't be returned or exchanged",
}


def received_orders(orders: list[Order]) -> list[Order]:
    """Orders with something shipped or delivered: the likely subject of a return."""
    shipped = {FulfillmentStatus.DELIVERED, FulfillmentStatus.FULFILLED,
               FulfillmentStatus.PARTIALLY_FULFILLED}
    return [o for o in orders if o.status in shipped]


def refund_candidates(orders: list[Order]) -> list[Order]:
    """Orders with a return, the subject of "where is my refund?"; else received ones."""
    return [o for o in orders if has_returns(o)] or received_orders(orders)


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    """``url`` with ``params`` appended to whatever query it already has."""
    split = urlsplit(url)
    query = parse_qsl(split.query, keep_blank_values=True) + params
    return urlunsplit(split._replace(query=urlencode(query)))


def variant_titles(variants: list[Variant]) -> str:
    """``M / Blue, L / Black``."""
    return ", ".join(v.title for v in variants)


class ReturnsSkill(Skill):
    """Return or exchange items of a received order, or follow the refund of a return."""

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
    policy_queries = (RETURNS_POLICY_QUERY, EXCHANGE_POLICY_QUERY, REFUND_POLICY_QUERY)
    prerequisites = (
        self_service_link(LinkPurpose.RETURNS),
        policy_content(RETURNS_POLICY_QUERY, "no returns & exchanges policy in content"),
    )

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Refund state for "where is my refund?", else per-item return eligibility."""
        refund_question = asks_refund_status(ctx.request.text)
        lookup = find_order(ctx, refund_candidates if refund_question else received_orders)
        if lookup.order is None:
            assert lookup.outcome is not None
            return lookup.outcome
        order = lookup.order
        lead: list[Part] = []
        if refund_question:
            refunds = order_refunds(order, ctx.now, ctx.settings.store_timezone,
                                    parse_holidays(ctx.settings.holidays))
            if refunds:
                return self.refund_status(ctx, order, refunds)
            lead.append(ctx.say("returns.no_refund_yet", number=order.number))
        return self.eligibility(ctx, order, lead)

    def refund_status(self, ctx: SkillContext, order: Order,
                      refunds: list[RefundState]) -> SkillOutcome:
        """Where the return and refund of each returned item stand."""
        states = "; ".join(f"{item_label(r.title, r.variant)}: {r.detail}" for r in refunds)
        parts: list[Part] = [ctx.say("returns.refund_state", number=order.number,
                                     states=states)]
        stages = {r.stage for r in refunds}
        if stages & {RefundStage.PROCESSING, RefundStage.OVERDUE}:
            parts.append(ctx.say("returns.refund_timing", days=REFUND_BUSINESS_DAYS))
        url = self_service_url(order, LinkPurpose.RETURNS, ctx.settings)
        if url is not None:
            parts.append(LinkPart(label=f"Follow your return #{order.number}", url=url))
        parts += cite(ctx, REFUND_POLICY_QUERY)
        if RefundStage.OVERDUE in stages:
            parts += [ctx.say("returns.refund_overdue"), talk_to_person_reply()]
        facts = {"order_number": order.number, "refunds": [
            {"title": r.title, "variant": r.variant, "stage": r.stage.value,
             "amount": None if r.amount is None else str(r.amount), "currency": r.currency,
             "detail": r.detail} for r in refunds]}
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts,
                            carry={"order_number": order.number, "line_item_ids": None})

    def eligibility(self, ctx: SkillContext, order: Order, lead: list[Part]) -> SkillOutcome:
        """Which items can go back, which cannot and why, and how to start the return.

        Items not delivered yet go on to ``order_status``, unless this skill was itself
        handed the items by another one (one hand-over per reply is enough).
        """
        every_item = return_eligibility(order, ctx.policy, ctx.now, ctx.settings.store_timezone)
        handed = handed_over_items(every_item, ctx.carried.get("line_item_ids"))
        decisions = handed or every_item
        eligible = [d for d in decisions if d.allowed]
        in_transit = [d for d in decisions if d.reason_code is Reason.NOT_DELIVERED]
        blocked = [d for d in decisions if not d.allowed and d not in in_transit]
        options = self.exchanges(ctx, order, eligible)

        parts = list(lead)
        if eligible:
            parts.append(ctx.say("returns.eligible_until", number=order.number,
                                 eligible=self.deadlines(ctx, order, eligible)))
            parts += self.exchange_text(ctx, eligible, options)
        if in_transit:
            parts.append(ctx.say("returns.not_delivered", items=describe_items(in_transit),
                                 has_have=has_or_have(in_transit),
                                 days=ctx.policy.return_window.days))
        if blocked:
            key = "returns.not_eligible" if eligible or in_transit else "returns.none_eligible"
            parts.append(ctx.say(key, number=order.number, reasons=describe_reasons(blocked)))
        if eligible:
            parts += self.presentation(ctx, order, eligible, options)
        parts += cite(ctx, RETURNS_POLICY_QUERY)
        for tag in sorted({d.excluded_tag for d in blocked if d.excluded_tag}):
            if tag in EXCEPTION_QUERIES:
                parts += cite(ctx, EXCEPTION_QUERIES[tag])
        if any(not found for found in options.values()):
            parts += cite(ctx, EXCHANGE_POLICY_QUERY)

        facts = {**decision_facts(order, decisions), "exchange_options": {
            key: [v.title for v in found] for key, found in options.items()}}
        carry = {"order_number": order.number, "line_item_ids": None}
        if in_transit and not handed:
            return SkillOutcome(
                status=OutcomeStatus.REDIRECT, redirect_to="order_status", parts=parts,
                facts=facts,
                carry={**carry, "line_item_ids": [d.line_item_id for d in in_transit]})
        if not eligible and not in_transit:
            parts += [ctx.say("returns.person"), talk_to_person_reply()]
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts,
                            carry=carry)

    def exchanges(self, ctx: SkillContext, order: Order,
                  eligible: list[ItemDecision]) -> dict[str, list[Variant]]:
        """Per eligible line item id: the variants it can be exchanged for."""
        lines = {li.id: li for li in order.line_items}
        products = ctx.products()
        return {d.line_item_id: exchange_options(lines[d.line_item_id], products)
                for d in eligible}

    def deadlines(self, ctx: SkillContext, order: Order, eligible: list[ItemDecision]) -> str:
        """``A and B can be returned or exchanged until 15 Dec 11:00`` (grouped by date)."""
        lines = {li.id: li for li in order.line_items}
        grouped: dict[str, list[ItemDecision]] = {}
        for decision in eligible:
            deadline = return_deadline(lines[decision.line_item_id], ctx.policy)
            assert deadline is not None, "eligible items are delivered"
            when = format_local_time(deadline, ctx.now, ctx.settings.store_timezone)
            grouped.setdefault(when, []).append(decision)
        return "; ".join(f"{describe_items(items)} can be returned or exchanged until {when}"
                         for when, items in grouped.items())

    def exchange_text(self, ctx: SkillContext, eligible: list[ItemDecision],
                      options: dict[str, list[Variant]]) -> list[Part]:
        """What each eligible item can be exchanged for, and which have nothing in stock."""
        offered = [d for d in eligible if options[d.line_item_id]]
        unavailable = [d for d in eligible if not options[d.line_item_id]]
        parts: list[Part] = []
        if len(eligible) == 1 and offered:
            parts.append(ctx.say("returns.exchange_options",
                                 options=variant_titles(options[offered[0].line_item_id])))
        elif offered:
            parts.append(ctx.say("returns.exchange_options", options="; ".join(
                f"{item_label(d.title, d.variant)}: {variant_titles(options[d.line_item_id])}"
                for d in offered)))
        if unavailable:
            parts.append(ctx.say("returns.no_exchange", items=describe_items(unavailable)))
        return parts

    def presentation(self, ctx: SkillContext, order: Order, eligible: list[ItemDecision],
                     options: dict[str, list[Variant]]) -> list[Part]:
        """The card of eligible items (webchat) or the returns link (other channels)."""
        base = self_service_url(order, LinkPurpose.RETURNS, ctx.settings)
        if base is None:
            return []
        lines = [("line", d.line_item_id) for d in eligible]
        return_url = with_query(base, lines)
        actions = [Action(label="Start a return", url=return_url)]
        if any(options.values()):
            actions.append(Action(label="Exchange",
                                  url=with_query(base, [*lines, ("action", "exchange")])))
        shown = [replace(d, reason=f"{d.reason}; " + (
            f"exchange for {variant_titles(options[d.line_item_id])}"
            if options[d.line_item_id] else "no other size or colour in stock"))
            for d in eligible]
        card = order_card(order, shown, "return", actions, return_url)
        link = LinkPart(label=f"Start a return or exchange for #{order.number}", url=return_url)
        return present_order(ctx, card, link)
