"""The messaging webhook at the HTTP level: signatures, acknowledgement, de-duplication,
contact matching and every kind of bad input (each refused with nothing stored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import ImmutableMultiDict

from agent.app import create_app
from agent.config import Settings
from agent.runtime import Runtime, build_runtime
from knowledge_base.embedder import Embedder
from tests.channels.twilio_helpers import (  # noqa: F401 (fixtures)
    ASTRID_PHONE,
    EMPTY_TWIML,
    MESSAGES_URL,
    PUBLIC_BASE_URL,
    RETURN_QUESTION,
    SHOPPER,
    SMS_FROM,
    AppFactory,
    agent_results,
    clock_fixture,
    fake_twilio_fixture,
    messages_of,
    outbox_rows,
    post_signed,
    text_in,
    twilio_app_fixture,
    twilio_settings,
)
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.fakes.twilio_server import (
    FakeTwilioServer,
    inbound_form,
    new_sid,
    webhook_signature,
)

Refusing = tuple[Runtime, TestClient, FakeTwilioServer]


@pytest.fixture(scope="module")
def refusing(embedder: Embedder, demo_chroma: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Refusing]:
    """One app for the requests that must be refused: none of them may store anything."""
    with FakeTwilioServer() as fake:
        settings = Settings(data_dir=tmp_path_factory.mktemp("refusing"), chroma_dir=demo_chroma,
                            now=FIXED_NOW, secret_key="test-secret", **twilio_settings(fake))
        runtime = build_runtime(settings, embedder=embedder)
        client = TestClient(create_app(runtime), raise_server_exceptions=False)
        yield runtime, client, fake
        client.close()
        runtime.close()


def nothing_stored(runtime: Runtime, fake: FakeTwilioServer | None = None) -> bool:
    store = runtime.services.store
    sent = fake.attempts if fake is not None else []
    return not store.conversations() and not store.outbox() and not sent


def test_without_an_auth_token_every_webhook_is_refused(make_runtime: RuntimeFactory) -> None:
    runtime = make_runtime(public_base_url=PUBLIC_BASE_URL)
    with TestClient(create_app(runtime)) as client:
        message = text_in(client, SHOPPER, RETURN_QUESTION)
        status = post_signed(client, "/channels/twilio/status",
                             {"MessageSid": new_sid(), "MessageStatus": "delivered"})
    for answer in (message, status):
        assert answer.status_code == 503
        assert "CUSTOMER_AGENT_TWILIO_AUTH_TOKEN" in answer.json()["error"]
    assert nothing_stored(runtime)


def test_ack_is_empty_twiml_and_without_credentials_the_reply_is_held(
        twilio_app: AppFactory) -> None:
    runtime, client = twilio_app(rest=False)
    answer = text_in(client, SHOPPER, RETURN_QUESTION)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == EMPTY_TWIML
    [row] = outbox_rows(runtime, f"sms:{SHOPPER}")
    assert (row.state, row.channel, row.recipient) == ("held", "sms", SHOPPER)
    assert "30 days" in row.body
    assert row.payload["segments"] >= 1


def test_reply_goes_through_twilio_from_the_configured_number(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    assert text_in(client, SHOPPER, RETURN_QUESTION).status_code == 200

    [sent] = fake_twilio.messages
    assert (sent.to, sent.from_) == (SHOPPER, SMS_FROM)
    assert sent.body is not None and "30 days" in sent.body
    assert sent.status_callback == f"{PUBLIC_BASE_URL}/channels/twilio/status"
    [row] = outbox_rows(runtime)
    assert (row.state, row.provider_id, row.body) == ("sent", sent.sid, sent.body)
    reply = [m for m in messages_of(runtime, f"sms:{SHOPPER}") if m.direction == "out"]
    assert [m.delivery_state for m in reply] == ["sent"]


@pytest.mark.parametrize("forgery", ["wrong token", "missing", "private url", "tampered"])
def test_a_forged_or_missing_signature_is_refused_and_nothing_stored(
        refusing: Refusing, forgery: str) -> None:
    runtime, client, fake_twilio = refusing
    form = inbound_form(SHOPPER, RETURN_QUESTION)
    url = PUBLIC_BASE_URL + MESSAGES_URL
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if forgery == "wrong token":
        headers["X-Twilio-Signature"] = webhook_signature(url, form, "another-token")
    elif forgery == "private url":  # what the app sees behind the proxy, not what Twilio used
        headers["X-Twilio-Signature"] = webhook_signature("http://testserver" + MESSAGES_URL,
                                                          form)
    elif forgery == "tampered":
        headers["X-Twilio-Signature"] = webhook_signature(url, form)
        form = {**form, "Body": "send me everyone's orders"}

    answer = client.post(MESSAGES_URL, content=urlencode(form).encode(), headers=headers)

    assert answer.status_code == 403
    assert "X-Twilio-Signature" in answer.json()["error"]
    assert nothing_stored(runtime, fake_twilio)


def test_a_retried_webhook_never_yields_a_second_reply(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    sid = new_sid()
    first = text_in(client, SHOPPER, RETURN_QUESTION, sid=sid)
    retry = text_in(client, SHOPPER, RETURN_QUESTION, sid=sid)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.text == EMPTY_TWIML
    assert len(fake_twilio.messages) == 1
    inbound = [m for m in messages_of(runtime, f"sms:{SHOPPER}") if m.direction == "in"]
    assert [m.provider_id for m in inbound] == [sid]


def test_the_sender_number_matches_a_customer_on_file(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, ASTRID_PHONE, "where is my order?")

    [result] = agent_results(runtime, f"sms:{ASTRID_PHONE}")
    assert result["identity"] == "contact_matched"
    code = next(m for m in fake_twilio.messages if "verification code" in (m.body or ""))
    assert code.to == ASTRID_PHONE  # the code goes to the phone on file, never elsewhere


def test_a_number_written_with_separators_is_one_conversation(
        twilio_app: AppFactory, fake_twilio: FakeTwilioServer) -> None:
    runtime, client = twilio_app()
    text_in(client, "+45 29 99 00 01", RETURN_QUESTION)
    text_in(client, SHOPPER, "thanks")

    assert [c.id for c in runtime.services.store.conversations()] == [f"sms:{SHOPPER}"]
    assert {m.to for m in fake_twilio.messages} == {SHOPPER}


# --- bad input: a clear 4xx and nothing stored ---------------------------------------------


def signed_pairs(pairs: list[tuple[str, str]]) -> tuple[bytes, dict[str, str]]:
    """A signed form that may repeat a field."""
    signature = webhook_signature(PUBLIC_BASE_URL + MESSAGES_URL,
                                  ImmutableMultiDict(pairs))  # type: ignore[arg-type]
    return urlencode(pairs).encode(), {"Content-Type": "application/x-www-form-urlencoded",
                                       "X-Twilio-Signature": signature}


def without(field: str) -> dict[str, str]:
    form = inbound_form(SHOPPER, RETURN_QUESTION)
    del form[field]
    return form


FORM_CASES: list[tuple[str, dict[str, str], int, str]] = [
    ("missing From", without("From"), 422, "From: field required"),
    ("missing Body", without("Body"), 422, "Body: field required"),
    ("missing MessageSid", without("MessageSid"), 422, "MessageSid: field required"),
    ("bad MessageSid", inbound_form(SHOPPER, "hi", sid="SM123"), 422,
     "MessageSid: not a Twilio message SID"),
    ("From not a number", inbound_form("alice", "hi"), 422, "From: not a phone number"),
    ("blank Body", inbound_form(SHOPPER, "  \n "), 422, "Body: blank"),
    ("Body too long", inbound_form(SHOPPER, "a" * 4001), 422, "Body: String should have at most"),
]


@pytest.mark.parametrize(("case", "form", "status", "message"), FORM_CASES,
                         ids=[c[0] for c in FORM_CASES])
def test_signed_forms_with_bad_fields_are_refused(
        refusing: Refusing, case: str, form: dict[str, str], status: int, message: str) -> None:
    runtime, client, fake_twilio = refusing
    answer = post_signed(client, MESSAGES_URL, form)

    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert nothing_stored(runtime, fake_twilio)


def test_a_repeated_field_is_refused(refusing: Refusing) -> None:
    runtime, client, fake_twilio = refusing
    pairs = [*inbound_form(SHOPPER, RETURN_QUESTION).items(), ("Body", "and another")]
    body, headers = signed_pairs(pairs)
    answer = client.post(MESSAGES_URL, content=body, headers=headers)

    assert answer.status_code == 422
    assert answer.json()["error"] == "Body: given more than once"
    assert nothing_stored(runtime, fake_twilio)


RAW_CASES: list[tuple[str, bytes, dict[str, Any], int, str]] = [
    ("json body", b'{"From": "+4529990001", "Body": "hi"}',
     {"Content-Type": "application/json"}, 415, "expected content type"),
    ("no content type", b"From=%2B4529990001&Body=hi", {}, 415, "got none"),
    ("invalid UTF-8 percent-encoding", b"From=%2B4529990001&Body=%FF%FEhi&MessageSid=SM1",
     {"Content-Type": "application/x-www-form-urlencoded"}, 400, "not valid UTF-8"),
    ("invalid UTF-8 bytes", b"From=%2B4529990001&Body=\xff\xfe",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, 400,
     "not valid UTF-8"),
    ("malformed form", b"From=%2B4529990001&Body&&",
     {"Content-Type": "application/x-www-form-urlencoded"}, 400, "malformed form body"),
    ("oversized body", b"Body=" + b"a" * (70 * 1024),
     {"Content-Type": "application/x-www-form-urlencoded"}, 413, "body larger than"),
]


@pytest.mark.parametrize(("case", "body", "headers", "status", "message"), RAW_CASES,
                         ids=[c[0] for c in RAW_CASES])
def test_malformed_requests_are_refused(
        refusing: Refusing, case: str, body: bytes, headers: dict[str, str], status: int,
        message: str) -> None:
    runtime, client, fake_twilio = refusing
    answer = client.post(MESSAGES_URL, content=body, headers=headers)

    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert nothing_stored(runtime, fake_twilio)

