"""Replies through Twilio's REST API (the real client against the loopback fake): retries,
refusals, status callbacks, and segment-aware SMS bodies."""

from __future__ import annotations

import math
import socket

import pytest
from fastapi.testclient import TestClient

from agent.runtime import Runtime
from channels.sms import SMS_BODY_LIMIT, sms_encoding, sms_segments
from tests.channels.twilio_helpers import (  # noqa: F401 (fixtures)
    RETURN_QUESTION,
    SHOPPER,
    AppFactory,
    MovableClock,
    clock_fixture,
    fake_twilio_fixture,
    messages_of,
    outbox_rows,
    post_signed,
    report_status,
    teammate_reply,
    text_in,
    twilio_app_fixture,
)
from tests.fakes.twilio_server import (
    INVALID_NUMBER,
    SERVER_ERROR,
    TOO_MANY_REQUESTS,
    UNSUBSCRIBED,
    FakeTwilioServer,
    Scripted,
    new_sid,
    status_form,
)

CONVERSATION = f"sms:{SHOPPER}"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- retries and refusals ------------------------------------------------------------------


@pytest.mark.parametrize(("failure", "code"), [(TOO_MANY_REQUESTS, "20429"),
                                               (SERVER_ERROR, "20500")])
def test_a_throttled_or_failing_twilio_is_retried_until_it_accepts(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, clock: MovableClock,
        failure: Scripted, code: str) -> None:
    runtime, client = twilio_app()
    fake_twilio.script(failure)
    text_in(client, SHOPPER, RETURN_QUESTION)

    [row] = outbox_rows(runtime)
    assert (row.state, row.attempts) == ("queued", 1)
    assert row.last_error is not None and code in row.last_error
    assert fake_twilio.messages == []
    assert runtime.services.outbound.retry_due() == {}  # not due yet

    clock.advance(seconds=30)
    assert runtime.services.outbound.retry_due() == {row.id: "sent"}
    [sent] = fake_twilio.messages
    [row] = outbox_rows(runtime)
    assert (row.state, row.provider_id, row.attempts) == ("sent", sent.sid, 2)
    assert sent.body == row.body and "30 days" in row.body
    assert fake_twilio.unused_script == []


def test_an_unreachable_twilio_leaves_the_reply_queued(twilio_app: AppFactory) -> None:
    runtime, client = twilio_app(twilio_api_base_url=f"http://127.0.0.1:{closed_port()}")
    text_in(client, SHOPPER, RETURN_QUESTION)

    [row] = outbox_rows(runtime)
    assert row.state == "queued"
    assert row.last_error is not None and row.last_error.startswith("Twilio unreachable")


def test_an_invalid_number_fails_without_retrying(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, clock: MovableClock) -> None:
    runtime, client = twilio_app()
    fake_twilio.script(INVALID_NUMBER)
    text_in(client, SHOPPER, RETURN_QUESTION)

    [row] = outbox_rows(runtime)
    assert row.state == "failed"
    assert row.last_error is not None and "Twilio error 21211 (HTTP 400)" in row.last_error
    clock.advance(hours=1)
    assert runtime.services.outbound.retry_due() == {}
    assert len(fake_twilio.attempts) == 1


