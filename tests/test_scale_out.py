"""Scale-out across hosts: two ``customer-agent serve`` processes share one PostgreSQL
database, and the test plays the load balancer, choosing which process gets each request.

Webhooks are real signed Twilio webhooks over HTTP (signed over the shared public URL, as
Twilio signs them behind a load balancer); replies leave through the loopback Twilio
Messages API. De-duplication, ordering, delivery states, human ownership, console
sessions and the webchat's view of a conversation must all live in the database, so it
must not matter which process a request reaches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.sync.client import ClientConnection, connect

from agent.conversations import Conversation, ConversationStore, Message
from agent.db import make_engine
from agent.outbox import OutboxMessage
from tests.fakes.no_network import PROVIDER_ENV_PREFIXES
from tests.fakes.twilio_server import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FakeTwilioServer,
    RecordedMessage,
    inbound_form,
    new_sid,
    signed_post,
    status_form,
)
from tests.knowledge_base.chroma_server import free_port
from tests.postgres import PostgresSchemas

STARTUP_SECONDS = 240
WAIT_SECONDS = 60
PUBLIC_BASE_URL = "http://shop.example"
"""What Twilio signs over and the console's cookies are scoped by; plain HTTP so the
session cookie (Secure only under HTTPS) travels to both loopback processes."""
MESSAGES_PATH = "/channels/twilio/messages"
STATUS_PATH = "/channels/twilio/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SMS_FROM = "+4570000000"
OWNER_EMAIL = "owner@shop.example"
OWNER_PASSWORD = "owner password 123"


@dataclass(frozen=True)
class Cluster:
    """Two server processes behind an imaginary load balancer, and what they share."""

    a: str
    b: str
    store: ConversationStore
    twilio: FakeTwilioServer

    def sent_to(self, number: str) -> list[RecordedMessage]:
        """The messages the loopback Twilio accepted for ``number``."""
        return [m for m in self.twilio.messages if m.to == number]

    def messages(self, conversation_id: str) -> list[Message]:
        """The conversation's stored messages, oldest first."""
        return self.store.messages(conversation_id)

    def outbox(self, conversation_id: str) -> list[OutboxMessage]:
        """The conversation's outbox rows, oldest first."""
        with Session(self.store.engine) as session:
            return list(session.scalars(select(OutboxMessage).where(
                OutboxMessage.conversation_id == conversation_id).order_by(OutboxMessage.id)))

    def conversation(self, conversation_id: str) -> Conversation:
        """The stored conversation."""
        found = self.store.conversation(conversation_id)
        assert found is not None, f"no conversation {conversation_id}"
        return found


