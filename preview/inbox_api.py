"""The inbox's JSON endpoints and image serving.

- ``GET /console/api/inbox/notifications?after=N``: customer messages since the cursor
  (none on the first call, which only returns the cursor), for the browser notifications.
- ``POST /console/api/inbox/{id}/assist``: one assist over the reply box's text.
- ``GET /console/api/inbox/saved-replies``: the saved replies, for ``/name`` insertion.
- ``GET /console/inbox/attachments/{name}``: any attachment, to signed-in teammates.
- ``GET /attachments/{name}``: an attachment that went out in a reply, to anyone with the
  (unguessable) link: that is the link the customer received.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import Response

from agent.inbox import CustomerLookup, latest_message_id, new_inbound
from agent.inbox_attachments import read_attachment
from preview.auth import ConsoleError
from preview.inbox_context import InboxContext, Teammate, refused

IMAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
                 "Content-Security-Policy": "default-src 'none'; sandbox"}


def inbox_api_router(inbox: InboxContext) -> APIRouter:
    """JSON endpoints of the inbox, and the attachment routes."""
    router = APIRouter()
    services = inbox.console.runtime.services
    data_dir = services.settings.data_dir

    @router.get("/console/api/inbox/notifications")
    def notifications(user: Teammate,
                      after: Annotated[int | None, Query(ge=0)] = None) -> dict[str, Any]:
        if after is None:
            return {"cursor": latest_message_id(services.store), "messages": []}
        fresh, cursor = new_inbound(services.store, after)
        return {"cursor": cursor, "messages": [
            {"id": m.id, "conversation_id": m.conversation_id, "channel": m.channel,
             "text": m.text, "at": m.at.isoformat(),
             "url": f"/console/inbox/{m.conversation_id}"} for m in fresh]}

    @router.post("/console/api/inbox/{conversation_id}/assist")
    def assist(conversation_id: str, user: Teammate,
               name: Annotated[str, Form(max_length=20)],
               text: Annotated[str, Form(max_length=8000)] = "",
               language: Annotated[str, Form(max_length=8)] = "") -> dict[str, Any]:
        conversation = inbox.conversation(conversation_id)
        if name != "draft" and not text.strip():
            raise ConsoleError(400, "write something in the reply box first")
        customer = CustomerLookup(services.source).for_conversation(conversation)
        facts = inbox.draft_facts(conversation, customer.name if customer else None)
        with refused():
            result = inbox.assists.run(name, text, facts, language=language or None)
        return result.to_json()

    @router.get("/console/api/inbox/saved-replies")
    def saved_replies(user: Teammate) -> dict[str, Any]:
        return {"saved_replies": [{"name": r.name, "text": r.text}
                                  for r in inbox.records.saved_replies()]}

    def image_response(name: str, sent_only: bool) -> Response:
        found = read_attachment(inbox.records, data_dir, name, sent_only=sent_only)
        if found is None:
            raise ConsoleError(404, "no such image")
        attachment, data = found
        return Response(data, media_type=attachment.content_type, headers=IMAGE_HEADERS)

    @router.get("/console/inbox/attachments/{name}")
    def console_image(name: str, user: Teammate) -> Response:
        return image_response(name, sent_only=False)

    @router.get("/attachments/{name}")
    def public_image(name: str) -> Response:
        return image_response(name, sent_only=True)

    return router
