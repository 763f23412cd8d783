"""Replies from a person on the team leave through the conversation's original channel.

SMS, WhatsApp and email go to the address the shopper wrote from; a webchat reply shows
in the chat, unless the visitor has left, in which case it goes to the email they gave.
Everything that leaves goes through ``agent.outbound.Outbound`` (held in the outbox when
no provider is configured).
"""

from __future__ import annotations

from datetime import datetime

from agent.conversations import Conversation, ConversationStore
from agent.outbound import Outbound


class UndeliverableReply(Exception):
    """There is no address to reach the shopper on."""


def deliver_teammate_reply(store: ConversationStore, outbound: Outbound,
                           conversation: Conversation, text: str, now: datetime,
                           store_name: str) -> str:
    """Send and record a teammate's reply; returns its delivery state."""
    if conversation.channel == "webchat":
        if conversation.visitor_online is False and conversation.contact_email:
            message_id = store.record_teammate_reply(conversation.id, "email", text,
                                                     "pending", now)
            row = outbound.send(conversation.id, "email", conversation.contact_email, "reply",
                                text, subject=f"Re: your chat with {store_name}",
                                message_id=message_id)
            return f"emailed ({row.state})"
        store.record_teammate_reply(conversation.id, "webchat", text, "delivered", now)
        return "delivered"
    recipient = conversation.reply_to or conversation.contact_email
    if recipient is None:
        raise UndeliverableReply(f"no address on file for conversation {conversation.id}")
    message_id = store.record_teammate_reply(conversation.id, conversation.channel, text,
                                             "pending", now)
    row = outbound.send(conversation.id, conversation.channel, recipient, "reply", text,
                        subject=f"Re: your message to {store_name}", message_id=message_id)
    return str(row.state)
