"""The page of one conversation: timeline, reply box, actions and the customer profile."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from agent.brain.language import LANGUAGE_NAMES
from agent.inbox import cart_lines, cart_summary
from agent.inbox_profile import customer_profile
from agent.inbox_view import last_turn_result, timeline
from preview.inbox_context import InboxContext, entry_class, timeline_view
from preview.layout import render_page


def render_conversation(request: Request, inbox: InboxContext, conversation_id: str,
                        *, draft: str = "", warning: str | None = None,
                        attachment_token: str | None = None) -> HTMLResponse:
    """The conversation page; opening it marks the conversation read.

    ``draft``, ``warning`` and ``attachment_token`` carry a reply held back by the
    cancel-request warning (or sent back to be edited) into the reply box.
    """
    services = inbox.console.runtime.services
    conversation = inbox.conversation(conversation_id)
    if conversation.unread:
        inbox.actions.mark_read(conversation_id)
    result = last_turn_result(services.store, conversation_id)
    profile = customer_profile(services.store, services.source, conversation, result)
    customer = profile.customer
    entries = timeline(services.store, inbox.records, conversation_id)
    return render_page(request, "inbox_conversation.html", {
        "conversation": conversation, "profile": profile, "customer": customer,
        "timeline": timeline_view(entries, entry_class),
        "tickets": services.store.tickets(conversation_id),
        "blocked": inbox.actions.is_blocked(conversation),
        "users": inbox.console.users.list_users(),
        "saved_replies": inbox.records.saved_replies(), "assists": inbox.assists.menu(),
        "draft": draft, "warning": warning, "attachment_token": attachment_token or "",
        "languages": sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1]),
        "max_image_kib": services.settings.attachment_max_bytes // 1024,
        "cart_lines": cart_lines(conversation.cart),
        "cart_summary": cart_summary(conversation.cart)},
        title=f"Conversation {conversation_id}", active="inbox")
