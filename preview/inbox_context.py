"""What the inbox's routers share: the console, the inbox tables, actions and assists.

Built once per app by ``preview.inbox.inbox_router``. Also turns the agent's errors into
console errors (404 for an unknown conversation, 400 with the reason for a refused
action) so that each route stays a few lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from agent.conversations import Conversation
from agent.inbox_actions import ConversationNotFound, InboxActions
from agent.inbox_assists import Assists, DraftFacts, UnknownAssist
from agent.inbox_records import InboxError, InboxRecords
from agent.inbox_view import TimelineEntry, last_customer_text, last_turn_result
from preview.auth import CONFIGURE_ROLES, ConsoleError, require_role, require_user
from preview.console import Console
from preview.users import ConsoleUser

Teammate = Annotated[ConsoleUser, Depends(require_user)]
"""A route parameter: the signed-in user, any role (staff view and answer)."""
Configurer = Annotated[ConsoleUser, Depends(require_role(*CONFIGURE_ROLES))]
"""A route parameter: the signed-in owner or admin (else 403)."""
ATTACHMENT_LINK = re.compile(r"/attachments/([A-Za-z0-9_-]{16,64}\.(?:png|jpg|gif|webp))\b")


@dataclass
class InboxContext:
    """The console plus the inbox's stores and services."""

    console: Console
    records: InboxRecords
    actions: InboxActions
    assists: Assists

    @classmethod
    def build(cls, console: Console) -> InboxContext:
        """The inbox over the console's runtime."""
        services = console.runtime.services
        records = InboxRecords(services.store.engine)
        return cls(console, records, InboxActions(services, records),
                   Assists.for_brain(services.settings.brain))

    def conversation(self, conversation_id: str) -> Conversation:
        """The conversation, or a 404 console error."""
        with refused():
            return self.actions.conversation(conversation_id)

    def draft_facts(self, conversation: Conversation, customer_name: str | None) -> DraftFacts:
        """What a drafted reply may draw on: the last message and what the agent found."""
        store = self.console.runtime.services.store
        result = last_turn_result(store, conversation.id) or {}
        entities: dict[str, Any] = {}
        for step in result.get("trace") or []:
            if step.get("node") == "understand":
                entities = dict(step.get("entities") or {})
        return DraftFacts(store_name=self.console.runtime.settings.store_name,
                          customer_name=customer_name,
                          last_customer_text=last_customer_text(store, conversation.id),
                          skill=result.get("skill"), order_number=entities.get("order_number"),
                          topics=list(conversation.topics or []))


@contextmanager
def refused() -> Iterator[None]:
    """Turn the inbox's own errors into console errors with a readable message."""
    try:
        yield
    except ConversationNotFound as missing:
        raise ConsoleError(404, str(missing)) from None
    except (InboxError, UnknownAssist) as bad:
        raise ConsoleError(400, str(bad)) from None


def attachment_names(text: str) -> list[str]:
    """The inbox attachments a message links to (``<token>.<ext>``)."""
    return ATTACHMENT_LINK.findall(text)


def timeline_view(entries: list[TimelineEntry],
                  describe: Callable[[TimelineEntry], str]) -> list[dict[str, Any]]:
    """Timeline entries as the template reads them, with the images each one shows."""
    return [{"entry": entry, "css": describe(entry),
             "images": attachment_names(entry.text) if entry.kind == "message" else []}
            for entry in entries]


def entry_class(entry: TimelineEntry) -> str:
    """The CSS class of a timeline entry: who wrote it, or that it is a note or an event."""
    if entry.kind == "message":
        return f"msg msg-{entry.author}"
    return f"tl-{entry.kind}"
