"""``POST /channels/email/inbound``: email in, from a raw MIME post or an inbound-parse service.

The source is named by a path segment (``/channels/email/inbound/{raw|mailgun|sendgrid}``)
or, on the bare path, detected: ``message/rfc822`` or ``text/plain`` is a raw message; a
form with Mailgun's fields is Mailgun; one with SendGrid's is SendGrid. Who may post is
checked first (``channels.email_auth``); a source whose key is not configured answers 503.
Everything is validated before anything is stored, then: the mail is threaded
(``channels.email_threading``), its Message-ID recorded, and either

* a person wrote it: one turn on the email channel with the sender as ``sender`` (a
  matched contact, one factor) and only the new text (quotes and signature cut; the
  subject when the body has no text), the Message-ID as the de-duplication id, so a
  re-delivery never gets a second reply; or
* a machine wrote it (RFC 3834: auto-replies, bulk and list mail, bounces, reports, our
  own address): stored with delivery state ``no_reply``, no turn, no reply.

Each mail also adds an ``email_received`` event (subject, sender, threading, attachments
by name, and why it was not answered when it was not).
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from agent.conversations import DuplicateMessage
from agent.runtime import Runtime
from agent.suppressions import normalise_address
from agent.turns import MAX_TEXT_CHARS, DuplicateInFlight, InboundMessage
from channels.email_auth import (
    InboundRefused,
    MailgunTokens,
    check_mailgun_signature,
    check_shared_secret,
)
from channels.email_forms import (
    FORM_TYPES,
    BadForm,
    FormPost,
    detect_service,
    from_mailgun,
    from_sendgrid,
    parse_form,
)
from channels.email_parse import InboundEmail, MalformedEmail, parse_mime
from channels.email_threading import bare_subject, thread_inbound
from skills.parts import Channel

INBOUND_PATH = "/channels/email/inbound"
SOURCES = ("raw", "mailgun", "sendgrid")
RAW_TYPES = ("message/rfc822", "text/plain")
NO_REPLY = "no_reply"
MAX_PROVIDER_ID = 128


def _answer(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message}, headers=headers)


def _source_for(named: str | None, media_type: str) -> str:
    """The source a post comes from: the path's name, else ``raw`` or ``form``."""
    if named is not None and named not in SOURCES:
        raise InboundRefused(404, f"unknown email source {named!r}: use {', '.join(SOURCES)}")
    if media_type in RAW_TYPES and named in (None, "raw"):
        return "raw"
    if media_type in FORM_TYPES and named != "raw":
        return named or "form"
    expected = "message/rfc822 or text/plain" if named == "raw" else (
        "a form (multipart/form-data or application/x-www-form-urlencoded)" if named
        else "message/rfc822 (raw MIME) or a form (Mailgun, SendGrid)")
    raise InboundRefused(415, f"unsupported content type {media_type or '(none)'!r}: "
                              f"post {expected}")


def provider_message_id(email: InboundEmail) -> str:
    """The de-duplication id of a mail: its Message-ID, hashed when over 128 characters."""
    if len(email.message_id) <= MAX_PROVIDER_ID:
        return email.message_id
    return "sha256:" + hashlib.sha256(email.message_id.encode()).hexdigest()


def agent_text(email: InboundEmail) -> str:
    """What the agent reads: the new text, or the subject when the body has none."""
    return (email.text or bare_subject(email.subject))[:MAX_TEXT_CHARS].strip()


