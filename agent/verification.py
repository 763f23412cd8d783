"""The verification step: ask for proof of identity, send codes, check them, resume.

Pure conversation logic over ``Services``: it decides what to say and which state to
keep. A code is sent only to the contact on file, never to an address the message names
unless that address is itself on file; every failure gets the same answer.
"""

from __future__ import annotations

import re
from typing import Any

from agent.brain.extractors import extract_code, extract_email
from agent.commerce.models import Customer
from agent.identity import IdentityLevel, mask_email, mask_phone
from agent.services import Services
from agent.state import ConversationState
from skills.parts import Channel, LoginPromptPart, Part, TextPart, parts_to_json

RESEND = re.compile(r"\b(new|another|resend|send again)\b.*\bcode\b|\bresend\b", re.I)
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


def _login_prompt(services: Services, channel: Channel, text: TextPart,
                  code_sent_to: str | None = None) -> LoginPromptPart:
    login_url = None
    if channel is Channel.WEBCHAT:
        login_url = services.settings.url(services.settings.login_url_template)
    return LoginPromptPart(text=text.text, login_url=login_url, code_sent_to=code_sent_to)


def send_code(services: Services, conversation_id: str, channel: Channel,
              customer: Customer, by_email: bool = False) -> str:
    """Issue a code to the customer's contact on file; returns where it went, masked.

    The code goes by text message on SMS/WhatsApp when a phone is on file, else (or when
    the shopper named their email) to the email on file.
    """
    now = services.clock.now()
    code = services.codes.issue(conversation_id, customer.id, now)
    body = (f"Your {services.settings.store_name} verification code is {code}. "
            "It expires in 10 minutes. Never share it with anyone.")
    if channel in PHONE_CHANNELS and customer.phone and not by_email:
        services.outbound.send(conversation_id, channel.value, customer.phone,
                               "one_time_code", body)
        return mask_phone(customer.phone)
    services.outbound.send(conversation_id, "email", customer.email, "one_time_code", body,
                           subject="Your verification code")
    return mask_email(customer.email)


def request_verification(services: Services, state: ConversationState, skill: str,
                         request: dict[str, Any]) -> dict[str, Any]:
    """Start verifying: send a code to a matched contact, or ask how to reach the shopper."""
    channel = Channel(state["channel"])
    claimed_id = state.get("claimed_customer_id")
    claimed = services.source.customer(claimed_id) if claimed_id else None
    pending = {"kind": "identity", "skill": skill, "request": request,
               "customer_id": claimed.id if claimed else None}
    if claimed is not None:
        masked = send_code(services, state["conversation_id"], channel, claimed)
        text = services.brain.phrase("identity.code_sent", {"masked": masked})
        prompt = _login_prompt(services, channel, text, code_sent_to=masked)
    else:
        key = "identity.ask_contact" if channel is Channel.WEBCHAT else "identity.ask_email"
        prompt = _login_prompt(services, channel, services.brain.phrase(key, {}))
    return {"pending": pending, "status": "needs_identity", "next": "respond",
            "parts": state.get("parts", []) + parts_to_json([prompt])}


def continue_verification(services: Services, state: ConversationState) -> dict[str, Any]:
    """Handle a message while verification is pending: a code, an email, or a resend."""
    pending = dict(state.get("pending") or {})
    text = state.get("inbound", {}).get("text", "")
    channel = Channel(state["channel"])
    cid = state["conversation_id"]
    code = extract_code(text)
    email = extract_email(text)
    reply: list[Part]

    if code is not None:
        customer_id = services.codes.verify(cid, code, services.clock.now())
        if customer_id is not None:
            return {
                "identity": IdentityLevel.VERIFIED.value, "customer_id": customer_id,
                "pending": None, "skill": pending.get("skill"),
                "turn_skill": pending.get("skill"),
                "request": pending.get("request", {}), "next": "run_skill",
                "parts": parts_to_json([services.brain.phrase("identity.verified", {})]),
            }
        reply = [_login_prompt(services, channel,
                               services.brain.phrase("identity.code_failed", {}))]
    elif email is not None:
        customer = services.source.customer_by_email(email)
        if customer is not None:
            send_code(services, cid, channel, customer, by_email=True)
            pending["customer_id"] = customer.id
        text_part = services.brain.phrase("identity.code_maybe_sent", {"email": email})
        reply = [_login_prompt(services, channel, text_part)]
    elif RESEND.search(text) and pending.get("customer_id"):
        customer = services.source.customer(pending["customer_id"])
        assert customer is not None
        masked = send_code(services, cid, channel, customer)
        text_part = services.brain.phrase("identity.code_sent", {"masked": masked})
        reply = [_login_prompt(services, channel, text_part, code_sent_to=masked)]
    else:
        reply = [_login_prompt(services, channel,
                               services.brain.phrase("identity.still_needed", {}))]
    return {"pending": pending, "status": "needs_identity", "next": "respond",
            "skill": pending.get("skill"), "parts": parts_to_json(reply)}