def server_environment(database_url: str, chroma: Path, twilio: FakeTwilioServer) -> dict[str, str]:
    """The environment both hosts share: database, knowledge base, secret, Twilio, owner."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(PROVIDER_ENV_PREFIXES)}
    return {**inherited, "HF_HUB_OFFLINE": "1", "CUSTOMER_AGENT_SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url, "CUSTOMER_AGENT_CHROMA_DIR": str(chroma),
            "CUSTOMER_AGENT_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "CUSTOMER_AGENT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "CUSTOMER_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "CUSTOMER_AGENT_TWILIO_SMS_FROM": SMS_FROM,
            "CUSTOMER_AGENT_TWILIO_API_BASE_URL": twilio.base_url,
            "CUSTOMER_AGENT_WEBCHAT_POLL_SECONDS": "0.2",
            "CUSTOMER_AGENT_CONSOLE_OWNER_EMAIL": OWNER_EMAIL,
            "CUSTOMER_AGENT_CONSOLE_OWNER_PASSWORD": OWNER_PASSWORD}


def wait_for_health(bases: list[str], servers: list[subprocess.Popen[bytes]],
                    logs: list[Path]) -> None:
    """Until every server answers ``/healthz``; fails with the log of one that exited."""
    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = set(bases)
    while waiting and time.monotonic() < deadline:
        for base, server, log in zip(bases, servers, logs, strict=True):
            if server.poll() is not None:
                pytest.fail(f"server {base} exited:\n{log.read_text()[-3000:]}")
            if base in waiting:
                try:
                    httpx.get(f"{base}/healthz", timeout=5).raise_for_status()
                    waiting.discard(base)
                except httpx.HTTPError:
                    pass
        time.sleep(0.5)
    assert not waiting, f"{sorted(waiting)} did not answer within {STARTUP_SECONDS} s"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, demo_chroma: Path) -> Iterator[Cluster]:
    """Two single-worker servers on one fresh PostgreSQL schema, started at the same time
    (so they also race to create the schema and the first console owner)."""
    schemas = PostgresSchemas()
    database_url = schemas.new_database_url()
    root = tmp_path_factory.mktemp("scale-out")
    with FakeTwilioServer() as twilio:
        env = server_environment(database_url, demo_chroma, twilio)
        bases, servers, logs = [], [], []
        try:
            for name in ("a", "b"):
                port, log = free_port(), root / f"{name}.log"
                with log.open("wb") as output:
                    servers.append(subprocess.Popen(
                        [sys.executable, "-m", "agent.cli", "--data-dir", str(root / name),
                         "serve", "--port", str(port)],
                        env=env, stdout=output, stderr=subprocess.STDOUT))
                bases.append(f"http://127.0.0.1:{port}")
                logs.append(log)
            wait_for_health(bases, servers, logs)
            store = ConversationStore(make_engine(database_url))
            yield Cluster(a=bases[0], b=bases[1], store=store, twilio=twilio)
            store.engine.dispose()
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
            schemas.drop_all()


def deliver(base: str, path: str, form: dict[str, str]) -> httpx.Response:
    """Post a webhook signed as Twilio signs it (over the public URL) to one process."""
    body, headers = signed_post(PUBLIC_BASE_URL + path, form)
    return httpx.post(base + path, content=body, headers=headers, timeout=60)


def text_in(base: str, sender: str, text: str, sid: str) -> httpx.Response:
    """A shopper's SMS through the signed messaging webhook of one process."""
    return deliver(base, MESSAGES_PATH, inbound_form(sender, text, sid=sid))


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until ``condition`` holds (turns run after the webhook's acknowledgement)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def all_answered(cluster: Cluster, conversation_id: str, count: int) -> Callable[[], bool]:
    """Whether ``count`` inbound messages are processed and their replies sent."""
    def answered() -> bool:
        messages = cluster.messages(conversation_id)
        inbound = [m for m in messages if m.direction == "in"]
        rows = cluster.outbox(conversation_id)
        return (len(inbound) == count and all(m.delivery_state == "processed" for m in inbound)
                and len(rows) >= count and all(r.state == "sent" for r in rows))
    return answered


def test_one_sms_delivered_to_both_hosts_and_retried_is_answered_once(
        cluster: Cluster) -> None:
    shopper, sid = "+4529990101", new_sid()
    conversation_id = f"sms:{shopper}"
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda base: text_in(base, shopper, "do you ship to Norway?",
                                                     sid), [cluster.a, cluster.b] * 3))
    assert [(a.status_code, a.text) for a in answers] == [(200, EMPTY_TWIML)] * 6
    wait_until(all_answered(cluster, conversation_id, 1), "the reply")

    retries = [text_in(base, shopper, "do you ship to Norway?", sid)
               for base in (cluster.b, cluster.a)]
    assert [a.status_code for a in retries] == [200, 200]

    assert [(m.direction, m.provider_id if m.direction == "in" else m.reply_to)
            for m in cluster.messages(conversation_id)] == [
        ("in", sid), ("out", cluster.messages(conversation_id)[0].id)]
    rows = cluster.outbox(conversation_id)
    assert [(r.recipient, r.state) for r in rows] == [(shopper, "sent")]
    sent = cluster.sent_to(shopper)
    assert [m.sid for m in sent] == [rows[0].provider_id]
    assert (sent[0].from_, sent[0].body) == (SMS_FROM, rows[0].body)


