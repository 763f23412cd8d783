"""Replies from a person on the team leave through the conversation's original channel.

SMS, WhatsApp and email go to the address the shopper wrote from; a webchat reply shows
in the chat, unless the visitor has left, in which case it goes to the email they gave.
In the embedded default "going" means the outbox.
"""

from __future__ import annotations

from datetime import datetime

from agent.conversations import Conversation, ConversationStore


class UndeliverableReply(Exception):
    """There is no address to reach the shopper on."""


def deliver_teammate_reply(store: ConversationStore, conversation: Conversation, text: str,
                           now: datetime, store_name: str) -> str:
    """Send and record a teammate's reply; returns its delivery state."""
    if conversation.channel == "webchat":
        if conversation.visitor_online is False and conversation.contact_email:
            store.add_outbox(conversation.id, "email", conversation.contact_email, "reply",
                             text, now, subject=f"Re: your chat with {store_name}")
            state = "emailed"
        else:
            state = "delivered"
    else:
        recipient = conversation.reply_to or conversation.contact_email
        if recipient is None:
            raise UndeliverableReply(f"no address on file for conversation {conversation.id}")
        store.add_outbox(conversation.id, conversation.channel, recipient, "reply", text, now,
                         subject=f"Re: your message to {store_name}")
        state = "queued"
    store.record_teammate_reply(conversation.id, conversation.channel, text, state, now)
    return state
