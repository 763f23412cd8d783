"""The console's agent preview, skills and content pages in headless Chromium, against the
app under uvicorn on loopback: sign in, preview a verified webchat shopper's order (the
order card), open the trace, then re-index the knowledge base and watch the progress."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright

from agent.app import create_app
from agent.commerce.demo import DEMO_CASES
from agent.runtime import Runtime

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OWNER_EMAIL = "owner@shop.example"
OWNER_PASSWORD = "owner password 123"


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(make_runtime: Callable[..., Runtime], tmp_path: Path) -> Iterator[str]:
    """The whole app under uvicorn on a loopback port, over its own knowledge base."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runtime = make_runtime(console_owner_email=OWNER_EMAIL,
                           console_owner_password=OWNER_PASSWORD, public_base_url=base,
                           chroma_dir=tmp_path / "chroma")
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the server stopped before it started"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def page() -> Iterator[Page]:
    """A page in headless Debian Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_preview_an_order_card_open_the_trace_and_reindex(served: str, page: Page) -> None:
    base = served
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(f"{base}/console/preview")
    page.wait_for_url(f"{base}/console/login**")
    page.fill("input[name=email]", OWNER_EMAIL)
    page.fill("input[name=password]", OWNER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/preview?**")

    email, number = DEMO_CASES["partially_fulfilled"]
    page.select_option("#setup-customer", email)
    page.check("#setup-verified")
    page.select_option("#setup-channel", "webchat")
    page.click("#setup-form button[type=submit]")
    expect(page.locator("#setup-form + p")).to_contain_text(f"verified {email} on webchat")

    page.fill("#turn-text", f"Where is my order {number}?")
    page.click("#turn-form button[type=submit]")
    reply = page.locator(".turn-agent").last
    card = reply.locator(".grid-2 [data-kind=order-card]")
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"Order #{number}")
    expect(card).to_contain_text("Trolltunga 28L Daypack")
    expect(reply.locator(".all-channels [data-channel=sms]")).to_contain_text("segment")

    trace = reply.locator("details.trace")
    expect(trace.locator("h3", has_text="line items")).to_be_hidden()
    trace.locator("summary").click()
    expect(trace.locator("h3", has_text=f"Order #{number}: line items")).to_be_visible()
    expect(trace).to_contain_text("order_status (confidence")
    expect(trace.locator(".trace-node h5", has_text="run_skill")).to_be_visible()

    page.click("nav >> text=Content")
    page.wait_for_url(f"{base}/console/content")
    page.click("#reindex-start")
    status = page.locator("#reindex-status")
    expect(status).to_contain_text("done:", timeout=120_000)
    expect(page.locator("#reindex")).to_have_attribute("data-state", "done")
    assert errors == []
