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

from agent.conversations import Message
from agent.handoff import expected_reply
from agent.services import Services

REASON = "agent_error"


def hand_failed_turns_to_people(services: Services) -> list[int]:
    """File a ticket and notify the shopper for each failed message left alone long
    enough; returns the ids of the messages handed over."""
    store, now = services.store, services.clock.now()
    settled_before = now - timedelta(seconds=services.settings.turn_abandoned_after_seconds)
    handed = []
    for message in store.failed_inbound(settled_before):
        if not store.settle_failed_inbound(message.id):
            continue  # taken up again, or another worker is handing it over
        ticket_id = store.create_ticket(message.conversation_id, REASON,
                                        f"{REASON}: {message.text[:200]}", now)
        store.update_conversation(message.conversation_id, now, owner="human", unread=True)
        store.record_event(message.conversation_id, REASON, {"ticket_id": ticket_id}, now)
        _tell_the_shopper(services, message)
        handed.append(message.id)
    return handed


def _tell_the_shopper(services: Services, message: Message) -> None:
    """The handoff notice on the message's channel (held in the outbox without a
    provider; not sent when there is no address to send to)."""
    store, now = services.store, services.clock.now()
    notice = services.brain.phrase("handoff.notice",
                                   {"expected": expected_reply(services)[1]}).text
    if message.channel == "webchat":
        store.record_agent_message(message.conversation_id, "webchat", notice, [
            {"type": "text", "text": notice}], "delivered", now)
        return
    conversation = store.conversation(message.conversation_id)
    recipient = ((message.envelope or {}).get("sender")
                 or (conversation.reply_to if conversation else None))
    if not recipient:
        return
    notice_id = store.record_agent_message(message.conversation_id, message.channel, notice,
                                           [], "pending", now)
    services.outbound.send(message.conversation_id, message.channel, recipient, "reply",
                           notice, subject=f"Re: your message to {services.settings.store_name}",
                           payload={"channel": message.channel, "body": notice,
                                    "text": notice},
                           message_id=notice_id)
