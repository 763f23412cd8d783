"""Preview turns: the real engine, driven by a test shopper the merchant describes.

A preview conversation (id ``preview-…``) runs through the same graph, skills and
knowledge base as a real one, with one difference: its outbound queue has no transport,
so nothing — replies on SMS/WhatsApp/email, one-time codes — ever leaves the machine;
it stays ``held`` in the outbox, where the preview reads the code for the tester.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import sqlite3
import threading
from typing import Any, Literal

from langgraph.checkpoint.sqlite import SqliteSaver
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.graph import build_graph
from agent.outbound import Outbound
from agent.outbox import OutboxMessage
from agent.runtime import Runtime
from agent.turns import InboundMessage, TurnResult, TurnService
from preview.console import Renderer
from skills.parts import Channel, parts_from_json

PREVIEW_PREFIX = "preview-"
PREVIEW_ID = r"^preview-[a-z0-9]{12}$"
CODE_IN_BODY = re.compile(r"\b(\d{6})\b")


def new_preview_id() -> str:
    """A fresh preview conversation id."""
    return f"{PREVIEW_PREFIX}{secrets.token_hex(6)}"


class ShopperSetup(BaseModel):
    """Who the test shopper is: a customer's email (or anonymous), verified or not, where."""

    conversation_id: str = Field(pattern=PREVIEW_ID)
    customer: str = Field(default="", max_length=254)
    verified: bool = False
    channel: Channel = Channel.WEBCHAT

    @property
    def identity_label(self) -> Literal["anonymous", "claimed", "verified"]:
        """How the shopper presents themselves."""
        if not self.customer:
            return "anonymous"
        return "verified" if self.verified else "claimed"

    def query(self) -> dict[str, str]:
        """The setup as URL query values."""
        return {"cid": self.conversation_id, "customer": self.customer,
                "verified": "1" if self.verified else "", "channel": self.channel.value}


class UnknownCustomer(ValueError):
    """A verified test shopper needs a customer on file."""


class PreviewEngine:
    """Takes preview turns on ``runtime`` without ever sending anything."""

    def __init__(self, runtime: Runtime, render: Renderer) -> None:
        self.runtime = runtime
        self._render = render
        self._lock = threading.Lock()
        self._built_for: object | None = None
        self._turns: TurnService | None = None
        self._checkpoints: sqlite3.Connection | None = None

    def _turn_service(self) -> TurnService:
        """The preview's turn service, rebuilt when the console replaced the policy."""
        services = self.runtime.services
        with self._lock:
            if self._turns is None or self._built_for is not services.policy:
                if self._checkpoints is None:
                    self._checkpoints = sqlite3.connect(
                        self.runtime.settings.checkpoint_path, check_same_thread=False)
                held = Outbound(services.store, services.clock, {})
                quiet = dataclasses.replace(services, outbound=held)
                graph = build_graph(quiet, SqliteSaver(self._checkpoints))
                self._turns = TurnService(quiet, graph, self._render)
                self._built_for = services.policy
            return self._turns

    def inbound(self, setup: ShopperSetup, text: str) -> InboundMessage:
        """The message as the channel would deliver it for this test shopper."""
        services = self.runtime.services
        customer = (services.source.customer_by_email(setup.customer)
                    if setup.customer else None)
        token = claimed = sender = None
        if setup.verified:
            if customer is None:
                raise UnknownCustomer(f"no customer on file with email {setup.customer or '?'}")
            token = services.tokens.issue(customer.id, services.clock.now())
        if setup.customer and setup.channel in (Channel.SMS, Channel.WHATSAPP) \
                and customer is not None and customer.phone:
            sender = customer.phone
        elif setup.customer and setup.channel is Channel.EMAIL:
            sender = setup.customer
        elif setup.customer:
            claimed = setup.customer
        return InboundMessage(conversation_id=setup.conversation_id, channel=setup.channel,
                              text=text, claimed_email=claimed, storefront_token=token,
                              sender=sender)

    def take_turn(self, setup: ShopperSetup, text: str) -> TurnResult:
        """One preview turn through the real engine."""
        return self._turn_service().handle(self.inbound(setup, text))

    def renderings(self, parts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The same reply compiled for every channel."""
        compiled = parts_from_json(parts)
        return {channel.value: self._render(compiled, channel) for channel in Channel}

    def held_codes(self, conversation_id: str) -> list[str]:
        """One-time codes this conversation was sent (held in the outbox), oldest first."""
        query = select(OutboxMessage.body).where(
            OutboxMessage.conversation_id == conversation_id,
            OutboxMessage.kind == "one_time_code").order_by(OutboxMessage.id)
        with Session(self.runtime.services.store.engine) as session:
            bodies = list(session.scalars(query))
        return [match.group(1) for body in bodies if (match := CODE_IN_BODY.search(body))]

    def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's turns, oldest first: each shopper message with the agent's
        result (parts, trace) and the reply rendered for all four channels."""
        turns: list[dict[str, Any]] = []
        for message in self.runtime.services.store.messages(conversation_id):
            if message.direction == "in":
                turns.append({"said": message.text, "at": message.created_at, "result": None,
                              "renderings": {}})
            elif message.result and turns:
                result = message.result
                turns[-1]["result"] = result
                turns[-1]["renderings"] = self.renderings(result.get("parts", []))
        return turns
