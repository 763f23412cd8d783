"""The inbox in headless Chromium against the app under uvicorn on loopback.

Sign in, let a real turn (``POST /api/turns``, SMS) hand off to a person, find the ticket
in the inbox, add an internal note, use an assist, reply, and see the reply recorded for
the conversation's original channel (an SMS outbox row to the shopper's number), while the
note stays out of everything the shopper can receive. Then the cancel-request warning
(edit, resend) and a new customer message announced by the inbox's poll (banner and
browser notification; the page's ``Notification`` is recorded rather than shown).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from agent.app import create_app
from agent.runtime import Runtime

CHROMIUM = "/usr/bin/chromium"
OWNER_EMAIL = "owner@shop.example"
OWNER_PASSWORD = "owner password 123"
SENDER = "+4520123456"
CONVERSATION = "sms:+4520123456"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(make_runtime: Callable[..., Runtime]) -> Iterator[tuple[str, Runtime]]:
    """The whole app (console included) under uvicorn on a loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runtime = make_runtime(console_owner_email=OWNER_EMAIL,
                           console_owner_password=OWNER_PASSWORD, public_base_url=base)
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped before it started"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield base, runtime
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def page() -> Iterator[Page]:
    """A page in headless Debian Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/console/login")
    page.fill("input[name=email]", OWNER_EMAIL)
    page.fill("input[name=password]", OWNER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console**")


def test_handoff_note_and_reply_on_the_original_channel(
        served: tuple[str, Runtime], page: Page) -> None:
    base, runtime = served
    sign_in(page, base)
    turn = httpx.post(f"{base}/api/turns", timeout=60, json={
        "conversation_id": CONVERSATION, "channel": "sms", "sender": SENDER,
        "text": "I want to talk to a person"})
    assert turn.status_code == 200 and turn.json()["status"] == "handoff"
    ticket_id = turn.json()["handoff"]["ticket_id"]

    page.goto(f"{base}/console/inbox")
    row = page.locator(f"tr[data-conversation='{CONVERSATION}']")
    expect(row).to_contain_text("Astrid Nielsen")
    expect(row).to_contain_text("with team")
    row.locator("a.inbox-link").click()
    expect(page.locator("h1")).to_have_text("Astrid Nielsen")
    expect(page.locator(".ticket")).to_contain_text(ticket_id)

    page.fill("#note-text", "Internal: offered a free exchange last month")
    page.click("text=Add note")
    expect(page.locator(".tl-note")).to_contain_text("offered a free exchange last month")

    page.fill("#reply-text", "hi , i can help with that")
    page.click("button.assist[data-assist-name=grammar]")
    expect(page.locator("#reply-text")).to_have_value("Hi, I can help with that.")
    page.click("#send-reply")
    expect(page.locator(".flash-success")).to_contain_text("Reply sent")
    expect(page.locator(".msg-teammate").last).to_contain_text(
        "Hi, I can help with that.")

    sent = [(m.channel, m.recipient, m.body) for m in runtime.services.store.outbox()
            if m.conversation_id == CONVERSATION and m.kind == "reply"]
    assert sent[-1] == ("sms", SENDER, "Hi, I can help with that.")
    shopper_side = json.dumps([runtime.services.store.transcript(CONVERSATION),
                               [m.body for m in runtime.services.store.outbox()]])
    assert "free exchange" not in shopper_side


RECORD_NOTIFICATIONS = """
window.shownNotifications = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.shownNotifications.push([title, options.body]); }
};
"""


def test_the_cancel_warning_and_new_message_notifications(served: tuple[str, Runtime],
                                                          page: Page) -> None:
    base, runtime = served
    page.add_init_script(RECORD_NOTIFICATIONS)
    sign_in(page, base)
    httpx.post(f"{base}/api/turns", timeout=60, json={
        "conversation_id": CONVERSATION, "channel": "sms", "sender": SENDER,
        "text": "I want to talk to a person"})
    page.goto(f"{base}/console/inbox/{CONVERSATION}")
    page.fill("#reply-text", "Could you cancel it on your side?")
    page.click("#send-reply")
    expect(page.locator("#cancel-warning")).to_contain_text("Could you cancel it on your side?")
    page.click("text=Edit")
    expect(page.locator("#reply-text")).to_have_value("Could you cancel it on your side?")
    page.fill("#reply-text", "We have cancelled the order for you.")
    page.click("#send-reply")
    expect(page.locator(".flash-success")).to_contain_text("Reply sent")
    choices = [e.detail["choice"] for e in runtime.services.store.events(CONVERSATION)
               if e.kind == "cancel_warning"]
    assert choices == ["edit"]

    page.goto(f"{base}/console/inbox")
    page.wait_for_load_state("networkidle")
    httpx.post(f"{base}/api/turns", timeout=60, json={
        "conversation_id": "email-ola", "channel": "email", "sender": "ola@example.net",
        "text": "Where is my parcel?"})
    banner = page.locator("#notify-banner")
    expect(banner).to_contain_text("New email message: Where is my parcel?", timeout=40_000)
    expect(banner.locator("a")).to_have_attribute("href", "/console/inbox/email-ola")
    assert page.evaluate("window.shownNotifications") == [
        ["New email message", "Where is my parcel?"]]