def receive_email(runtime: Runtime, email: InboundEmail) -> dict[str, Any]:
    """Thread, record and (when a person wrote it) answer one validated inbound email."""
    services = runtime.services
    store, now = services.store, services.clock.now()
    own = services.settings.email_from_address or services.settings.support_email
    automatic = email.automatic or (
        "sent from our own address (mail loop)"
        if normalise_address(email.sender) == normalise_address(own) else None)
    threading = thread_inbound(store, email)
    conversation_id = threading.conversation_id
    store.ensure_conversation(conversation_id, Channel.EMAIL.value, now)
    if store.record_email_message(email.message_id, conversation_id, "in", email.sender,
                                  email.subject, now):
        store.record_event(conversation_id, "email_received", {
            "message_id": email.message_id, "subject": email.subject, "from": email.sender,
            "from_name": email.sender_name, "threading": threading.how,
            "attachments": list(email.attachments), "not_answered": automatic}, now)
    provider_id = provider_message_id(email)
    text = agent_text(email)
    answer: dict[str, Any] = {"conversation_id": conversation_id, "threading": threading.how}
    if automatic or not text:
        try:
            inbound_id = store.record_inbound(conversation_id, Channel.EMAIL.value, text,
                                              provider_id, now)
        except DuplicateMessage:
            return {**answer, "status": "duplicate", "reply": False}
        store.mark_inbound(inbound_id, NO_REPLY)
        if not automatic:
            store.update_conversation(conversation_id, now, unread=True)
        return {**answer, "status": "stored", "reply": False,
                "reason": automatic or "no text to answer (left for the team)"}
    result = runtime.turns.handle(InboundMessage(
        conversation_id=conversation_id, channel=Channel.EMAIL, text=text,
        sender=email.sender, client_message_id=provider_id))
    return {**answer, "status": "processed", "reply": True, "skill": result.skill,
            "identity": result.identity}


class EmailInbound:
    """Reads, authenticates and hands on inbound email posts for one runtime."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._tokens = MailgunTokens(runtime.services.store.engine)

    def read(self, source: str | None, secret: str | None, content_type: str,
             authorization: str | None, body: bytes) -> InboundEmail:
        """The email in a post, once its sender is let in.

        Raises InboundRefused (404, 415, 401/403/409, 503), BadForm or MalformedEmail.
        """
        kind = _source_for(source, content_type.split(";")[0].strip().lower())
        if kind in ("raw", "sendgrid"):
            self._check_secret(kind, secret, authorization)
        if kind == "raw":
            return parse_mime(body)
        form = parse_form(body, content_type)
        if kind == "form":
            kind = detect_service(form)
            if kind == "sendgrid":
                self._check_secret(kind, secret, authorization)
        return self._mailgun(form) if kind == "mailgun" else from_sendgrid(form)

    def _check_secret(self, kind: str, secret: str | None, authorization: str | None) -> None:
        expected = self._runtime.settings.email_inbound_secret
        if not expected:
            raise InboundRefused(503, f"{kind} email inbound is not configured: set "
                                      "CUSTOMER_AGENT_EMAIL_INBOUND_SECRET")
        check_shared_secret(expected, secret, authorization)

    def _mailgun(self, form: FormPost) -> InboundEmail:
        """A signed, fresh, first-seen Mailgun post's email (the token is spent last)."""
        key = self._runtime.settings.mailgun_signing_key
        if not key:
            raise InboundRefused(503, "Mailgun inbound is not configured: set "
                                      "CUSTOMER_AGENT_MAILGUN_SIGNING_KEY")
        now = self._runtime.services.clock.now()
        token = form.text("token")
        check_mailgun_signature(key, form.text("timestamp"), token, form.text("signature"),
                                now)
        email = from_mailgun(form)
        self._tokens.claim(token, now)
        return email


def router_for(runtime: Runtime) -> APIRouter:
    """The router serving ``POST /channels/email/inbound[/{source}[/{secret}]]``."""
    router = APIRouter()
    inbound = EmailInbound(runtime)

    @router.post(INBOUND_PATH)
    @router.post(INBOUND_PATH + "/{source}")
    @router.post(INBOUND_PATH + "/{source}/{secret}")
    async def receive_inbound_email(request: Request, source: str | None = None,
                                    secret: str | None = None) -> JSONResponse:
        body = await request.body()
        if not body.strip():
            return _answer(400, "empty body: post a raw MIME message or an inbound-parse form")
        try:
            email = await run_in_threadpool(
                inbound.read, source, secret, request.headers.get("content-type", ""),
                request.headers.get("authorization"), body)
            answer = await runtime.turns.run(receive_email, runtime, email)
        except InboundRefused as refused:
            return _answer(refused.status, str(refused), refused.headers)
        except (MalformedEmail, BadForm) as error:
            return _answer(400, str(error))
        except DuplicateInFlight as error:
            return _answer(409, str(error))
        return JSONResponse(status_code=200, content=answer)

    return router
