"""The inbox's form posts: reply, note, assign, close, reopen, unread, hand back, block.

Each post does one thing, flashes what happened and redirects (303) back to the
conversation, except a reply held back by the cancel-request warning (or sent back to be
edited), which shows the conversation again with the text still in the reply box.
Blocking and unblocking are for owners and admins; everything else for every teammate.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from agent.inbox_actions import ImageUpload
from agent.inbox_cancel_warning import cancel_request_phrase
from preview.auth import ConsoleError
from preview.inbox_context import Configurer, InboxContext, Teammate, refused
from preview.inbox_page import render_conversation
from preview.layout import flash

REPLY_CHOICES = ("", "send_anyway", "edit")


def _back(conversation_id: str) -> RedirectResponse:
    return RedirectResponse(f"/console/inbox/{conversation_id}", status_code=303)


def _readable(addresses: list[str]) -> str:
    shown = [a for a in addresses if not a.startswith("conversation:")]
    return ", ".join(shown) if shown else "this visitor"


async def _image(upload: UploadFile | None, max_bytes: int) -> ImageUpload | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(max_bytes + 1)
    return ImageUpload(upload.filename, data)


def inbox_forms_router(inbox: InboxContext) -> APIRouter:
    """The POST routes of the conversation page."""
    router = APIRouter()
    actions = inbox.actions
    settings = inbox.console.runtime.settings

    @router.post("/console/inbox/{conversation_id}/reply")
    async def reply(request: Request, conversation_id: str, user: Teammate,
                    text: Annotated[str, Form(max_length=8000)] = "",
                    image: Annotated[UploadFile | None, File()] = None,
                    attachment_token: Annotated[str, Form(max_length=80)] = "",
                    choice: Annotated[str, Form(max_length=20)] = "") -> Response:
        if choice not in REPLY_CHOICES:
            raise ConsoleError(400, "choose Send anyway or Edit")
        upload = await _image(image, settings.attachment_max_bytes)
        if choice == "edit":
            with refused():
                actions.record_cancel_choice(conversation_id, "edit",
                                             cancel_request_phrase(text) or "", user.email)
            return render_conversation(request, inbox, conversation_id, draft=text,
                                       attachment_token=attachment_token or None)
        with refused():
            outcome = actions.reply(conversation_id, text, user.email, image=upload,
                                    attachment_token=attachment_token or None,
                                    send_anyway=choice == "send_anyway")
        if outcome.warning is not None:
            token = outcome.attachment.token if outcome.attachment else None
            return render_conversation(request, inbox, conversation_id, draft=text,
                                       warning=outcome.warning, attachment_token=token)
        flash(request, f"Reply sent ({outcome.state})")
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/note")
    def add_note(request: Request, conversation_id: str, user: Teammate,
                 text: Annotated[str, Form(max_length=8000)] = "") -> RedirectResponse:
        with refused():
            actions.add_note(conversation_id, text, user.email)
        flash(request, "Note added (only your team sees it)")
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/assign")
    def assign(request: Request, conversation_id: str, user: Teammate,
               assignee: Annotated[str, Form(max_length=254)] = "") -> RedirectResponse:
        chosen = assignee.strip()
        if chosen and inbox.console.users.user_by_email(chosen) is None:
            raise ConsoleError(400, f"{chosen} is not on the team")
        with refused():
            actions.assign(conversation_id, chosen.casefold() or None, user.email)
        flash(request, f"Assigned to {chosen}" if chosen else "Unassigned")
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/close")
    def close(request: Request, conversation_id: str, user: Teammate) -> RedirectResponse:
        with refused():
            outcome = actions.close(conversation_id, user.email)
        flash(request, outcome.capitalize())
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/reopen")
    def reopen(request: Request, conversation_id: str, user: Teammate) -> RedirectResponse:
        with refused():
            actions.reopen(conversation_id, user.email)
        flash(request, "Reopened")
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/unread")
    def mark_unread(request: Request, conversation_id: str, user: Teammate) -> RedirectResponse:
        with refused():
            actions.mark_read(conversation_id, read=False)
        flash(request, f"Marked {conversation_id} unread")
        return RedirectResponse("/console/inbox", status_code=303)

    @router.post("/console/inbox/{conversation_id}/hand-back")
    def hand_back(request: Request, conversation_id: str, user: Teammate) -> RedirectResponse:
        with refused():
            actions.hand_back(conversation_id, user.email)
        flash(request, "Handed back: the agent answers the next message")
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/block")
    def block(request: Request, conversation_id: str, user: Configurer) -> RedirectResponse:
        with refused():
            addresses = actions.block(conversation_id, user.email)
        flash(request, "Blocked " + _readable(addresses))
        return _back(conversation_id)

    @router.post("/console/inbox/{conversation_id}/unblock")
    def unblock(request: Request, conversation_id: str, user: Configurer) -> RedirectResponse:
        with refused():
            lifted = actions.unblock(conversation_id, user.email)
        flash(request, "Unblocked " + (_readable(lifted) if lifted else "(nothing was blocked)"))
        return _back(conversation_id)

    return router
