"""Replies stored but never handed to their provider are sent late rather than lost.

A turn stores its reply (``pending``) and then writes it to the outbox, which sends it. A
process killed between the two writes leaves a reply nobody sends: the shopper's message
is answered in the database and never on their phone or in their inbox. The housekeeping
finds such replies once they are older than ``turn_abandoned_after_seconds`` (a live turn
writes its outbox row within milliseconds), claims each by a conditional update (so with
several workers one sends it) and sends it through the outbox like any reply.
"""

from __future__ import annotations

from datetime import timedelta

from agent.services import Services
from agent.turns import deliver_reply


def send_unsent_replies(services: Services) -> list[int]:
    """Send every reply left unsent long enough; returns their message ids."""
    store, now = services.store, services.clock.now()
    stored_before = now - timedelta(seconds=services.settings.turn_abandoned_after_seconds)
    sent = []
    for reply in store.unsent_replies(stored_before):
        conversation = store.conversation(reply.conversation_id)
        payload = ((reply.result or {}).get("rendered") or {}).get("payload")
        if conversation is None or not conversation.reply_to or not isinstance(payload, dict):
            continue  # nobody to send it to, or nothing rendered: left as it is
        if not store.claim_unsent_reply(reply.id):
            continue
        deliver_reply(services, reply.conversation_id, reply.channel, payload,
                      conversation.reply_to, reply.id)
        sent.append(reply.id)
    return sent
