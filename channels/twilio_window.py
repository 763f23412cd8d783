"""WhatsApp's 24-hour customer service window, and replies that wait for it to reopen.

WhatsApp accepts free-form messages only within 24 hours of the customer's last message.
Outside it a business may only send an approved template. So a WhatsApp message is sent
free-form inside the window; outside it, the configured re-engagement template goes in
its place and the message itself waits: the customer's next message reopens the window
and :func:`deliver_waiting_replies` sends it then. With no template configured the message
is refused, which the outbox records as ``failed`` with :data:`OUTSIDE_WINDOW`.

The window belongs to the number: it is measured from the last inbound message of the
number's WhatsApp conversation. Waiting replies are recorded as conversation events
(``whatsapp_template`` when the template stood in, ``whatsapp_followup`` once sent).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agent.conversations import ConversationStore, Message
from agent.outbound import Outbound, OutgoingMessage

SESSION_WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = ("outside the 24-hour WhatsApp window and no template configured "
                  "(set CUSTOMER_AGENT_TWILIO_WHATSAPP_TEMPLATE_SID)")
TEMPLATE_SENT = "whatsapp_template"
FOLLOWED_UP = "whatsapp_followup"


class WhatsAppMode(StrEnum):
    """How a WhatsApp message may leave right now."""

    FREE_FORM = "free_form"
    TEMPLATE = "template"
    REFUSED = "refused"


def whatsapp_mode(last_inbound: datetime | None, now: datetime,
                  template_sid: str | None) -> WhatsAppMode:
    """Free-form within 24 hours of the customer's last message; else template or refusal."""
    if last_inbound is not None and now - last_inbound <= SESSION_WINDOW:
        return WhatsAppMode.FREE_FORM
    return WhatsAppMode.TEMPLATE if template_sid else WhatsAppMode.REFUSED


def last_customer_message_at(store: ConversationStore, conversation_id: str) -> datetime | None:
    """When the customer last wrote in this conversation (None if never)."""
    with Session(store.engine) as session:
        latest: datetime | None = session.scalar(
            select(func.max(Message.created_at)).where(
                Message.conversation_id == conversation_id, Message.direction == "in"))
        return latest


def record_template_stand_in(store: ConversationStore, message: OutgoingMessage,
                             template_sid: str, provider_id: str, now: datetime) -> None:
    """Note that a template went out in place of ``message``, which now waits."""
    store.record_event(message.conversation_id, TEMPLATE_SENT,
                       {"outbox_id": message.id, "content_sid": template_sid,
                        "provider_id": provider_id}, now)


def deliver_waiting_replies(store: ConversationStore, outbound: Outbound,
                            conversation_id: str, now: datetime) -> list[int]:
    """Send the messages a template stood in for; returns their new outbox row ids.

    Call it once the customer's new message is stored (the window is then open). Each
    waiting message is marked followed up before it is sent, so it never goes twice.
    """
    events = store.events(conversation_id)
    done = {e.detail.get("outbox_id") for e in events if e.kind == FOLLOWED_UP}
    sent: list[int] = []
    for event in events:
        waiting_id = event.detail.get("outbox_id")
        if event.kind != TEMPLATE_SENT or not isinstance(waiting_id, int) or waiting_id in done:
            continue
        waiting = store.outbox_entry(waiting_id)
        if waiting is None:
            continue
        store.record_event(conversation_id, FOLLOWED_UP, {"outbox_id": waiting.id}, now)
        done.add(waiting_id)
        row = outbound.send(waiting.conversation_id, waiting.channel, waiting.recipient,
                            waiting.kind, waiting.body, payload=dict(waiting.payload or {}),
                            message_id=waiting.message_id)
        sent.append(row.id)
    return sent
