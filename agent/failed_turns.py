"""Messages the agent could not answer go to a person, and the shopper is told so.

A turn that raised (a bug, or a dependency failing in a way no skill handles) leaves its
message ``failed``. A webchat client retries with the same message id and takes it up
again, but a webhook provider never retries after its acknowledgement: without this the
shopper would wait forever. So a failed message nobody took up again within
``turn_abandoned_after_seconds`` gets a ticket (reason ``agent_error``), the thread goes
to the team, and the shopper is told on their channel that a person will reply. Each
message is claimed by a conditional update first, so with several workers one files it.
"""

from __future__ import annotations

from datetime import timedelta

from agent.conversations import ConversationStore, Message
from agent.handoff import expected_reply
from agent.services import Services
from agent.turns import Rendered, TurnResult
from skills.parts import HandoffNoticePart, parts_to_json

REASON = "agent_error"
RECENT = timedelta(days=1)
"""Older failures are left as they are: telling a shopper "a person will reply" days later
(e.g. failures from before an upgrade that added this) helps nobody."""


def hand_failed_turns_to_people(services: Services) -> list[int]:
    """File a ticket and notify the shopper for each failed message left alone long
    enough; returns the ids of the messages handed over."""
    store, now = services.store, services.clock.now()
    settled_before = now - timedelta(seconds=services.settings.turn_abandoned_after_seconds)
    handed = []
    for message in store.failed_inbound(now - RECENT, settled_before):
        if not store.settle_failed_inbound(message.id):
            continue  # taken up again, or another worker is handing it over
        try:
            _hand_over(services, message)
        except Exception:
            store.mark_inbound(message.id, "failed")  # the next round tries again
            raise
        handed.append(message.id)
    return handed


def _hand_over(services: Services, message: Message) -> None:
    """Ticket, thread to the team, and the handoff notice stored as the message's reply
    (so a client retrying the message gets it) and sent on its channel (held in the
    outbox without a provider; kept unsent when there is no address)."""
    store, now, cid = services.store, services.clock.now(), message.conversation_id
    ticket_id = store.create_ticket(cid, REASON, f"{REASON}: {message.text[:200]}", now)
    store.update_conversation(cid, now, owner="human", unread=True)
    store.record_event(cid, REASON, {"ticket_id": ticket_id}, now)
    expected = expected_reply(services)[1]
    notice = services.brain.phrase("handoff.notice", {"expected": expected}).text
    parts = parts_to_json([HandoffNoticePart(text=notice, reason=REASON,
                                             expected_reply=expected, ticket_id=ticket_id)])
    result = TurnResult(
        conversation_id=cid, skill="handoff", confidence=0.0, status="handoff",
        redirect_to=None, topics=[], identity="anonymous",
        handoff={"reason": REASON, "ticket_id": ticket_id}, parts=parts,
        rendered=Rendered(channel=message.channel, payload={"text": notice}), trace=[])
    recipient = _recipient(store, message)
    state = ("delivered" if message.channel == "webchat"
             else "pending" if recipient else "not_sent")
    notice_id = store.record_outbound(cid, message.channel, message.id, notice, parts,
                                      result.model_dump(mode="json"), state, now)
    if state == "pending" and recipient:
        services.outbound.send(cid, message.channel, recipient, "reply", notice,
                               subject=f"Re: your message to {services.settings.store_name}",
                               payload={"channel": message.channel, "body": notice,
                                        "text": notice},
                               message_id=notice_id)


def _recipient(store: ConversationStore, message: Message) -> str | None:
    """Who wrote the message (SMS/WhatsApp number, email address), else the thread's."""
    sender = (message.envelope or {}).get("sender")
    if sender:
        return str(sender)
    conversation = store.conversation(message.conversation_id)
    return conversation.reply_to if conversation else None
