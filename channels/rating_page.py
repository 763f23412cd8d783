"""The page a rating link in an email opens: confirm the score, optionally say why.

``GET /rate/{conversation}/{signature}?score=N`` shows the choice and a button; the
rating is recorded by the ``POST``, so a mail scanner that follows every link records
nothing. A wrong signature is a 403 and records nothing.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse

from agent.runtime import Runtime
from agent.satisfaction import (
    SCORE_LABELS,
    UnknownConversation,
    record_rating,
    valid_rating_signature,
)

MAX_COMMENT_CHARS = 1000


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{escape(title)}</title></head><body><main>"
                f"<h1>{escape(title)}</h1>{body}</main></body></html>")
    return HTMLResponse(document, status_code=status_code,
                        headers={"Content-Security-Policy": "default-src 'none'; "
                                 "style-src 'unsafe-inline'; form-action 'self'",
                                 "X-Robots-Tag": "noindex"})


def router_for(runtime: Runtime) -> APIRouter:
    """The rating confirmation routes over one runtime."""
    router = APIRouter()
    settings = runtime.settings
    secret = settings.resolved_secret_key()

    def refused(conversation_id: str, signature: str) -> HTMLResponse | None:
        if not valid_rating_signature(secret, conversation_id, signature):
            return _page("This rating link is not valid", "<p>Nothing was recorded.</p>", 403)
        if runtime.services.store.conversation(conversation_id) is None:
            return _page("This conversation no longer exists", "", 404)
        return None

    @router.get("/rate/{conversation_id}/{signature}", response_class=HTMLResponse)
    def confirm(conversation_id: str, signature: str,
                score: int = Query(ge=1, le=5)) -> HTMLResponse:
        problem = refused(conversation_id, signature)
        if problem is not None:
            return problem
        form = (f"<form method=\"post\"><p>You chose <strong>{escape(SCORE_LABELS[score])}"
                f"</strong> for your conversation with {escape(settings.store_name)}.</p>"
                f"<input type=\"hidden\" name=\"score\" value=\"{score}\">"
                f"<p><label for=\"comment\">Anything you'd like to add? (optional)</label><br>"
                f"<textarea id=\"comment\" name=\"comment\" rows=\"4\" cols=\"50\" "
                f"maxlength=\"{MAX_COMMENT_CHARS}\"></textarea></p>"
                f"<p><button type=\"submit\">Send my rating</button></p></form>")
        return _page("Rate your conversation", form)

    @router.post("/rate/{conversation_id}/{signature}", response_class=HTMLResponse)
    def record(conversation_id: str, signature: str, score: int = Form(ge=1, le=5),
               comment: str = Form(default="", max_length=MAX_COMMENT_CHARS)) -> HTMLResponse:
        problem = refused(conversation_id, signature)
        if problem is not None:
            return problem
        try:
            record_rating(runtime.services.store, conversation_id, score,
                          runtime.services.clock.now(), comment)
        except UnknownConversation:
            return _page("This conversation no longer exists", "", 404)
        return _page("Thank you", f"<p>Your rating ({score} of 5) has been recorded.</p>")

    return router
