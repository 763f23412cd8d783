"""The Twilio channel over real HTTP: the app under uvicorn on loopback, webhooks posted to
it as Twilio posts them, the reply sent by the real ``twilio`` client to the loopback fake,
and the fake's signed status callbacks coming back to the app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest
import uvicorn

from agent.app import create_app
from agent.runtime import Runtime
from tests.channels.twilio_helpers import (  # noqa: F401 (fixture)
    EMPTY_TWIML,
    MESSAGES_URL,
    RETURN_QUESTION,
    SHOPPER,
    SMS_FROM,
    fake_twilio_fixture,
    outbox_rows,
    twilio_settings,
)
from tests.conftest import RuntimeFactory
from tests.fakes.twilio_server import FakeTwilioServer, inbound_form, signed_post

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(probe: Callable[[], T], what: str, within: float = 60) -> T:
    """Wait for ``probe`` to return something truthy (the reply is sent after the ack)."""
    deadline = time.monotonic() + within
    while not (found := probe()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return found


@pytest.fixture
def live_server(make_runtime: RuntimeFactory,
                fake_twilio: FakeTwilioServer) -> Iterator[tuple[Runtime, str]]:
    """The app under uvicorn, its public base URL being its own loopback address."""
    base = f"http://127.0.0.1:{free_port()}"
    runtime = make_runtime(**twilio_settings(fake_twilio, public_base_url=base))
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1",
                                           port=int(base.rsplit(":", 1)[1]),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    eventually(lambda: server.started or not thread.is_alive(), "the server to start")
    assert thread.is_alive(), "the server stopped before it started"
    yield runtime, base
    server.should_exit = True
    thread.join(timeout=20)


def test_sms_round_trip_over_real_http(live_server: tuple[Runtime, str],
                                       fake_twilio: FakeTwilioServer) -> None:
    runtime, base = live_server
    body, headers = signed_post(base + MESSAGES_URL, inbound_form(SHOPPER, RETURN_QUESTION))
    with httpx.Client(base_url=base, timeout=30) as http:
        ack = http.post(MESSAGES_URL, content=body, headers=headers)
        forged = http.post(MESSAGES_URL, content=body,
                           headers={**headers, "X-Twilio-Signature": "Zm9yZ2Vk"})

    assert (ack.status_code, ack.headers["content-type"]) == (200, "text/xml; charset=utf-8")
    assert ack.text == EMPTY_TWIML
    assert forged.status_code == 403
    [row] = eventually(lambda: [r for r in outbox_rows(runtime) if r.state == "sent"],
                       "the reply to be sent")
    [sent] = fake_twilio.messages
    assert (sent.to, sent.from_, sent.body) == (SHOPPER, SMS_FROM, row.body)
    assert sent.status_callback == f"{base}/channels/twilio/status"

    assert fake_twilio.report(row.provider_id or "", "delivered", "sent") == [200, 200]
    [row] = outbox_rows(runtime)
    assert row.state == "delivered"