def test_two_messages_arriving_in_reverse_order_at_different_hosts_are_both_answered(
        cluster: Cluster) -> None:
    shopper = "+4529990102"
    conversation_id = f"sms:{shopper}"
    first, second = new_sid(), new_sid()
    later = text_in(cluster.b, shopper, "what does shipping cost?", second)
    earlier = text_in(cluster.a, shopper, "how long do I have to return an item?", first)
    assert (later.status_code, earlier.status_code) == (200, 200)
    wait_until(all_answered(cluster, conversation_id, 2), "both replies")

    messages = cluster.messages(conversation_id)
    inbound = {m.provider_id: m for m in messages if m.direction == "in"}
    assert set(inbound) == {first, second}
    replies = [m for m in messages if m.direction == "out"]
    assert sorted(m.reply_to or 0 for m in replies) == sorted(m.id for m in inbound.values())
    rows = cluster.outbox(conversation_id)
    assert len(rows) == 2 and {r.message_id for r in rows} == {m.id for m in replies}
    assert sorted(m.sid or "" for m in cluster.sent_to(shopper)) == sorted(
        r.provider_id or "" for r in rows)


def test_status_callbacks_out_of_order_across_hosts_never_move_a_message_back(
        cluster: Cluster) -> None:
    shopper = "+4529990103"
    conversation_id = f"sms:{shopper}"
    assert text_in(cluster.a, shopper, "do you have a discount code?", new_sid()) \
        .status_code == 200
    wait_until(all_answered(cluster, conversation_id, 1), "the reply")
    row = cluster.outbox(conversation_id)[0]
    sid = row.provider_id
    assert sid is not None

    def report(target: tuple[str, str]) -> dict[str, Any]:
        base, status = target
        answer = deliver(base, STATUS_PATH, status_form(sid, status))
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    assert report((cluster.b, "delivered"))["state"] == "delivered"
    late = [(cluster.a, "sent"), (cluster.b, "queued"), (cluster.a, "sending"),
            (cluster.b, "delivered"), (cluster.a, "sent"), (cluster.b, "accepted")]
    with ThreadPoolExecutor(len(late)) as pool:
        answers = list(pool.map(report, late))
    assert {(a["known"], a["state"]) for a in answers} == {(True, "delivered")}

    (after,) = cluster.outbox(conversation_id)
    assert (after.id, after.state) == (row.id, "delivered")
    reply = next(m for m in cluster.messages(conversation_id) if m.id == row.message_id)
    assert reply.delivery_state == "delivered"


def test_a_thread_a_teammate_took_on_one_host_stays_silent_on_the_other(
        cluster: Cluster) -> None:
    shopper = "+4529990104"
    conversation_id = f"sms:{shopper}"
    assert text_in(cluster.a, shopper, "where is my order?", new_sid()).status_code == 200
    wait_until(all_answered(cluster, conversation_id, 1), "the agent's reply")

    with signed_in(cluster.b) as console:
        console.post(cluster.b, f"/console/inbox/{conversation_id}/reply",
                     {"text": "Hi, this is Ana from the team - let me check that order."})
    assert cluster.conversation(conversation_id).owner == "human"
    wait_until(lambda: len(cluster.sent_to(shopper)) == 2, "the teammate's SMS")

    assert text_in(cluster.a, shopper, "thanks! any news?", new_sid()).status_code == 200
    wait_until(lambda: [m.delivery_state for m in cluster.messages(conversation_id)
                        if m.direction == "in"] == ["processed"] * 2, "the silent turn")

    rows = cluster.outbox(conversation_id)
    assert [r.kind for r in rows] == ["reply", "reply"]  # the agent's, then the teammate's
    assert "Ana from the team" in rows[1].body
    assert len(cluster.sent_to(shopper)) == 2
    last = cluster.messages(conversation_id)[-1]
    assert (last.direction, last.delivery_state) == ("out", "not_sent")
    assert (last.result or {}).get("handoff") == {"reason": "human_owned", "ticket_id": None}