def test_twilio_saying_the_number_unsubscribed_suppresses_it_here_too(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    fake_twilio.script(UNSUBSCRIBED)
    text_in(client, SHOPPER, RETURN_QUESTION)
    text_in(client, SHOPPER, "anything else?")

    first, second = outbox_rows(runtime)
    assert first.state == "failed" and "21610" in (first.last_error or "")
    assert second.state == "suppressed"
    assert runtime.services.store.suppression_reasons(SHOPPER) == ["opt_out"]
    assert len(fake_twilio.attempts) == 1


def test_a_teammate_reply_over_twilios_limit_is_refused_not_cut(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, SHOPPER, RETURN_QUESTION)

    assert teammate_reply(runtime, "word " * 400) == "failed"
    row = outbox_rows(runtime)[-1]
    assert row.last_error == f"body of 2000 characters is over Twilio's limit of {SMS_BODY_LIMIT}"
    assert len(fake_twilio.messages) == 1  # only the agent's reply


# --- status callbacks ----------------------------------------------------------------------


def sent_reply(twilio_app: AppFactory) -> tuple[Runtime, TestClient, str]:
    runtime, client = twilio_app()
    text_in(client, SHOPPER, RETURN_QUESTION)
    [row] = outbox_rows(runtime)
    assert row.provider_id is not None
    return runtime, client, row.provider_id


def delivery_states(runtime: Runtime) -> tuple[str | None, str]:
    [row] = outbox_rows(runtime)
    [reply] = [m for m in messages_of(runtime, CONVERSATION) if m.direction == "out"]
    return row.state, reply.delivery_state


def test_status_callbacks_in_order_move_the_message_on(twilio_app: AppFactory) -> None:
    runtime, client, sid = sent_reply(twilio_app)
    answers = [report_status(client, sid, status).json()
               for status in ("sent", "delivered", "read")]

    assert [a["state"] for a in answers] == ["sent", "delivered", "read"]
    assert all(a["known"] for a in answers)
    assert delivery_states(runtime) == ("read", "read")


def test_late_status_callbacks_never_move_a_message_back(twilio_app: AppFactory) -> None:
    runtime, client, sid = sent_reply(twilio_app)
    for status in ("delivered", "queued", "sending", "sent"):
        assert report_status(client, sid, status).status_code == 200

    assert delivery_states(runtime) == ("delivered", "delivered")


def test_an_undelivered_report_records_twilios_error(twilio_app: AppFactory) -> None:
    runtime, client, sid = sent_reply(twilio_app)
    report_status(client, sid, "undelivered", "30003")

    [row] = outbox_rows(runtime)
    assert (row.state, row.last_error) == ("undelivered", "Twilio error 30003")


def test_a_report_for_an_unknown_message_changes_nothing(twilio_app: AppFactory) -> None:
    runtime, client, _sid = sent_reply(twilio_app)
    unknown = new_sid()
    answer = report_status(client, unknown, "delivered")

    assert answer.status_code == 200
    assert answer.json() == {"message_sid": unknown, "status": "delivered", "known": False,
                             "state": None}
    assert delivery_states(runtime) == ("sent", "sent")


def test_a_status_the_outbox_does_not_track_is_acknowledged_and_ignored(
        twilio_app: AppFactory) -> None:
    runtime, client, sid = sent_reply(twilio_app)
    answer = report_status(client, sid, "receiving")

    assert (answer.status_code, answer.json()["state"]) == (200, None)
    assert delivery_states(runtime) == ("sent", "sent")


@pytest.mark.parametrize(("case", "status", "message"), [
    ("forged", 403, "X-Twilio-Signature"),
    ("missing MessageStatus", 422, "MessageStatus: field required"),
    ("json", 415, "expected content type"),
])
def test_bad_status_callbacks_are_refused(twilio_app: AppFactory, case: str, status: int,
                                          message: str) -> None:
    runtime, client, sid = sent_reply(twilio_app)
    form = status_form(sid, "delivered")
    if case == "forged":
        answer = client.post("/channels/twilio/status",
                             data=form, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    elif case == "json":
        answer = client.post("/channels/twilio/status", json=form)
    else:
        del form["MessageStatus"]
        answer = post_signed(client, "/channels/twilio/status", form)

    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert delivery_states(runtime) == ("sent", "sent")


# --- segment-aware SMS bodies --------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoding"), [(RETURN_QUESTION, "GSM-7"),
                                                ("Cześć! Mam pytanie", "UCS-2")])
def test_sms_replies_carry_their_encoding_and_segment_count(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer, text: str,
        encoding: str) -> None:
    runtime, client = twilio_app()
    text_in(client, SHOPPER, text)

    [row] = outbox_rows(runtime)
    [sent] = fake_twilio.messages
    body = row.payload["body"]
    assert sent.body == body and len(body) <= SMS_BODY_LIMIT
    assert row.payload["encoding"] == encoding == sms_encoding(body)
    single, per_part = (160, 153) if encoding == "GSM-7" else (70, 67)
    expected = 1 if len(body) <= single else math.ceil(len(body) / per_part)
    assert row.payload["segments"] == sms_segments(body) == expected
