"""Satisfaction: when a conversation is closed, the customer is asked to rate it 1-5.

The ask goes out on the conversation's own channel: chips in webchat (a visitor who left
and gave an email gets the email instead), a digit reply on SMS and WhatsApp, links in
email. A rating link carries a signature over the conversation id, so nobody can rate a
conversation they were not in; the link opens a confirmation page and the rating is
recorded by its button, so mail scanners that follow every link rate nothing. A digit
reply is taken as a rating only while one is awaited (``rating_reply``), before the
agent reads the message.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from agent.config import Settings
from agent.conversations import Conversation, ConversationStore
from agent.outbound import Outbound
from skills.parts import Part, QuickRepliesPart, QuickReply, TextPart, parts_to_json

SCORES = range(1, 6)
SCORE_LABELS = {1: "1 - Poor", 2: "2", 3: "3", 4: "4", 5: "5 - Great"}
_DIGIT_REPLY = re.compile(r"^\s*([1-5])\s*(?:/\s*5|stars?|\*+|⭐+)?\s*[.!]?\s*$", re.IGNORECASE)


class UnknownConversation(Exception):
    """No conversation has that id."""


@dataclass(frozen=True)
class RatingAsk:
    """How the rating request went out: on which channel, to whom, in what state."""

    channel: str
    recipient: str | None
    state: str


def rating_signature(secret: bytes, conversation_id: str) -> str:
    """The signature a rating link carries for one conversation."""
    digest = hmac.new(secret, f"rate:{conversation_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def valid_rating_signature(secret: bytes, conversation_id: str, signature: str) -> bool:
    """Whether a rating link's signature is the one issued for this conversation."""
    return hmac.compare_digest(rating_signature(secret, conversation_id), signature)


def rating_url(settings: Settings, conversation_id: str, score: int) -> str:
    """The link in an email that opens the confirmation page for one score."""
    signature = rating_signature(settings.resolved_secret_key(), conversation_id)
    return (f"{settings.public_base_url.rstrip('/')}/rate/{conversation_id}/{signature}"
            f"?score={score}")


def parse_digit_rating(text: str) -> int | None:
    """A reply like ``4``, ``5 stars`` or ``3/5`` as a score; None for anything else."""
    match = _DIGIT_REPLY.match(text)
    return int(match.group(1)) if match else None


def _question(store_name: str) -> str:
    return f"How would you rate your conversation with {store_name}?"


def _email_payload(settings: Settings, conversation_id: str) -> dict[str, str]:
    links = [(score, rating_url(settings, conversation_id, score)) for score in SCORES]
    question = _question(settings.store_name)
    text = "\n".join([question, "", *(f"{SCORE_LABELS[s]}: {url}" for s, url in links)])
    buttons = " ".join(f'<a href="{escape(url)}">{escape(SCORE_LABELS[s])}</a>'
                       for s, url in links)
    html = f"<p>{escape(question)}</p><p>{buttons}</p>"
    return {"channel": "email", "subject": f"How did we do? ({settings.store_name})",
            "text": text, "html": html}


def ask_for_rating(store: ConversationStore, outbound: Outbound, settings: Settings,
                   conversation: Conversation, now: datetime) -> RatingAsk:
    """Send the rating request on the conversation's channel and note that one is awaited."""
    store.update_conversation(conversation.id, now, rating_requested_at=now)
    question = _question(settings.store_name)
    left_chat = conversation.visitor_online is False and conversation.contact_email
    if conversation.channel == "webchat" and not left_chat:
        parts: list[Part] = [TextPart(text=question), QuickRepliesPart(options=[
            QuickReply(label=SCORE_LABELS[s], value=str(s)) for s in SCORES])]
        store.record_agent_message(conversation.id, "webchat", question,
                                   parts_to_json(parts), "delivered", now)
        return RatingAsk("webchat", None, "delivered")
    channel = "email" if conversation.channel in ("webchat", "email") else conversation.channel
    recipient = (conversation.contact_email if conversation.channel == "webchat"
                 else conversation.reply_to or conversation.contact_email)
    if recipient is None:
        return RatingAsk(channel, None, "no_address")
    if channel == "email":
        payload = _email_payload(settings, conversation.id)
        body, subject = payload["text"], payload["subject"]
    else:
        body = f"{question} Reply with a number from 1 (poor) to 5 (great)."
        payload, subject = {"channel": channel, "body": body}, ""
    message_id = store.record_agent_message(conversation.id, channel, body, [], "pending", now)
    row = outbound.send(conversation.id, channel, recipient, "rating_request", body,
                        subject=subject, payload=dict(payload), message_id=message_id)
    return RatingAsk(channel, recipient, str(row.state))


def close_conversation(store: ConversationStore, outbound: Outbound, settings: Settings,
                       conversation_id: str, now: datetime, closed_by: str) -> RatingAsk | None:
    """Close a conversation (the agent owns it again) and ask for a rating once."""
    conversation = store.conversation(conversation_id)
    if conversation is None:
        raise UnknownConversation(f"no conversation {conversation_id}")
    store.update_conversation(conversation_id, now, status="closed", owner="bot")
    store.record_event(conversation_id, "closed", {"by": closed_by}, now)
    if conversation.rating_requested_at is not None or conversation_id.startswith("preview-"):
        return None
    return ask_for_rating(store, outbound, settings, conversation, now)


def close_idle_conversations(store: ConversationStore, outbound: Outbound,
                             settings: Settings, now: datetime) -> list[str]:
    """Close open, agent-owned conversations the agent resolved and nobody wrote in since
    ``settings.auto_close_after_hours`` (0 turns this off); each is asked for a rating."""
    if settings.auto_close_after_hours <= 0:
        return []
    idle_since = now - timedelta(hours=settings.auto_close_after_hours)
    closed = []
    for conversation_id in store.resolved_idle_conversations(idle_since):
        if not conversation_id.startswith("preview-"):
            close_conversation(store, outbound, settings, conversation_id, now, "auto_close")
            closed.append(conversation_id)
    return closed


def record_rating(store: ConversationStore, conversation_id: str, score: int, now: datetime,
                  comment: str | None = None) -> None:
    """Store a rating (a later one replaces an earlier one) and note it as an event."""
    if score not in SCORES:
        raise ValueError("a rating is a whole number from 1 to 5")
    if store.conversation(conversation_id) is None:
        raise UnknownConversation(f"no conversation {conversation_id}")
    store.update_conversation(conversation_id, now, rating=score, rated_at=now,
                              **({"rating_comment": comment.strip()[:1000]}
                                 if comment and comment.strip() else {}))
    store.record_event(conversation_id, "rating", {"score": score}, now)


def rating_reply(conversation: Conversation | None, text: str) -> int | None:
    """The score when this message answers an open rating request, else None."""
    if conversation is None or conversation.rating_requested_at is None:
        return None
    if conversation.rating is not None or conversation.status != "closed":
        return None
    return parse_digit_rating(text)