class ConsoleSession:
    """A teammate's signed-in browser: one cookie jar, whichever host it reaches."""

    def __init__(self, client: httpx.Client, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def post(self, base: str, path: str, form: dict[str, str] | None = None) -> None:
        """Post a console form to one host; it must succeed (a 303 back to the page)."""
        answer = self.client.post(base + path, data=form or {},
                                  headers={"X-CSRF-Token": self.csrf})
        assert answer.status_code == 303, answer.text


@contextmanager
def signed_in(base: str) -> Iterator[ConsoleSession]:
    """The owner signed in on ``base``; the session lives in the shared database."""
    with httpx.Client(timeout=60) as client:
        form = client.get(f"{base}/console/login")
        token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post(f"{base}/console/login", data={
            "email": OWNER_EMAIL, "password": OWNER_PASSWORD, "csrf_token": token})
        assert answer.status_code == 303, answer.text
        page = client.get(f"{base}/console/inbox")
        assert page.status_code == 200, page.text
        yield ConsoleSession(client, page.text.split(
            '<meta name="csrf-token" content="', 1)[1].split('"', 1)[0])


def next_entries(socket: ClientConnection, wanted: Callable[[dict[str, Any]], bool]
                 ) -> list[dict[str, Any]]:
    """History entries pushed over the socket until one satisfies ``wanted``."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while not any(wanted(entry) for entry in seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"nothing wanted arrived; saw {seen}"
        frame = json.loads(socket.recv(timeout=remaining))
        assert frame["type"] in ("messages", "typing"), frame
        seen.extend(frame.get("messages", []))
    return seen


def texts(entries: list[dict[str, Any]], author: str) -> list[str]:
    """The texts ``author`` wrote in these entries."""
    return [m.get("text", "") for entry in entries if entry["author"] == author
            for m in entry["messages"] if m["kind"] == "text"]


def test_a_teammate_on_one_host_reaches_a_visitor_connected_to_the_other(
        cluster: Cluster) -> None:
    with connect(cluster.a.replace("http", "ws", 1) + "/channels/webchat/ws",
                 open_timeout=30) as socket:
        socket.send(json.dumps({"type": "hello"}))
        welcome = json.loads(socket.recv(timeout=30))
        assert welcome["type"] == "welcome"
        conversation_id = welcome["conversation_id"]
        socket.send(json.dumps({"type": "message", "text": "I want to talk to a person",
                                "client_message_id": "c-1"}))
        next_entries(socket, lambda e: e["author"] == "agent")
        assert cluster.conversation(conversation_id).owner == "human"
        assert cluster.conversation(conversation_id).visitor_online is True

        with signed_in(cluster.b) as console:
            console.post(cluster.b, f"/console/inbox/{conversation_id}/reply",
                         {"text": "Hello from Ana on the team!"})
            pushed = next_entries(socket, lambda e: e["author"] == "teammate")
            assert texts(pushed, "teammate") == ["Hello from Ana on the team!"]

            console.post(cluster.a, f"/console/inbox/{conversation_id}/hand-back")
            socket.send(json.dumps({"type": "message", "text": "what does shipping cost?",
                                    "client_message_id": "c-2"}))
            answered = next_entries(socket, lambda e: e["author"] == "agent")  # not silent
            assert texts(answered, "agent")

            console.post(cluster.b, f"/console/inbox/{conversation_id}/close")
            asked = next_entries(socket, lambda e: any(
                m["kind"] == "chips" for m in e["messages"]))
        rating = next(m for e in asked for m in e["messages"] if m["kind"] == "chips")
        assert len(rating["options"]) == 5

    conversation = cluster.conversation(conversation_id)
    assert (conversation.status, conversation.owner) == ("closed", "bot")
    assert conversation.rating_requested_at is not None
    assert cluster.outbox(conversation_id) == []  # nothing fell back to email
