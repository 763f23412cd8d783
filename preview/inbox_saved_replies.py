"""Saved replies: every teammate sees and inserts them (type ``/name`` in the reply box);
owners and admins add, change and delete them (at most 20)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from agent.inbox_records import MAX_SAVED_REPLIES
from preview.auth import ConsoleError
from preview.inbox_context import Configurer, InboxContext, Teammate, refused
from preview.layout import flash, render_page

PAGE = "/console/inbox/saved-replies"


def saved_replies_router(inbox: InboxContext) -> APIRouter:
    """The saved-replies page and its forms."""
    router = APIRouter()
    records = inbox.records

    @router.get(PAGE, response_class=HTMLResponse)
    def saved_replies(request: Request, user: Teammate) -> HTMLResponse:
        return render_page(request, "inbox_saved_replies.html", {
            "replies": records.saved_replies(), "limit": MAX_SAVED_REPLIES},
            title="Saved replies", active="inbox")

    @router.post(PAGE)
    def save(request: Request, user: Configurer,
             name: Annotated[str, Form(max_length=64)] = "",
             text: Annotated[str, Form(max_length=4000)] = "") -> RedirectResponse:
        with refused():
            saved = records.save_reply(name, text, user.email, inbox.console.now())
        flash(request, f"Saved /{saved.name}")
        return RedirectResponse(PAGE, status_code=303)

    @router.post(PAGE + "/{name}/delete")
    def delete(request: Request, name: str, user: Configurer) -> RedirectResponse:
        if not records.delete_saved_reply(name):
            raise ConsoleError(404, f"no saved reply named {name}")
        flash(request, f"Deleted /{name}")
        return RedirectResponse(PAGE, status_code=303)

    return router
