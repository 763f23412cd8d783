"""Order status: where each line item of an order is, with tracking.

A first version (the skills issue adds late detection and expected dispatch dates): per
line item its state, carrier and tracking link, shown as a card on webchat and as text
with tracking links elsewhere.
"""

from __future__ import annotations

from agent.commerce.models import FulfillmentStatus, LineItem, Order
from skills.base import OutcomeStatus, Skill, SkillContext, SkillOutcome
from skills.orders import find_order, item_label, supports_cards
from skills.parts import Action, CardItem, LinkPart, OrderCardPart, Part
from skills.rules import STATUS_LABELS, format_local_time


def latest(orders: list[Order]) -> list[Order]:
    """The most recent order alone: "where is my order" means the latest one."""
    return orders[:1]


def item_progress(item: LineItem, ctx: SkillContext) -> str:
    """Where one line item is, in words."""
    tz = ctx.settings.store_timezone
    if item.fulfillment_status is FulfillmentStatus.DELIVERED and item.delivered_at:
        return f"delivered {format_local_time(item.delivered_at, ctx.now, tz)}"
    if item.tracking is not None and item.shipped_at is not None:
        shipped = format_local_time(item.shipped_at, ctx.now, tz)
        return f"shipped {shipped} with {item.tracking.carrier} ({item.tracking.number})"
    return STATUS_LABELS[item.fulfillment_status].lower()


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

    def run(self, ctx: SkillContext) -> SkillOutcome:
        """Per line item: status, carrier and tracking."""
        lookup = find_order(ctx, latest)
        if lookup.order is None:
            assert lookup.outcome is not None
            return lookup.outcome
        order = lookup.order
        progress = [(li, item_progress(li, ctx)) for li in order.line_items]
        tracking = {li.tracking.url: li.tracking for li in order.line_items if li.tracking}
        summary = "; ".join(f"{item_label(li.title, li.variant)}: {text}" for li, text in progress)
        parts: list[Part] = [ctx.say("status.summary", number=order.number, summary=summary)]
        if supports_cards(ctx.channel):
            parts.append(OrderCardPart(
                order_number=order.number, placed_at=order.placed_at.isoformat(),
                status=order.status.value, status_label=STATUS_LABELS[order.status],
                items=[CardItem(title=li.title, variant=li.variant, quantity=li.quantity,
                                status=li.fulfillment_status.value,
                                status_label=STATUS_LABELS[li.fulfillment_status],
                                allowed=True, reason=text) for li, text in progress],
                actions=[Action(label=f"Track {t.carrier} {t.number}", url=url)
                         for url, t in tracking.items()],
            ))
        else:
            parts += [LinkPart(label=f"Track {t.carrier} {t.number}", url=url)
                      for url, t in tracking.items()]
        facts = {"order_number": order.number, "order_status": order.status.value,
                 "items": [{"title": li.title, "status": li.fulfillment_status.value,
                            "progress": text} for li, text in progress]}
        return SkillOutcome(status=OutcomeStatus.RESOLVED, parts=parts, facts=facts,
                            carry={"order_number": order.number})
