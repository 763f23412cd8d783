"""What the order skills share: finding the order the shopper means, and showing it.

Finding works only through the verified customer's ``CustomerOrders``: an order number
that belongs to someone else is simply "not found on your account".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.commerce.models import Order, has_unknown_state
from skills.base import Awaiting, OutcomeStatus, SkillContext, SkillOutcome, citation_of
from skills.parts import (
    Action,
    CardItem,
    CardPurpose,
    Channel,
    LinkPart,
    OrderCardPart,
    Part,
    QuickReply,
)
from skills.rules import STATUS_LABELS, ItemDecision, format_local_time

ORDER_CHOICES = 5
UNKNOWN_ORDER_STATE = "unknown_order_state"


@dataclass(frozen=True)
class OrderLookup:
    """Either the order found, or the outcome to return instead (a question, a dead end)."""

    order: Order | None
    outcome: SkillOutcome | None


def supports_cards(channel: Channel) -> bool:
    """Only webchat shows rich cards; the other channels get deep links."""
    return channel is Channel.WEBCHAT


def item_label(title: str, variant: str) -> str:
    """``Trail Shell Jacket (M / Blue)``."""
    return f"{title} ({variant})" if variant else title


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe_items(decisions: Sequence[ItemDecision]) -> str:
    """The items named as a shopper would: ``Trail Shell Jacket (M / Blue)``, ..."""
    return join_words([item_label(d.title, d.variant) for d in decisions])


def describe_reasons(decisions: Sequence[ItemDecision]) -> str:
    """Items grouped by the reason of their decision: ``A and B: edit window closed at 07:00``."""
    grouped: dict[str, list[ItemDecision]] = {}
    for decision in decisions:
        grouped.setdefault(decision.reason, []).append(decision)
    return "; ".join(f"{describe_items(items)}: {reason}" for reason, items in grouped.items())


def has_or_have(items: Sequence[object]) -> str:
    """``has`` for one item, ``have`` for several."""
    return "has" if len(items) == 1 else "have"


def order_choice_label(order: Order, ctx: SkillContext) -> str:
    """How an order is named in a "which order?" question."""
    placed = format_local_time(order.placed_at, ctx.now, ctx.settings.store_timezone)
    count = sum(li.quantity for li in order.line_items)
    return f"#{order.number} · {placed} · {count} item{'s' if count != 1 else ''}"


def ask_which_order(ctx: SkillContext, orders: list[Order], template: str,
                    **facts: str) -> SkillOutcome:
    """Ask which order the shopper means, with the candidates as quick replies."""
    options = [QuickReply(label=order_choice_label(o, ctx), value=f"#{o.number}")
               for o in orders[:ORDER_CHOICES]]
    awaiting = Awaiting(slot="order_number", options=options)
    return SkillOutcome(status=OutcomeStatus.AWAITING, awaiting=awaiting,
                        parts=[ctx.say(template, **facts)])


def find_order(ctx: SkillContext, prefer: Callable[[list[Order]], list[Order]]) -> OrderLookup:
    """The order the shopper means: by number, else the only preferred one, else ask.

    ``prefer`` narrows the customer's orders to the likely ones (e.g. open orders for an
    edit); with several candidates the shopper is asked to choose. An order in a state
    this version does not understand goes to a person.
    """
    lookup = _find_order(ctx, prefer)
    if lookup.order is not None and has_unknown_state(lookup.order):
        return OrderLookup(None, SkillOutcome(status=OutcomeStatus.HANDOFF,
                                              handoff_reason=UNKNOWN_ORDER_STATE))
    return lookup


def _find_order(ctx: SkillContext,
                prefer: Callable[[list[Order]], list[Order]]) -> OrderLookup:
    assert ctx.orders is not None, "order skills run only for verified customers"
    number = ctx.request.order_number or ctx.carried.get("order_number")
    everything = ctx.orders.all()
    if number:
        found = ctx.orders.by_number(number)
        if found is not None:
            return OrderLookup(found, None)
        if not everything:
            return OrderLookup(None, no_orders(ctx))
        return OrderLookup(None, ask_which_order(ctx, everything, "orders.not_found",
                                                 number=number.lstrip("#")))
    if not everything:
        return OrderLookup(None, no_orders(ctx))
    candidates = prefer(everything) or everything
    if len(candidates) == 1:
        return OrderLookup(candidates[0], None)
    return OrderLookup(None, ask_which_order(ctx, candidates, "orders.which"))


def no_orders(ctx: SkillContext) -> SkillOutcome:
    """A verified customer with no orders at all."""
    return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=[
        ctx.say("orders.none"),
        ctx.say("handoff.offer")],
    )


def order_card(order: Order, decisions: Sequence[ItemDecision], purpose: CardPurpose,
               actions: list[Action], link_url: str | None) -> OrderCardPart:
    """An order card with each line item's status and the rule's decision."""
    return OrderCardPart(
        purpose=purpose,
        order_number=order.number,
        placed_at=order.placed_at.isoformat(),
        status=order.status.value,
        status_label=STATUS_LABELS[order.status],
        items=[CardItem(title=d.title, variant=d.variant, quantity=d.quantity,
                        status=d.status.value, status_label=STATUS_LABELS[d.status],
                        allowed=d.allowed, reason=d.reason) for d in decisions],
        actions=actions,
        link_url=link_url,
    )


def present_order(ctx: SkillContext, card: OrderCardPart, link: LinkPart | None) -> list[Part]:
    """A card on webchat; a deep link (when there is one) on SMS, WhatsApp and email."""
    if supports_cards(ctx.channel):
        return [card]
    return [link] if link is not None else []


def cite(ctx: SkillContext, query: str) -> list[Part]:
    """The citation of the policy section answering ``query``, if the knowledge base has it."""
    hit = ctx.policy_hit(query)
    return [citation_of(hit)] if hit is not None else []


def decision_facts(order: Order, decisions: Sequence[ItemDecision]) -> dict[str, object]:
    """The order facts and each line item's decision, for the trace."""
    return {
        "order_number": order.number,
        "order_status": order.status.value,
        "items": [{"title": d.title, "variant": d.variant, "status": d.status.value,
                   "allowed": d.allowed, "reason": d.reason} for d in decisions],
    }
