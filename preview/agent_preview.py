"""The Agent preview page: talk to the agent as a test shopper and see everything it did.

The test shopper's setup (conversation id, customer, verified, channel) travels in the
URL and the forms, so a preview is a link. Each turn shows the reply as the chosen
channel renders it, the same reply on all four channels side by side, and the trace.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError

from agent.commerce.demo import DEMO_CUSTOMER_EMAILS
from agent.turns import MAX_TEXT_CHARS
from preview.auth import Configurer, ConsoleError, Teammate
from preview.console import Console
from preview.console_settings import EditableSettings
from preview.eval_export import eval_case, save_suite, to_yaml
from preview.layout import flash, render_page
from preview.preview_engine import (
    PREVIEW_PREFIX,
    PreviewEngine,
    ShopperSetup,
    UnknownCustomer,
    new_preview_id,
)
from preview.trace_view import searched_passages, trace_view
from skills.parts import Channel

__all__ = ["PREVIEW_PREFIX", "preview_router"]

PAGE = "/console/preview"


def _setup(cid: str | None, customer: str | None, verified: str | None,
           channel: str | None) -> ShopperSetup:
    try:
        return ShopperSetup(conversation_id=cid or new_preview_id(),
                            customer=(customer or "").strip(),
                            verified=bool(verified) and bool((customer or "").strip()),
                            channel=Channel(channel or "webchat"))
    except (ValidationError, ValueError):
        raise ConsoleError(422, "That preview setup is not valid: pick a channel and a "
                                "customer from the lists and start again.") from None


def _page_url(setup: ShopperSetup, anchor: str = "") -> str:
    return f"{PAGE}?{urlencode(setup.query())}{anchor}"


def preview_router(console: Console) -> APIRouter:
    """The preview page, its turn form, reset and save-as-eval."""
    router = APIRouter()
    engine = PreviewEngine(console.runtime, console.render)

    def customers() -> list[str]:
        if console.runtime.settings.order_source == "demo":
            return list(DEMO_CUSTOMER_EMAILS)
        return []

    def suite_for(setup: ShopperSetup, author: str) -> dict[str, Any]:
        turns = engine.history(setup.conversation_id)
        message = engine.inbound(setup, "-")
        stored = console.overrides.values()
        settings = {k: v for k, v in stored.items() if k in EditableSettings.model_fields}
        try:
            return eval_case(setup, turns, engine.held_codes(setup.conversation_id),
                             claimed=bool(message.claimed_email), sender=message.sender,
                             settings=settings, author=author)
        except ValueError as empty:
            raise ConsoleError(422, f"Nothing to save: {empty}.") from None

    @router.get(PAGE, response_class=HTMLResponse)
    def preview_page(request: Request, _user: Teammate, cid: str | None = None,
                     customer: str | None = None, verified: str | None = None,
                     channel: str | None = None) -> Response:
        setup = _setup(cid, customer, verified, channel)
        if cid is None:
            return RedirectResponse(_page_url(setup), status_code=303)
        turns = engine.history(setup.conversation_id)
        for turn in turns:
            if turn["result"]:
                turn["trace"] = trace_view(turn["result"])
                turn["trace"].searched_passages = searched_passages(
                    console.runtime.knowledge_base.search(turn["said"], k=3))
        return render_page(request, "preview.html", {
            "setup": setup, "turns": turns, "customers": customers(),
            "channels": [c.value for c in Channel], "codes": engine.held_codes(
                setup.conversation_id), "query": urlencode(setup.query()),
            "max_chars": MAX_TEXT_CHARS}, title="Agent preview", active="preview")

    @router.get(PAGE + "/new")
    def new_conversation(_user: Teammate, customer: str | None = None, verified: str | None = None,
                         channel: str | None = None) -> RedirectResponse:
        return RedirectResponse(_page_url(_setup(None, customer, verified, channel)),
                                status_code=303)

    @router.post(PAGE + "/turn")
    def take_turn(_user: Teammate, cid: str = Form(""), customer: str = Form(""),
                  verified: str = Form(""), channel: str = Form("webchat"),
                  text: str = Form("")) -> RedirectResponse:
        setup = _setup(cid, customer, verified, channel)
        if not text.strip():
            raise ConsoleError(422, "Type a message for the test shopper to send.")
        if len(text) > MAX_TEXT_CHARS:
            raise ConsoleError(422, f"A message has at most {MAX_TEXT_CHARS} characters.")
        try:
            engine.take_turn(setup, text)
        except UnknownCustomer as unknown:
            raise ConsoleError(422, f"Cannot verify this shopper: {unknown}.") from None
        count = len(engine.history(setup.conversation_id))
        return RedirectResponse(_page_url(setup, f"#turn-{count}"), status_code=303)

    @router.post(PAGE + "/reset")
    def reset(request: Request, _user: Teammate, customer: str = Form(""),
              verified: str = Form(""), channel: str = Form("webchat")) -> RedirectResponse:
        setup = _setup(None, customer, verified, channel)
        flash(request, "Started a new preview conversation.", "info")
        return RedirectResponse(_page_url(setup), status_code=303)

    @router.get(PAGE + "/eval.yaml")
    def download_eval(cid: str, user: Teammate, customer: str = "", verified: str = "",
                      channel: str = "webchat") -> PlainTextResponse:
        setup = _setup(cid, customer, verified, channel)
        suite = suite_for(setup, user.email)
        return PlainTextResponse(to_yaml(suite), media_type="application/yaml", headers={
            "Content-Disposition": f'attachment; filename="{suite["suite"]}.yaml"'})

    @router.post(PAGE + "/save-eval")
    def save_eval(request: Request, user: Configurer, cid: str = Form(""), customer: str = Form(""),
                  verified: str = Form(""), channel: str = Form("webchat")) -> RedirectResponse:
        setup = _setup(cid, customer, verified, channel)
        path = save_suite(suite_for(setup, user.email), console.eval_dir)
        flash(request, f"Saved as an eval case: {path}")
        return RedirectResponse(_page_url(setup), status_code=303)

    return router
