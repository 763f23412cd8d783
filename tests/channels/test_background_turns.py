"""Webhook turns run on a pool of their own: an acknowledgement never waits for a thread
that turns are holding, and a turn queued behind busy threads still runs, once."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from agent.app import create_app
from tests.channels.twilio_helpers import (  # noqa: F401 (fixtures)
    EMPTY_TWIML,
    MESSAGES_URL,
    RETURN_QUESTION,
    SHOPPER,
    MovableClock,
    TrackedTurns,
    clock_fixture,
    fake_twilio_fixture,
    messages_of,
    outbox_rows,
    post_signed,
    twilio_settings,
)
from tests.conftest import RuntimeFactory
from tests.fakes.twilio_server import FakeTwilioServer, inbound_form


def test_the_ack_does_not_wait_while_every_turn_thread_is_busy(
        make_runtime: RuntimeFactory, clock: MovableClock,
        fake_twilio: FakeTwilioServer) -> None:
    runtime = make_runtime(**twilio_settings(fake_twilio))
    turns = TrackedTurns()
    release = threading.Event()

    def slow_turn() -> None:
        release.wait(60)

    for _ in range(2):  # both turn threads held by earlier, slow turns
        turns.submit(slow_turn)
    client = TestClient(create_app(runtime, turns))
    try:
        ack = post_signed(client, MESSAGES_URL, inbound_form(SHOPPER, RETURN_QUESTION))
        assert (ack.status_code, ack.text) == (200, EMPTY_TWIML)
        [stored] = messages_of(runtime, f"sms:{SHOPPER}")
        assert (stored.direction, stored.delivery_state) == ("in", "processing")
        assert outbox_rows(runtime, f"sms:{SHOPPER}") == []
    finally:
        release.set()
    for turn in turns.submitted:
        turn.result(timeout=60)
    [reply] = outbox_rows(runtime, f"sms:{SHOPPER}")
    assert (reply.recipient, reply.state) == (SHOPPER, "sent")
    assert [m.direction for m in messages_of(runtime, f"sms:{SHOPPER}")] == ["in", "out"]
    client.close()
