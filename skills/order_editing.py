"""Order editing: change or cancel an order through the store's self-service page.

The agent never edits or cancels an order itself. It finds the order, decides per line
item with ``rules.line_item_editability`` under the edit or cancellation policy, cites the
policy, and links to the self-service page; shipped items go on to ``returns``.
"""

from __future__ import annotations

from agent.commerce.models import Order
from agent.links import LinkPurpose, self_service_link, self_service_url
from skills.base import (
    OutcomeStatus,
    Request,
    Skill,
    SkillContext,
    SkillOutcome,
    policy_content,
)
from skills.orders import (
    cite,
    decision_facts,
    describe_items,
    describe_reasons,
    find_order,
    order_card,
    present_order,
)
from skills.parts import Action, LinkPart, Part, QuickRepliesPart, QuickReply
from skills.rules import (
    ItemDecision,
    OrderAction,
    format_local_time,
    line_item_editability,
    open_orders,
    window_for,
)

EDIT_POLICY_QUERY = ("Can I change the size, colour, quantity or shipping address of my order "
                     "after placing it?")
CANCEL_POLICY_QUERY = "Can I cancel my order, until when, and is there a fee?"
ADD_ITEM = "add_item"
CANCEL = "cancel"


def talk_to_person_reply() -> QuickRepliesPart:
    """The one quick reply that asks for a person."""
    return QuickRepliesPart(options=[QuickReply(label="Talk to a person",
                                                value="I want to talk to a person")])


class OrderEditingSkill(Skill):
    """Change sizes, colours, quantities or the address of an order, or cancel it."""

    name = "order_editing"
    description = ("Change or cancel an order that was already placed: size, colour, "
                   "quantity, shipping address, or cancellation.")
    examples = (
        "I need to change the size on my order",
        "can I change my order",
        "I ordered the wrong size, can I swap it before it ships",
        "please change the colour of the jacket I just ordered",
        "I want to edit my order",
        "update the shipping address on order 1042",
        "I moved, can you change the delivery address on my order",
        "I want to cancel my order",
        "cancel order #1001 please",
        "can I still cancel my purchase",
        "I changed my mind, please cancel the order",
        "change the quantity of my order to 2",
        "I ordered two but only need one",
        "can I add something to my order",
        "add another beanie to my existing order",
        "modify my order",
        "I made a mistake in my order",
        "wrong colour ordered, need to fix it",
        "change size from M to L on my recent order",
        "is it too late to change my order",
    )
    topics = ("edit_orders",)
    needs_identity = True
    policy_queries = (EDIT_POLICY_QUERY, CANCEL_POLICY_QUERY)
    prerequisites = (
        self_service_link(LinkPurpose.EDIT),
        policy_content(EDIT_POLICY_QUERY, "no order modification policy in content"),
        policy_content(CANCEL_POLICY_QUERY, "no cancellation policy in content"),
    )

    def needs_identity_for(self, request: Request) -> bool:
        """Adding items is answered without looking at any order, so without verifying."""
        return request.change != ADD_ITEM

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Decide per line item and link to the self-service page, or redirect to returns."""
        if ctx.request.change == ADD_ITEM:
            return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=[
                ctx.say("edit.add_item"), *cite(ctx, EDIT_POLICY_QUERY), talk_to_person_reply()])
        lookup = find_order(ctx, open_orders)
        if lookup.order is None:
            assert lookup.outcome is not None
            return lookup.outcome
        action = OrderAction.CANCEL if ctx.request.change == CANCEL else OrderAction.EDIT
        return self.decide(ctx, lookup.order, action)

    def decide(self, ctx: SkillContext, order: Order, action: OrderAction) -> SkillOutcome:
        """The per-line-item verdict on ``order`` turned into parts and a status."""
        decisions = line_item_editability(order, ctx.policy, ctx.now, action,
                                          ctx.settings.store_timezone)
        query = CANCEL_POLICY_QUERY if action is OrderAction.CANCEL else EDIT_POLICY_QUERY
        citation = cite(ctx, query)
        facts = {**decision_facts(order, decisions), "action": action.value}
        carry = {"order_number": order.number}
        allowed = [d for d in decisions if d.allowed]
        shipped = [d for d in decisions if d.shipped]
        blocked = [d for d in decisions if not d.allowed and not d.shipped]
        number = order.number
        verb = "cancelled" if action is OrderAction.CANCEL else "changed"

        if order.cancelled_at is not None:
            return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts, carry=carry,
                                parts=[ctx.say("edit.already_cancelled", number=number)])
        if not allowed and shipped:
            parts: list[Part] = [ctx.say("edit.shipped", number=number,
                                         shipped=describe_items(shipped), verb=verb)]
            if blocked:
                parts.append(ctx.say("edit.others_blocked", reasons=describe_reasons(blocked),
                                     verb=verb))
            return SkillOutcome(
                status=OutcomeStatus.REDIRECT, redirect_to="returns", facts=facts,
                carry={**carry, "line_item_ids": [d.line_item_id for d in shipped]},
                parts=[*parts, *citation],
            )
        if not allowed:
            return SkillOutcome(status=OutcomeStatus.RESOLVED, facts=facts, carry=carry, parts=[
                ctx.say("edit.not_allowed", number=number, verb=verb,
                        reasons=describe_reasons(blocked)),
                *citation, talk_to_person_reply()])

        parts = [self.allowed_text(ctx, order, action, allowed, blocked, shipped)]
        parts += self.edit_presentation(ctx, order, decisions, action)
        parts += citation
        if shipped:
            return SkillOutcome(
                status=OutcomeStatus.REDIRECT, redirect_to="returns", parts=parts, facts=facts,
                carry={**carry, "line_item_ids": [d.line_item_id for d in shipped]})
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts, carry=carry)

    def allowed_text(self, ctx: SkillContext, order: Order, action: OrderAction,
                     allowed: list[ItemDecision], blocked: list[ItemDecision],
                     shipped: list[ItemDecision]) -> Part:
        """The sentence that says what can still change, and what cannot and why."""
        deadline = format_local_time(order.placed_at + window_for(action, ctx.policy), ctx.now,
                                     ctx.settings.store_timezone)
        verb = "cancelled" if action is OrderAction.CANCEL else "changed"
        facts = {"number": order.number, "until": deadline, "verb": verb,
                 "allowed": describe_items(allowed)}
        if shipped:
            return ctx.say("edit.partly_shipped", shipped=describe_items(shipped),
                           **facts)
        if blocked:
            return ctx.say("edit.some_allowed", reasons=describe_reasons(blocked), **facts)
        return ctx.say("edit.all_allowed", **facts)

    def edit_presentation(self, ctx: SkillContext, order: Order, decisions: list[ItemDecision],
                          action: OrderAction) -> list[Part]:
        """The card (webchat) or deep link (other channels) to the self-service page."""
        url = self_service_url(order, LinkPurpose.EDIT, ctx.settings)
        if url is None:
            return []
        label = "Cancel order" if action is OrderAction.CANCEL else "Edit order"
        card = order_card(order, decisions, action.value, [Action(label=label, url=url)], url)
        link = LinkPart(label=f"{label} #{order.number}", url=url)
        return present_order(ctx, card, link)

