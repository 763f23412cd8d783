"""Which conversation an inbound email belongs to, and how a reply stays in its thread.

An inbound mail joins the conversation of the first earlier message it names that we
know (``In-Reply-To`` first, then ``References`` newest first), but only when its sender
is already part of that thread: someone else answering a forwarded thread starts a
conversation of their own and never inherits the original sender's verified identity.
The same rule holds for a mail re-using a Message-ID we know (a re-delivery joins its
conversation; anyone else's mail does not). Anything else starts a new conversation
``email:<hash of its Message-ID and sender>``. Replies carry
``In-Reply-To`` (the customer's latest message), ``References`` (the thread) and
``Re: <subject>``; their Message-IDs are deterministic per outbox row, so a retried send
keeps its id and the recipient's client can drop a duplicate.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from agent.conversations import ConversationStore
from agent.suppressions import normalise_address
from channels.email_parse import InboundEmail

MAX_REFERENCES = 20
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|odp|fw|fwd|wg|tr)\s*(\[\d+\])?\s*[:：]\s*)+",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Threading:
    """Where an inbound mail goes and why (for the record)."""

    conversation_id: str
    how: str


@dataclass(frozen=True)
class ReplyThread:
    """The headers that keep a reply in the customer's thread."""

    subject: str
    in_reply_to: str | None
    references: tuple[str, ...]


def new_conversation_id(email: InboundEmail) -> str:
    """``email:`` and a short hash of the Message-ID (and sender) that starts a new thread."""
    key = f"{email.message_id}\n{normalise_address(email.sender)}"
    return "email:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def thread_inbound(store: ConversationStore, email: InboundEmail) -> Threading:
    """The conversation an inbound mail belongs to (an existing one or a new id).

    Mail written by a machine (a bounce quoting our Message-ID) joins the thread it names
    whoever sent it: it is only recorded, never answered.
    """
    seen = store.email_thread_matches([email.message_id], email.sender)
    if seen and seen[0].address_known:
        return Threading(seen[0].conversation_id, "message already received")
    matches = store.email_thread_matches(email.thread_ids, email.sender)
    for match in matches:
        if match.address_known or email.automatic:
            how = "In-Reply-To" if match.message_id in email.in_reply_to else "References"
            return Threading(match.conversation_id, f"{how} {match.message_id}")
    how = "new thread: sender is not part of the thread it answers" if matches else "new thread"
    return Threading(new_conversation_id(email), how)


def bare_subject(subject: str) -> str:
    """The subject without reply/forward prefixes (``Re: AW: Fwd: x`` -> ``x``)."""
    return _REPLY_PREFIX.sub("", " ".join(subject.split()))


def reply_subject(subject: str) -> str:
    """``Re: <subject>`` without stacking prefixes; "" for an empty subject."""
    bare = bare_subject(subject)
    return f"Re: {bare}" if bare else ""


def reply_thread(store: ConversationStore, conversation_id: str) -> ReplyThread | None:
    """Threading headers for the next message to the customer; None without an email thread."""
    rows = store.email_thread(conversation_id)
    if not rows:
        return None
    inbound = [row for row in rows if row.direction == "in"]
    latest = inbound[-1] if inbound else rows[-1]
    subject_row = next((row for row in reversed(rows) if row.subject), None)
    ids = [row.message_id for row in rows]
    references = ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1):]]
    return ReplyThread(subject=reply_subject(subject_row.subject) if subject_row else "",
                       in_reply_to=latest.message_id, references=tuple(references))


def outbound_message_id(secret: bytes, conversation_id: str, outbox_id: int,
                        domain: str) -> str:
    """The Message-ID of an outbox row (without brackets): unguessable, stable over retries."""
    tag = hmac.new(secret, f"{conversation_id}/{outbox_id}".encode(), hashlib.sha256)
    return f"{outbox_id}.{tag.hexdigest()[:20]}@{domain}"
