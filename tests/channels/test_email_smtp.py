"""Email out over real SMTP (aiosmtpd on loopback): headers, threading, retries, failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from agent.app import create_app
from agent.clock import FixedClock
from agent.delivery import deliver_teammate_reply
from agent.outbound import RETRY_DELAYS, Outbound
from agent.runtime import Runtime
from channels.transports import configured_transports
from tests.conftest import FIXED_NOW, RuntimeFactory
from tests.fakes.email_messages import SECRET, mime, new_message_id, raw_headers
from tests.fakes.smtp_inbox import SmtpInbox, free_port

INBOUND = "/channels/email/inbound"
ASTRID = "astrid.nielsen@example.com"
QUESTION = "How long do I have to return an item?"


def smtp_runtime(make_runtime: RuntimeFactory, port: int, **overrides: object) -> Runtime:
    return make_runtime(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                        email_inbound_secret=SECRET, **overrides)


def post(client: TestClient | httpx.Client, raw: bytes) -> dict[str, object]:
    response = client.post(INBOUND, content=raw, headers=raw_headers())
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def ids(value: str | None) -> list[str]:
    return [token.strip("<>") for token in (value or "").split()]


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()), str(html.get_content())


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    with SmtpInbox() as server:
        yield server


def test_a_reply_carries_rfc_3834_and_threading_headers_and_both_alternatives(
        make_runtime: RuntimeFactory, inbox: SmtpInbox) -> None:
    runtime = smtp_runtime(make_runtime, inbox.port)
    client = TestClient(create_app(runtime))
    first_id = new_message_id()

    answer = post(client, mime(QUESTION, subject="Returns", message_id=first_id))

    [reply] = inbox.messages_to(ASTRID)
    assert reply["From"] == "Fjord & Fell <support@fjordandfell.example>"
    assert reply["To"] == ASTRID
    assert reply["Subject"] == "Re: Returns"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert ids(reply["In-Reply-To"]) == [first_id]
    assert ids(reply["References"]) == [first_id]
    [reply_id] = ids(reply["Message-ID"])
    assert reply_id.endswith("@fjordandfell.example")
    assert reply.get_content_type() == "multipart/alternative"
    text, html = bodies(reply)
    assert "30 days" in text
    assert "30 days" in html and html.lstrip().startswith("<!DOCTYPE html>")
    [row] = runtime.services.store.outbox()
    assert (row.state, row.provider_id, row.conversation_id) == (
        "sent", reply_id, answer["conversation_id"])


def test_follow_ups_thread_by_in_reply_to_or_references_and_a_new_subject_starts_anew(
        make_runtime: RuntimeFactory, inbox: SmtpInbox) -> None:
    runtime = smtp_runtime(make_runtime, inbox.port)
    client = TestClient(create_app(runtime))
    first_id = new_message_id()
    conversation_id = post(client, mime(QUESTION, message_id=first_id))["conversation_id"]
    [our_reply_id] = ids(inbox.messages_to(ASTRID)[-1]["Message-ID"])

    by_reply_to = post(client, mime("And exchanges?", subject="Re: Returns",
                                    in_reply_to=our_reply_id))
    second_reply = inbox.messages_to(ASTRID)[-1]
    by_references = post(client, mime("Do you ship to Norway?", subject="Re: Returns",
                                      references=[first_id, our_reply_id]))
    new_thread = post(client, mime("Do you sell gift cards?", subject="Gift cards"))
    reused_id = post(client, mime("And my orders?", sender="lars.eriksen@example.com",
                                  message_id=our_reply_id))

    assert by_reply_to["conversation_id"] == conversation_id
    assert by_reply_to["threading"] == f"In-Reply-To {our_reply_id}"
    assert by_references["conversation_id"] == conversation_id
    assert by_references["threading"] == f"References {our_reply_id}"
    assert new_thread["conversation_id"] != conversation_id
    assert new_thread["threading"] == "new thread"
    assert reused_id["conversation_id"] not in (conversation_id, new_thread["conversation_id"])
    assert second_reply["Subject"] == "Re: Returns"
    assert our_reply_id in ids(second_reply["References"])
    assert ids(second_reply["References"])[0] == first_id
    assert len(inbox.messages_to(ASTRID)) == 4


def test_smtp_down_queues_the_reply_and_a_later_retry_delivers_it(
        make_runtime: RuntimeFactory) -> None:
    port = free_port()  # nothing listens yet
    runtime = smtp_runtime(make_runtime, port)
    client = TestClient(create_app(runtime))

    answer = post(client, mime(QUESTION, subject="Returns"))

    [row] = runtime.services.store.outbox()
    assert row.state == "queued"
    assert row.next_attempt_at == FIXED_NOW + RETRY_DELAYS[0]
    assert "SMTP server unreachable" in (row.last_error or "")
    assert runtime.services.outbound.retry_due() == {}  # not due yet on the same clock

    with SmtpInbox(port=port) as inbox:
        later = FixedClock(FIXED_NOW + RETRY_DELAYS[0] + timedelta(seconds=1))
        store = runtime.services.store
        retried = Outbound(store, later, configured_transports(runtime.settings, store, later))
        assert retried.retry_due() == {row.id: "sent"}

    [delivered] = inbox.messages_to(ASTRID)
    sent = runtime.services.store.outbox_entry(row.id)
    assert sent is not None and sent.state == "sent" and sent.attempts == 2
    assert ids(delivered["Message-ID"]) == [sent.provider_id]
    assert delivered["Subject"] == "Re: Returns"
    assert "30 days" in bodies(delivered)[0]
    assert answer["status"] == "processed"


@pytest.mark.parametrize(("answer", "state", "error"), [
    ("550 5.1.1 <astrid.nielsen@example.com>: no such user", "failed",
     "recipient refused: 550 5.1.1"),
    ("451 4.3.0 mailbox busy, try later", "queued", "recipient refused: 451 4.3.0"),
])
def test_recipient_refusals_fail_when_permanent_and_queue_when_temporary(
        make_runtime: RuntimeFactory, answer: str, state: str, error: str) -> None:
    with SmtpInbox(refuse_recipients_with=answer) as inbox:
        runtime = smtp_runtime(make_runtime, inbox.port)
        post(TestClient(create_app(runtime)), mime(QUESTION))

    [row] = runtime.services.store.outbox()
    assert row.state == state
    assert (row.last_error or "").startswith(error)
    assert inbox.deliveries == []
    messages = runtime.services.store.messages(row.conversation_id)
    assert messages[-1].delivery_state == state


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_teammate_replies_and_codes_go_through_smtp_in_the_thread(
        make_runtime: RuntimeFactory) -> None:
    with SmtpInbox(login=("agent", "pw")) as inbox:
        runtime = smtp_runtime(make_runtime, inbox.port, smtp_username="agent",
                               smtp_password="pw")
        client = TestClient(create_app(runtime))
        first_id = new_message_id()
        conversation_id = str(post(client, mime("Where is my order?", subject="Order",
                                                message_id=first_id))["conversation_id"])
        store = runtime.services.store
        conversation = store.conversation(conversation_id)
        assert conversation is not None
        state = deliver_teammate_reply(store, runtime.services.outbound, conversation,
                                       "Hi Astrid, it left our warehouse today. – Maja",
                                       FIXED_NOW, runtime.settings.store_name)

    code, prompt, teammate = inbox.messages_to(ASTRID)
    assert state == "sent"
    assert inbox.logins == ["agent", "agent", "agent"]
    assert "verification code is" in bodies(code)[0]
    assert code["Auto-Submitted"] == prompt["Auto-Submitted"] == "auto-replied"
    assert teammate["Auto-Submitted"] is None  # a person wrote it
    assert teammate["Subject"] == "Re: Order"
    assert ids(teammate["In-Reply-To"]) == [first_id]
    assert "it left our warehouse today" in bodies(teammate)[1]


def test_an_email_turn_over_uvicorn_on_loopback(make_runtime: RuntimeFactory,
                                                inbox: SmtpInbox) -> None:
    runtime = smtp_runtime(make_runtime, inbox.port)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            answer = post(http, mime(QUESTION, subject="Returns"))
            unauthorised = http.post(INBOUND, content=mime(),
                                     headers={"Content-Type": "message/rfc822"})
    finally:
        server.should_exit = True
        thread.join(timeout=20)

    assert answer["status"] == "processed"
    assert unauthorised.status_code == 401
    [reply] = inbox.messages_to(ASTRID)
    assert reply["Subject"] == "Re: Returns"
    assert "30 days" in bodies(reply)[0]
