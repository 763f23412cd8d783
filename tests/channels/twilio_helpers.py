"""Fixtures and helpers shared by the Twilio channel tests.

Test modules import the ``*_fixture`` functions to get the ``clock``, ``fake_twilio`` and
``twilio_app`` fixtures. The runtime's clock is a :class:`MovableClock` (``make_clock`` is
patched for the test), so retries and the WhatsApp window are tested by moving time. The
app's public base URL is ``https://shop.example`` while ``TestClient`` talks to
``http://testserver``: a signature made over the public URL only validates if the app
checks the public URL, as it must behind a proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import agent.runtime
from agent.app import create_app
from agent.conversations import Message
from agent.delivery import deliver_teammate_reply
from agent.outbox import OutboxMessage
from agent.runtime import Runtime
from channels.background_turns import BackgroundTurns
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.fakes.twilio_server import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FakeTwilioServer,
    inbound_form,
    signed_post,
    status_form,
)

PUBLIC_BASE_URL = "https://shop.example"
MESSAGES_URL = "/channels/twilio/messages"
STATUS_URL = "/channels/twilio/status"
SMS_FROM = "+4570000000"
WHATSAPP_FROM = "+14155238886"
TEMPLATE_SID = "HX" + "a" * 32
SHOPPER = "+4529990001"
ASTRID_PHONE = "+4520123456"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
RETURN_QUESTION = "how long do I have to return an item"


class MovableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.instant = start

    def now(self) -> datetime:
        """The current instant."""
        return self.instant

    def advance(self, **delta: float) -> None:
        """Move time forward by ``timedelta(**delta)``."""
        self.instant += timedelta(**delta)


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch: pytest.MonkeyPatch) -> MovableClock:
    """The clock every runtime built in this test uses."""
    moving = MovableClock(FIXED_NOW)
    monkeypatch.setattr(agent.runtime, "make_clock", lambda _settings: moving)
    return moving


@pytest.fixture(name="fake_twilio")
def fake_twilio_fixture() -> Iterator[FakeTwilioServer]:
    """A loopback Twilio Messages API."""
    with FakeTwilioServer() as server:
        yield server


def twilio_settings(fake: FakeTwilioServer | None, **overrides: Any) -> dict[str, Any]:
    """Settings with Twilio configured (REST credentials only when a fake is given)."""
    values: dict[str, Any] = {"public_base_url": PUBLIC_BASE_URL,
                              "twilio_auth_token": AUTH_TOKEN}
    if fake is not None:
        values.update(twilio_account_sid=ACCOUNT_SID, twilio_sms_from=SMS_FROM,
                      twilio_whatsapp_from=WHATSAPP_FROM, twilio_api_base_url=fake.base_url)
    values.update(overrides)
    return values


Answer = Any
"""What ``TestClient`` answers (an ``httpx`` or ``httpx2`` response, by Starlette version)."""

AppFactory = Callable[..., tuple[Runtime, TestClient]]
TURN_WAIT_SECONDS = 60.0


class TrackedTurns(BackgroundTurns):
    """The server's background turns, remembered so a test can wait for them to end."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[Future[None]] = []

    def submit(self, work: Callable[..., None], *args: Any) -> Future[None]:
        """Queue the work as the server does, and remember it."""
        future = super().submit(work, *args)
        self.submitted.append(future)
        return future


class TurnWaitingClient(TestClient):
    """A test client that, after each POST, waits until the turns the server took up
    after acknowledging a webhook have ended, so a test reads their outcome (the server
    runs them on its own threads, as in production)."""

    def __init__(self, runtime: Runtime, **options: Any) -> None:
        self.turns = TrackedTurns()
        super().__init__(create_app(runtime, self.turns), **options)

    def post(self, url: Any, *args: Any, **kwargs: Any) -> Answer:
        """POST, then wait for the turns it left running."""
        answer = super().post(url, *args, **kwargs)
        for turn in self.turns.submitted:
            turn.result(timeout=TURN_WAIT_SECONDS)
        return answer


@pytest.fixture(name="twilio_app")
def twilio_app_fixture(make_runtime: RuntimeFactory, clock: MovableClock,
               fake_twilio: FakeTwilioServer) -> Iterator[AppFactory]:
    """Build (runtime, client) pairs; ``rest=False`` leaves the REST credentials out."""
    clients: list[TestClient] = []

    def factory(*, rest: bool = True, **overrides: Any) -> tuple[Runtime, TestClient]:
        runtime = make_runtime(**twilio_settings(fake_twilio if rest else None, **overrides))
        client = TurnWaitingClient(runtime, raise_server_exceptions=False)
        clients.append(client)
        return runtime, client

    yield factory
    for client in clients:
        client.close()


def post_signed(client: TestClient, path: str, form: dict[str, str]) -> Answer:
    """Post a form signed as Twilio signs it, over the public URL."""
    body, headers = signed_post(PUBLIC_BASE_URL + path, form)
    return client.post(path, content=body, headers=headers)


def text_in(client: TestClient, sender: str, text: str, sid: str | None = None) -> Answer:
    """A shopper's message arriving through the signed messaging webhook."""
    return post_signed(client, MESSAGES_URL, inbound_form(sender, text, sid=sid))


def report_status(client: TestClient, sid: str, status: str,
                  error_code: str | None = None) -> Answer:
    """A signed status callback."""
    return post_signed(client, STATUS_URL, status_form(sid, status, error_code))


def outbox_rows(runtime: Runtime, conversation_id: str | None = None) -> list[OutboxMessage]:
    """The outbox, of one conversation when given."""
    rows = runtime.services.store.outbox()
    return [r for r in rows if conversation_id is None or r.conversation_id == conversation_id]


def messages_of(runtime: Runtime, conversation_id: str) -> list[Message]:
    """The conversation's message rows, oldest first."""
    with Session(runtime.services.store.engine) as session:
        return list(session.scalars(select(Message).where(
            Message.conversation_id == conversation_id).order_by(Message.id)))


def teammate_reply(runtime: Runtime, text: str, conversation_id: str = f"sms:{SHOPPER}") -> str:
    """A person on the team answering the conversation; returns the delivery state."""
    services = runtime.services
    conversation = services.store.conversation(conversation_id)
    assert conversation is not None
    return deliver_teammate_reply(services.store, services.outbound, conversation, text,
                                  services.clock.now(), services.settings.store_name)


def agent_results(runtime: Runtime, conversation_id: str) -> list[dict[str, Any]]:
    """The stored turn results of the conversation's agent replies."""
    return [m.result or {} for m in messages_of(runtime, conversation_id)
            if m.direction == "out" and m.author == "agent"]
