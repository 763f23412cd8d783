"""One turn end to end: store the inbound message, run the graph, render, deliver, record.

``TurnService.handle`` is what every entry point calls (CLI, HTTP, later webhooks and
evals). A message whose client/provider id was already handled gets the stored result
back instead of a second reply. A turn unfinished after ``turn_abandoned_after_seconds``
is taken up again (``resume_abandoned``); should the first one still be running after
all, whichever finishes first answers and the other records and sends nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, Field

from agent.conversations import DuplicateMessage
from agent.services import Services
from skills.parts import Channel, Part, parts_from_json

MAX_TEXT_CHARS = 4000
T = TypeVar("T")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be blank")
    return value.replace("\x00", "")


MessageText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS),
                        AfterValidator(_not_blank)]

Renderer = Callable[[Sequence[Part], Channel], dict[str, Any]]


class TurnError(Exception):
    """A turn that cannot be taken as given; the message says why."""


class DuplicateInFlight(TurnError):
    """The same message id is being processed right now."""


class ClaimLost(TurnError):
    """A message waited for its turn so long that it was taken up again meanwhile."""


class InboundMessage(BaseModel):
    """A shopper's message as an entry point hands it to the engine."""

    conversation_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:@+-]+$")
    channel: Channel
    text: MessageText
    claimed_email: str | None = Field(default=None, max_length=254)
    storefront_token: str | None = Field(default=None, max_length=2048)
    sender: str | None = Field(default=None, max_length=254)
    client_message_id: str | None = Field(default=None, max_length=128)


class Rendered(BaseModel):
    """The reply as the channel receives it."""

    channel: str
    payload: dict[str, Any]


class TurnResult(BaseModel):
    """Everything a turn decided and said; the CLI's ``--json`` and the HTTP API's body."""

    conversation_id: str
    skill: str | None
    confidence: float
    status: Literal["resolved", "needs_identity", "awaiting", "redirect", "handoff"]
    redirect_to: str | None
    topics: list[str]
    identity: Literal["anonymous", "contact_matched", "verified"]
    handoff: dict[str, Any] | None
    parts: list[dict[str, Any]]
    rendered: Rendered
    trace: list[dict[str, Any]]


def reply_recipient(message: InboundMessage, services: Services,
                    customer_id: str | None) -> str:
    """Where a reply on SMS, WhatsApp or email goes: the sender, else the contact on file."""
    if message.sender:
        return message.sender
    customer = services.source.customer(customer_id) if customer_id else None
    if customer is None and message.claimed_email:
        return message.claimed_email
    if customer is None:
        return "unknown"
    if message.channel in (Channel.SMS, Channel.WHATSAPP) and customer.phone:
        return customer.phone
    return customer.email


