"""The inbox pages: the conversation list and one conversation with its customer profile.

Who may do what: every signed-in role (owner, admin, staff) views conversations and
answers them (reply, notes, assign, close / reopen, mark unread, hand back to the agent,
assists, saved replies). Blocking a sender and managing saved replies change how the
shop treats people and what every teammate sends, so they are for owners and admins.
Signed-out visitors are sent to sign in (401 on the JSON endpoints).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from agent.inbox import UNASSIGNED, InboxFilter, inbox_rows
from agent.topics import TOPIC_EXAMPLES
from preview.console import Console
from preview.inbox_api import inbox_api_router
from preview.inbox_context import InboxContext, Teammate
from preview.inbox_forms import inbox_forms_router
from preview.inbox_page import render_conversation
from preview.inbox_saved_replies import saved_replies_router
from preview.layout import render_page
from skills.parts import Channel

STATUSES = ("open", "closed")


def inbox_router(console: Console) -> APIRouter:
    """Every inbox route: pages, actions, JSON endpoints, saved replies, attachments.

    The fixed paths (``/console/inbox/saved-replies``) come before ``/console/inbox/{id}``.
    """
    inbox = InboxContext.build(console)
    router = APIRouter()
    services = console.runtime.services
    router.include_router(saved_replies_router(inbox))
    router.include_router(inbox_forms_router(inbox))
    router.include_router(inbox_api_router(inbox))

    @router.get("/console/inbox", response_class=HTMLResponse)
    def conversation_list(request: Request, user: Teammate, status: str = "",
                          channel: str = "", assignee: str = "", topic: str = "",
                          q: str = "", blocked: bool = False) -> HTMLResponse:
        wanted = InboxFilter(status=status if status in STATUSES else "",
                             channel=channel if channel in set(Channel) else "",
                             assignee=assignee.strip()[:254], topic=topic.strip()[:80],
                             query=q.strip()[:200], show_blocked=blocked)
        rows = inbox_rows(services.store, services.source, wanted)
        return render_page(request, "inbox_list.html", {
            "rows": rows, "wanted": wanted, "statuses": STATUSES,
            "channels": [c.value for c in Channel], "topics": list(TOPIC_EXAMPLES),
            "users": console.users.list_users(), "unassigned": UNASSIGNED},
            title="Inbox", active="inbox")

    @router.get("/console/inbox/{conversation_id}", response_class=HTMLResponse)
    def conversation_page(request: Request, conversation_id: str,
                          user: Teammate) -> HTMLResponse:
        return render_conversation(request, inbox, conversation_id)

    return router

