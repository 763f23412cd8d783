"""What a teammate does to a conversation: read, assign, note, reply, close, hand back, block.

Replies leave through the conversation's original channel (``agent.delivery``; email when
a webchat visitor has left), optionally with an image linked by its public URL. A reply
that asks the customer to cancel their own order is held back with a warning until the
teammate chooses "Send anyway" or "Edit"; either choice is recorded as a
``cancel_warning`` event. Replying takes the thread over from the agent (owner ``human``)
until it is handed back or closed. Closing asks the customer for a rating
(``agent.satisfaction``). Reading and assigning do not count as activity: they leave the
conversation's place in the list alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from agent.conversations import Conversation
from agent.delivery import UndeliverableReply, deliver_teammate_reply
from agent.inbox import is_preview
from agent.inbox_attachments import public_url, store_image
from agent.inbox_blocking import (
    block_sender,
    conversation_addresses,
    is_blocked,
    unblock_sender,
)
from agent.inbox_cancel_warning import cancel_request_phrase
from agent.inbox_records import Attachment, InboxError, InboxRecords, Note
from agent.satisfaction import close_conversation
from agent.services import Services

MAX_REPLY_CHARS = 4000
CANCEL_CHOICES = ("send_anyway", "edit")


class ConversationNotFound(LookupError):
    """No inbox conversation has that id."""


@dataclass(frozen=True)
class ImageUpload:
    """An image file as the reply form sent it."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class ReplyOutcome:
    """A reply that went out (``state``), or one held back by the cancel-request warning."""

    state: str | None = None
    warning: str | None = None
    attachment: Attachment | None = None


class InboxActions:
    """A teammate's actions on conversations, over the process's services."""

    def __init__(self, services: Services, records: InboxRecords) -> None:
        self._services = services
        self._store = services.store
        self._records = records

    def _now(self) -> datetime:
        return self._services.clock.now()

    def conversation(self, conversation_id: str) -> Conversation:
        """The inbox conversation, or ConversationNotFound (previews are not in the inbox)."""
        found = None if is_preview(conversation_id) else self._store.conversation(
            conversation_id)
        if found is None:
            raise ConversationNotFound(f"no conversation {conversation_id}")
        return found

    def _set_quietly(self, conversation_id: str, **values: Any) -> None:
        """Change fields without moving the conversation up the list (not activity)."""
        with Session(self._store.engine) as session:
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(**values))
            session.commit()

    def mark_read(self, conversation_id: str, read: bool = True) -> None:
        """Mark a conversation read (opening it does) or unread again."""
        self.conversation(conversation_id)
        self._set_quietly(conversation_id, unread=not read)

    def assign(self, conversation_id: str, assignee: str | None, by: str) -> None:
        """Give the conversation to a teammate (their email), or to nobody."""
        self.conversation(conversation_id)
        self._set_quietly(conversation_id, assignee=assignee or None)
        kind, detail = ("assigned", {"assignee": assignee}) if assignee else ("unassigned", {})
        self._store.record_event(conversation_id, kind, {"by": by, **detail}, self._now())

    def close(self, conversation_id: str, by: str) -> str:
        """Close the conversation and ask the customer for a rating; says how the ask went."""
        self.conversation(conversation_id)
        ask = close_conversation(self._store, self._services.outbound,
                                 self._services.settings, conversation_id, self._now(), by)
        return "closed" if ask is None else f"closed; rating asked on {ask.channel} ({ask.state})"

    def reopen(self, conversation_id: str, by: str) -> None:
        """Open a closed conversation again."""
        self.conversation(conversation_id)
        self._store.update_conversation(conversation_id, self._now(), status="open")
        self._store.record_event(conversation_id, "reopened", {"by": by}, self._now())

    def hand_back(self, conversation_id: str, by: str) -> None:
        """Give the thread back to the agent: it answers the customer's next message."""
        self.conversation(conversation_id)
        self._store.update_conversation(conversation_id, self._now(), owner="bot")
        self._store.record_event(conversation_id, "handback", {"by": by}, self._now())

    def add_note(self, conversation_id: str, text: str, by: str) -> Note:
        """An internal note: the team sees it, the customer never does."""
        self.conversation(conversation_id)
        return self._records.add_note(conversation_id, by, text, self._now())

    def block(self, conversation_id: str, by: str) -> list[str]:
        """Block the conversation's sender (see ``agent.inbox_blocking``)."""
        return block_sender(self._store, self.conversation(conversation_id), by, self._now())

    def unblock(self, conversation_id: str, by: str) -> list[str]:
        """Lift the block on the conversation's sender."""
        return unblock_sender(self._store, self.conversation(conversation_id), by, self._now())

    def is_blocked(self, conversation: Conversation) -> bool:
        """Whether the conversation's sender is blocked now."""
        return is_blocked(self._store, conversation_addresses(conversation))

    def record_cancel_choice(self, conversation_id: str, choice: str, phrase: str,
                             by: str) -> None:
        """Note what the teammate chose when warned about a cancel request."""
        if choice not in CANCEL_CHOICES:
            raise InboxError("choose send_anyway or edit")
        self.conversation(conversation_id)
        self._store.record_event(conversation_id, "cancel_warning",
                                 {"by": by, "choice": choice, "phrase": phrase[:300]},
                                 self._now())

    def reply(self, conversation_id: str, text: str, by: str, *,
              image: ImageUpload | None = None, attachment_token: str | None = None,
              send_anyway: bool = False) -> ReplyOutcome:
        """Send a teammate's reply on the original channel, or hold it with a warning."""
        conversation = self.conversation(conversation_id)
        body = text.strip()
        if len(body) > MAX_REPLY_CHARS:
            raise InboxError(f"a reply is at most {MAX_REPLY_CHARS} characters")
        if self.is_blocked(conversation):
            raise InboxError("this sender is blocked; unblock them to reply")
        attachment = self._attachment(conversation_id, image, attachment_token, by)
        if not body and attachment is None:
            raise InboxError("write a reply or attach an image")
        phrase = cancel_request_phrase(body)
        if phrase is not None and not send_anyway:
            return ReplyOutcome(warning=phrase, attachment=attachment)
        if phrase is not None:
            self.record_cancel_choice(conversation_id, "send_anyway", phrase, by)
        settings = self._services.settings
        outgoing = body
        if attachment is not None:
            link = public_url(settings.public_base_url, attachment)
            outgoing = f"{body}\n\n{link}" if body else link
        try:
            state = deliver_teammate_reply(self._store, self._services.outbound, conversation,
                                           outgoing, self._now(), settings.store_name)
        except UndeliverableReply as exc:
            raise InboxError(str(exc)) from None
        if attachment is not None:
            self._records.mark_attachment_sent(attachment.token, self._now())
        self._store.update_conversation(conversation_id, self._now(), owner="human",
                                        unread=False)
        return ReplyOutcome(state=state, attachment=attachment)

    def _attachment(self, conversation_id: str, image: ImageUpload | None,
                    token: str | None, by: str) -> Attachment | None:
        if image is not None:
            settings = self._services.settings
            return store_image(self._records, settings.data_dir, conversation_id,
                               image.filename, image.data, settings.attachment_max_bytes, by,
                               self._now())
        if not token:
            return None
        found = self._records.attachment(token)
        if found is None or found.conversation_id != conversation_id:
            raise InboxError("that attachment is not part of this conversation")
        return found