class TurnService:
    """Takes turns: the only path from an inbound message to a recorded reply."""

    def __init__(self, services: Services, graph: Any, render: Renderer) -> None:
        self._services = services
        self._graph = graph
        self._render = render
        self._abandoned_after = timedelta(
            seconds=services.settings.turn_abandoned_after_seconds)
        at_once = services.settings.resolved_turns_at_once()
        self._turns_at_once = threading.BoundedSemaphore(at_once)
        self._turn_threads = ThreadPoolExecutor(at_once, thread_name_prefix="turn")

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Await ``work(*args)`` (``handle``, or a function that takes a turn) on one of
        this process's ``turns_at_once`` turn threads. Async entry points (the turn API,
        webchat, inbound mail) wait here, in the event loop, while turns ahead of theirs
        run: no thread is parked per waiting request (measured: 32 requests parked on
        threads cost ~25 % more CPU per turn than 32 queued here)."""
        return await asyncio.wrap_future(self._turn_threads.submit(work, *args))

    def close(self) -> None:
        """Stop the turn threads once the turns they hold are done."""
        self._turn_threads.shutdown(wait=True, cancel_futures=True)

    def handle(self, message: InboundMessage) -> TurnResult:
        """Process one inbound message and return the turn's result."""
        accepted = self.accept(message)
        if isinstance(accepted, TurnResult):
            return accepted
        return self.process(message, accepted)

    def accept(self, message: InboundMessage) -> int | TurnResult:
        """Store the inbound message before anything else; returns its id to ``process``.

        A message already answered returns the stored result; one being processed right
        now raises DuplicateInFlight; a failed or abandoned one is taken up again.
        """
        store, now = self._services.store, self._services.clock.now()
        envelope = {"sender": message.sender, "claimed_email": message.claimed_email}
        try:
            return store.record_inbound(message.conversation_id, message.channel.value,
                                        message.text, message.client_message_id, now,
                                        envelope=envelope)
        except DuplicateMessage as duplicate:
            stored = store.result_for(duplicate.message_id)
            if stored is not None:
                return TurnResult.model_validate(stored)
            if not store.reclaim_inbound(duplicate.message_id, now, self._abandoned_after):
                raise DuplicateInFlight("this message is already being processed") from None
            return duplicate.message_id

    def process(self, message: InboundMessage, inbound_id: int,
                claimed_at: datetime | None = None) -> TurnResult:
        """Take the turn of a message ``accept`` stored, once one of this process's
        ``turns_at_once`` places is free; the reply is handed to its provider after the
        place is given up, so a slow provider never holds up other turns.

        With ``claimed_at`` (the claim the message was taken with), the claim is renewed
        when the place is free: a message the housekeeping took up as abandoned while it
        waited raises ClaimLost and is not taken twice.
        """
        try:
            with self._turns_at_once:
                store = self._services.store
                if claimed_at is not None and not store.renew_claim(
                        inbound_id, claimed_at, self._services.clock.now()):
                    raise ClaimLost("the message was taken up again while it waited")
                result, delivery = self._take_turn(message, inbound_id)
        except ClaimLost:
            raise
        except Exception:
            self._services.store.fail_inbound(inbound_id)
            raise
        if delivery is not None:
            delivery()
        return result

    def resume_abandoned(self) -> list[int]:
        """Take up stored messages whose turn never finished (the process died mid-turn,
        or crashed after acknowledging a webhook); returns their ids."""
        store, now = self._services.store, self._services.clock.now()
        resumed = []
        for row in store.abandoned_inbound(now - self._abandoned_after):
            if not store.reclaim_inbound(row.id, now, self._abandoned_after):
                continue
            claimed_at = store.claim_of(row.id)
            envelope = row.envelope or {}
            message = InboundMessage(
                conversation_id=row.conversation_id, channel=Channel(row.channel),
                text=row.text, sender=envelope.get("sender"),
                claimed_email=envelope.get("claimed_email"),
                client_message_id=row.provider_id)
            try:
                self.process(message, row.id, claimed_at)
            except Exception:
                continue
            resumed.append(row.id)
        return resumed

    def _take_turn(self, message: InboundMessage,
                   inbound_id: int) -> tuple[TurnResult, Callable[[], None] | None]:
        """Run the graph for a stored inbound message, then render and record; the result
        and its delivery (None when nothing is to be sent), or the stored result when
        another turn on the message answered it first."""
        store = self._services.store
        state = self._graph.invoke(
            {"conversation_id": message.conversation_id, "channel": message.channel.value,
             "inbound": {"text": message.text, "claimed_email": message.claimed_email,
                         "storefront_token": message.storefront_token,
                         "sender": message.sender}},
            config={"configurable": {"thread_id": message.conversation_id}},
            durability="exit",
        )
        parts = parts_from_json(state.get("parts", []))
        payload = self._render(parts, message.channel)
        silent = bool(state.get("silent"))
        result = TurnResult(
            conversation_id=message.conversation_id,
            skill=state.get("turn_skill") or state.get("skill"),
            confidence=round(float(state.get("confidence") or 0.0), 4),
            status=state.get("status") or "resolved",
            redirect_to=state.get("redirect_to"),
            topics=list(state.get("topics", [])),
            identity=state.get("identity") or "anonymous",
            handoff=state.get("handoff"),
            parts=state.get("parts", []),
            rendered=Rendered(channel=message.channel.value, payload=payload),
            trace=state.get("trace", []),
        )
        known_customer = state.get("customer_id") or state.get("claimed_customer_id")
        recipient = reply_recipient(message, self._services, known_customer)
        conversation = {"unread": silent, "topics": result.topics,
                        **({"reply_to": recipient} if recipient != "unknown" else {})}
        text = " ".join(p["text"] for p in result.parts if p.get("type") == "text")
        webchat = message.channel is Channel.WEBCHAT
        state = "not_sent" if silent else ("delivered" if webchat else "pending")
        outbound_id = store.answer_inbound(
            message.conversation_id, message.channel.value, inbound_id, text, result.parts,
            result.model_dump(mode="json"), state, self._services.clock.now(), conversation)
        if outbound_id is None:
            return TurnResult.model_validate(store.result_for(inbound_id)), None
        if state == "pending":
            return result, partial(self._send, message, payload, recipient, outbound_id)
        return result, None

    def _send(self, message: InboundMessage, payload: dict[str, Any], recipient: str,
              outbound_id: int) -> None:
        """SMS, WhatsApp and email replies leave through the outbound queue."""
        deliver_reply(self._services, message.conversation_id, message.channel.value, payload,
                      recipient, outbound_id)


def deliver_reply(services: Services, conversation_id: str, channel: str,
                  payload: dict[str, Any], recipient: str, message_id: int) -> None:
    """Hand a stored reply (its rendered ``payload``) to the outbound queue."""
    body = payload.get("text") if channel == Channel.EMAIL.value else payload.get("body")
    services.outbound.send(
        conversation_id, channel, recipient, "reply", str(body or ""),
        subject=str(payload.get("subject", "")), payload=payload, message_id=message_id)
