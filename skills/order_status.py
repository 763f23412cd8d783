"""Order status: where each line item of an order is, with tracking and late detection.

Per line item (``rules_delivery.order_progress``): awaiting dispatch with the date the
shipping policy promises, pre-order, shipped with carrier, tracking number and expected
delivery, delivered, cancelled or returned. An item past a promise of the policy gets an
apology, what is known, and the offer of a person. Webchat shows a card with tracking
buttons; SMS, WhatsApp and email get the text and one tracking link per parcel.
"""

from __future__ import annotations

from agent.commerce.models import Order
from skills.base import OutcomeStatus, Skill, SkillContext, SkillOutcome
from skills.order_editing import talk_to_person_reply
from skills.orders import cite, find_order, item_label, supports_cards
from skills.parts import Action, CardItem, LinkPart, OrderCardPart, Part
from skills.rules import STATUS_LABELS, handed_over_items
from skills.rules_delivery import (
    ItemProgress,
    Stage,
    in_progress,
    order_progress,
    parse_holidays,
)

DISPATCH_POLICY_QUERY = "How many business days until my order is dispatched?"
DELIVERY_POLICY_QUERY = "How long does delivery take after dispatch?"
LATE_POLICY_QUERY = "My parcel hasn't arrived within the delivery time, late or missing order"


def likely_order(orders: list[Order]) -> list[Order]:
    """The order "where is my order?" means: the newest one still on its way, else the newest."""
    return [o for o in orders if in_progress(o)][:1] or orders[:1]


def status_card(order: Order, progress: list[ItemProgress]) -> OrderCardPart:
    """The webchat card: every item with its status, detail and a button per parcel.

    On a status card ``allowed`` means "on track": False marks an item that is late.
    """
    return OrderCardPart(
        purpose="status", order_number=order.number, placed_at=order.placed_at.isoformat(),
        status=order.status.value, status_label=STATUS_LABELS[order.status],
        items=[CardItem(title=p.title, variant=p.variant, quantity=p.quantity,
                        status=p.status.value, status_label=p.label, allowed=not p.late,
                        reason=p.detail) for p in progress],
        actions=[Action(label=link.label, url=link.url) for link in tracking_links(progress)],
    )


def tracking_links(progress: list[ItemProgress]) -> list[LinkPart]:
    """One link per parcel (items shipped together share a tracking number)."""
    seen: dict[str, LinkPart] = {}
    for p in progress:
        if p.tracking is not None and p.stage in (Stage.IN_TRANSIT, Stage.PARTLY_SHIPPED):
            seen.setdefault(p.tracking.url, LinkPart(
                label=f"Track {p.tracking.carrier} {p.tracking.number}", url=p.tracking.url))
    return list(seen.values())


def policy_citations(ctx: SkillContext, progress: list[ItemProgress]) -> list[Part]:
    """The shipping-policy sections behind the dates and lateness the reply states."""
    queries: list[str] = []
    if any(p.dispatch_by is not None or p.stage is Stage.PRE_ORDER for p in progress):
        queries.append(DISPATCH_POLICY_QUERY)
    if any(p.deliver_by is not None and not p.late for p in progress):
        queries.append(DELIVERY_POLICY_QUERY)
    if any(p.late for p in progress):
        queries.append(LATE_POLICY_QUERY)
    return [part for query in queries for part in cite(ctx, query)]


class OrderStatusSkill(Skill):
    """Tell the shopper where their order is."""

    name = "order_status"
    description = "Where an order is: shipping status, tracking and delivery."
    examples = (
        "where is my order",
        "has my order shipped yet",
        "can I get the tracking number for my order",
        "when will my package arrive",
        "what's the status of order 1012",
        "my order hasn't arrived yet",
        "track my parcel",
        "is my order on its way",
        "when will my boots be delivered",
        "I haven't received my jacket",
        "delivery status of my purchase",
        "it's been a week and still no package",
    )
    topics = ("order_status",)
    needs_identity = True
    policy_queries = (DISPATCH_POLICY_QUERY, DELIVERY_POLICY_QUERY, LATE_POLICY_QUERY)

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Per line item: status, expected dates, tracking; late items get an apology."""
        lookup = find_order(ctx, likely_order)
        if lookup.order is None:
            assert lookup.outcome is not None
            return lookup.outcome
        order = lookup.order
        every_item = order_progress(order, ctx.policy, ctx.now, ctx.settings.store_timezone,
                                    parse_holidays(ctx.settings.holidays))
        progress = handed_over_items(every_item, ctx.carried.get("line_item_ids")) or every_item
        late = [p for p in progress if p.late]
        summary = "; ".join(f"{item_label(p.title, p.variant)}: {p.detail}" for p in progress)
        parts: list[Part] = []
        if late:
            parts.append(ctx.say("status.late", number=order.number, late="; ".join(
                f"{item_label(p.title, p.variant)} {p.late_note}" for p in late)))
        parts.append(ctx.say("status.summary", number=order.number, summary=summary))
        if supports_cards(ctx.channel):
            parts.append(status_card(order, progress))
        else:
            parts += tracking_links(progress)
        parts += policy_citations(ctx, progress)
        if late:
            parts += [ctx.say("status.late_offer"), talk_to_person_reply()]
        facts = {"order_number": order.number, "order_status": order.status.value,
                 "items": [{"title": p.title, "variant": p.variant, "status": p.status.value,
                            "stage": p.stage.value, "lateness": p.lateness.value,
                            "detail": p.detail} for p in progress]}
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts,
                            carry={"order_number": order.number, "line_item_ids": None})
