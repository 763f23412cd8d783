"""The Twilio webhooks: shoppers' SMS and WhatsApp messages in, delivery reports back.

``POST /channels/twilio/messages`` checks the signature and the form, answers a keyword
(STOP, START, HELP, ...) without the agent, or stores the message (de-duplicated by
``MessageSid``), then answers Twilio with empty TwiML and takes the agent's turn
afterwards (on ``channels.background_turns``); the reply leaves through the outbound queue (Twilio's
REST API when configured, else held in the outbox). A turn that never finished (a crash
after the ack) is taken up by ``TurnService.resume_abandoned``. A WhatsApp message also
releases replies that waited for the 24-hour window to reopen.

``POST /channels/twilio/status`` applies delivery reports to the outbox; a report never
moves a message backwards. A report for a SID this database never sent (another app on
the same account, or a report that beat the send's own record) is answered 200 and
changes nothing: an error would only make Twilio log and retry it.

Without ``twilio_auth_token`` both routes answer 503: nothing unsigned is ever accepted.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from agent.conversations import DuplicateMessage
from agent.runtime import Runtime
from agent.services import Services
from agent.turns import ClaimLost, DuplicateInFlight, InboundMessage, Rendered, TurnResult
from channels.background_turns import BackgroundTurns
from channels.render import render
from channels.twilio_keywords import Keyword, keyword_of, keyword_reply, keyword_word
from channels.twilio_rest import STATUS_PATH
from channels.twilio_webhook import (
    InboundText,
    Params,
    WebhookRejected,
    check_signature,
    form_params,
    inbound_text,
    signed_url,
    status_report,
)
from channels.twilio_window import deliver_waiting_replies
from skills.parts import Channel, TextPart, parts_to_json

log = logging.getLogger(__name__)

MESSAGES_PATH = "/channels/twilio/messages"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
NOT_CONFIGURED = ("Twilio webhooks are not configured on this server: "
                  "set CUSTOMER_AGENT_TWILIO_AUTH_TOKEN")


def router_for(runtime: Runtime, background: BackgroundTurns) -> APIRouter:
    """The Twilio routes over one runtime; turns run on ``background`` after the ack."""
    router = APIRouter(tags=["twilio"])
    services = runtime.services

    async def verified_params(request: Request) -> Params:
        token = services.settings.twilio_auth_token
        if not token:
            raise WebhookRejected(503, NOT_CONFIGURED)
        params = form_params(request.headers.get("content-type"), await request.body())
        url = signed_url(services.settings.public_base_url, request.url.path,
                         request.url.query)
        check_signature(token, url, params, request.headers.get("x-twilio-signature"))
        return params

    @router.post(MESSAGES_PATH)
    async def inbound(request: Request) -> Response:
        try:
            message = inbound_text(await verified_params(request))
            engine_message = message.for_engine()  # refused now (422), not after the ack
        except WebhookRejected as rejected:
            return JSONResponse(status_code=rejected.status, content={"error": str(rejected)})
        claim = await run_in_threadpool(accept_inbound, runtime, message, engine_message)
        if claim is not None:
            background.submit(handle_inbound, runtime, message, engine_message, *claim)
        return Response(EMPTY_TWIML, media_type="text/xml")

    @router.post(STATUS_PATH)
    async def delivery_status(request: Request) -> Any:
        try:
            report = status_report(await verified_params(request))
        except WebhookRejected as rejected:
            return JSONResponse(status_code=rejected.status, content={"error": str(rejected)})
        answer: dict[str, Any] = {"message_sid": report.message_sid, "status": report.status,
                                  "known": False, "state": None}
        if report.state is None:
            return answer
        row = await run_in_threadpool(services.store.advance_delivery, report.message_sid,
                                      report.state, services.clock.now(), report.error)
        if row is not None:
            answer.update(known=True, state=row.state)
        return answer

    return router


def accept_inbound(runtime: Runtime, message: InboundText,
                   engine_message: InboundMessage) -> tuple[int, datetime | None] | None:
    """Before the acknowledgement: answer a keyword at once, or store the message for the
    agent (so a crash after the ack loses nothing); returns the id to take the turn on
    and its claim, or None when nothing is left to do (a keyword, or a retry of a
    handled message)."""
    services = runtime.services
    keyword = keyword_of(message.text, opted_out="opt_out" in
                         services.store.suppression_reasons(message.sender))
    try:
        if keyword is not None:
            answer_keyword(services, message, keyword)
            if message.channel is Channel.WHATSAPP and keyword is not Keyword.OPT_OUT:
                deliver_waiting_replies(services.store, services.outbound,
                                        message.conversation_id, services.clock.now())
            return None
        accepted = runtime.turns.accept(engine_message)
    except DuplicateInFlight:
        log.info("Twilio message %s is already being handled", message.message_sid)
        return None
    if isinstance(accepted, TurnResult):
        return None
    return accepted, services.store.claim_of(accepted)


def handle_inbound(runtime: Runtime, message: InboundText, engine_message: InboundMessage,
                   inbound_id: int, claimed_at: datetime | None) -> None:
    """After the acknowledgement: take the agent's turn, then send replies the WhatsApp
    window held back. A turn that waited so long in the queue that the housekeeping took
    the message up as abandoned does not run again. A failed turn leaves it ``failed``:
    Twilio does not retry after the ack, so the housekeeping hands it to a person
    (``agent.failed_turns``)."""
    services = runtime.services
    try:
        runtime.turns.process(engine_message, inbound_id, claimed_at)
        if message.channel is Channel.WHATSAPP:
            deliver_waiting_replies(services.store, services.outbound,
                                    message.conversation_id, services.clock.now())
    except ClaimLost:
        log.info("Twilio message %s was taken up while it waited", message.message_sid)
    except Exception:
        log.exception("Twilio message %s could not be handled", message.message_sid)


def answer_keyword(services: Services, message: InboundText, keyword: Keyword) -> None:
    """Record the keyword message, opt the number out or in, and send the keyword's reply."""
    store, settings, now = services.store, services.settings, services.clock.now()
    conversation, channel = message.conversation_id, message.channel.value
    word = keyword_word(message.text)
    store.ensure_conversation(conversation, channel, now)
    try:
        inbound_id = store.record_inbound(conversation, channel, message.text,
                                          message.message_sid, now)
    except DuplicateMessage:
        return
    store.update_conversation(conversation, now, reply_to=message.sender)
    store.record_event(conversation, "keyword", {"keyword": word, "action": keyword.value}, now)
    set_by = f"{channel} keyword {word}"
    if keyword is Keyword.OPT_IN:
        store.lift_suppression(message.sender, "opt_out", set_by, now)
    reply = keyword_reply(keyword, message.channel, settings.store_name,
                          settings.support_email)
    if reply is None:
        store.mark_inbound(inbound_id, "processed")
    else:
        send_keyword_reply(services, message, inbound_id, keyword, reply)
    if keyword is Keyword.OPT_OUT:
        store.suppress(message.sender, "opt_out", set_by, now)


def send_keyword_reply(services: Services, message: InboundText, inbound_id: int,
                       keyword: Keyword, reply: str) -> None:
    """Record the reply as the message's turn result (so a retry finds it), then send it."""
    parts = parts_to_json([TextPart(text=reply)])
    payload = render([TextPart(text=reply)], message.channel)
    result = TurnResult(
        conversation_id=message.conversation_id, skill=None, confidence=1.0,
        status="resolved", redirect_to=None, topics=[], identity="anonymous", handoff=None,
        parts=parts, rendered=Rendered(channel=message.channel.value, payload=payload),
        trace=[{"node": "twilio_keyword",
                "decision": {"keyword": keyword_word(message.text), "action": keyword.value}}])
    now = services.clock.now()
    outbound_id = services.store.record_outbound(
        message.conversation_id, message.channel.value, inbound_id, reply, parts,
        result.model_dump(mode="json"), "pending", now)
    services.outbound.send(message.conversation_id, message.channel.value, message.sender,
                           "keyword_reply", str(payload["body"]), payload=payload,
                           message_id=outbound_id)
