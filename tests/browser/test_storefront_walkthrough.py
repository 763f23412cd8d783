"""A shopper in headless Chromium: the storefront, the cart, the widget and the agent.

The app runs under uvicorn on a loopback port over a test runtime (fixed clock, the demo
store, a knowledge base whose returns article carries markup). The shopper opens a
product, adds it to the cart (the event shows in the conversation), opens the chat,
applies the shared discount code from its chip, leaves an email, clicks a frequent
question, asks where their order is, verifies with the one-time code read from the
outbox, sees the order card, gets markup from themselves, the article and a teammate as
plain text, reloads and sees the same history once, and leaves (the conversation records
it). No dialog ever opens and nothing is requested from anywhere but the app.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Dialog, Page, expect

from agent.commerce.demo import DEMO_CASES
from agent.delivery import deliver_teammate_reply
from agent.runtime import Runtime
from tests.browser.support import chromium, eventually, free_port, served
from tests.channels.webchat_support import (
    POISON,
    RETURN_WINDOW_QUESTION,
    event_kinds,
    latest_code,
    poisoned_knowledge_base,
)
from tests.conftest import RuntimeFactory

WAIT_MS = 60_000
TYPED_MARKUP = "<img src=x onerror=\"window.pwned=1;alert('typed')\"><script>alert(2)</script>"
TEAMMATE_MARKUP = "Sara here <img src=https://tracker.example/p.gif onerror=alert(3)>"


def replies(page: Page) -> Any:
    """The agent's and the team's entries in the log (the greeting aside)."""
    return page.locator(".ca-log .ca-entry.ca-out:not(.ca-greeting)")


def say(page: Page, text: str, replies_before: int) -> None:
    """Type a message, send it with Enter and wait for the next reply."""
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")
    expect(replies(page)).to_have_count(replies_before + 1)


def conversation_of(runtime: Runtime, conversation_id: str) -> Any:
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None
    return conversation


def test_a_shopper_shops_chats_verifies_and_comes_back(
        make_runtime: RuntimeFactory, demo_chroma: Path, tmp_path: Path) -> None:
    port = free_port()
    chroma, article = poisoned_knowledge_base(demo_chroma, tmp_path / "kb")
    runtime = make_runtime(chroma_dir=chroma, public_base_url=f"http://127.0.0.1:{port}",
                           webchat_poll_seconds=0.3)
    runtime.ingest([article])
    email, order_number = DEMO_CASES["partially_fulfilled"]
    expect.set_options(timeout=WAIT_MS)
    with served(runtime, port) as base, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(WAIT_MS)
        dialogs: list[str] = []

        def refuse(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", refuse)
        elsewhere: list[str] = []
        page.on("request", lambda request: None if request.url.startswith(base)
                else elsewhere.append(request.url))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" else None)

        # the storefront: open a product, add it to the cart
        page.goto(base + "/")
        page.get_by_role("link", name="Skagen 3L Shell Jacket").click()
        expect(page).to_have_url(f"{base}/products/prod-skagen-shell")
        page.get_by_role("button", name="Add Skagen 3L Shell Jacket to cart").click()
        expect(page.locator("#cart-count")).to_have_text("1")
        expect(page.locator("#cart-subtotal")).to_have_text("€349.00")
        conversation_id = page.evaluate("window.CustomerAgent.ready")
        added = [e.detail for e in runtime.services.store.events(conversation_id)
                 if e.kind == "cart_add"]
        assert [(d["product"], d["variant_id"]) for d in added] == [
            ("Skagen 3L Shell Jacket", "skagen-s-blue")]

        # the widget opens with the greeting, frequent questions and the discount chip
        page.get_by_role("button", name="Chat with us").click()
        log = page.get_by_role("log")
        expect(log).to_have_attribute("aria-live", "polite")
        expect(log).to_contain_text(runtime.settings.webchat_greeting)
        expect(page.get_by_label("Type your message")).to_be_focused()
        page.get_by_role("button", name=re.compile("^Use code WELCOME10")).click()
        expect(page.locator("#cart-discount")).to_have_text("−€34.90")
        expect(page.locator("#cart-total")).to_have_text("€314.10")
        page.get_by_label("Your email (optional)").fill(email)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".ca-starter")).to_contain_text(f"we'll email you at {email}")
        assert conversation_of(runtime, conversation_id).contact_email == email

        # a frequent question as a quick reply, then the order, verified by code
        page.get_by_role("button", name="What does shipping cost?").click()
        expect(replies(page)).to_have_count(1)
        expect(replies(page)).to_contain_text("Shipping")
        expect(page.get_by_role("button", name="Where is my order?")).to_have_count(0)
        say(page, f"where is my order {order_number}", 1)
        code_box = page.get_by_label("One-time code")
        code_box.fill(latest_code(runtime, conversation_id))
        code_box.press("Enter")
        card = page.locator("article.ca-card")
        expect(card).to_contain_text(f"Order #{order_number}")
        expect(card.locator(".ca-item")).to_have_count(2)
        expect(card.locator(".ca-item .ca-badge")).to_have_text(["Shipped", "Not shipped yet"])
        track = card.get_by_role("link", name=re.compile("^Track"))
        assert (track.get_attribute("href") or "").startswith("https://")

        # markup from the shopper, an article and a teammate stays text
        say(page, TYPED_MARKUP, 3)
        say(page, RETURN_WINDOW_QUESTION, 4)
        expect(log).to_contain_text(POISON)
        conversation = conversation_of(runtime, conversation_id)
        deliver_teammate_reply(runtime.services.store, runtime.services.outbound, conversation,
                               TEAMMATE_MARKUP, runtime.services.clock.now(), "Fjord & Fell")
        expect(log).to_contain_text(TEAMMATE_MARKUP)
        expect(log).to_contain_text(TYPED_MARKUP)
        assert log.locator("img, script, iframe").count() == 0
        shown = log.locator(".ca-entry").count()

        # a reload replays the history once, the panel still open
        page.reload()
        expect(page.locator("article.ca-card")).to_contain_text(f"Order #{order_number}")
        expect(log.locator(".ca-entry")).to_have_count(shown)
        expect(log).to_contain_text(TEAMMATE_MARKUP)
        expect(page.locator("#cart-total")).to_have_text("€314.10")
        assert log.locator("img, script, iframe").count() == 0
        assert page.evaluate("window.pwned") is None
        page.keyboard.press("Escape")
        expect(page.locator("#ca-panel")).to_be_hidden()
        launcher = page.get_by_role("button", name="Chat with us")
        expect(launcher).to_be_focused()
        assert launcher.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
        launcher.press("Enter")
        expect(page.get_by_label("Type your message")).to_be_focused()

        eventually(lambda: conversation_of(runtime, conversation_id).visitor_online,
                   "the visitor never came back online")
        page.close()
        eventually(lambda: conversation_of(runtime, conversation_id).visitor_online is False,
                   "leaving the page was not recorded")

    assert dialogs == []
    assert elsewhere == []
    assert errors == []
    visitor = conversation_of(runtime, conversation_id).visitor
    assert visitor["browser"].startswith("Chrome") and visitor["os"] == "Linux"
    assert [p["url"] for p in visitor["pages"]] == [
        f"{base}/", f"{base}/products/prod-skagen-shell", f"{base}/products/prod-skagen-shell"]
    assert visitor["pages"][1]["title"].startswith("Skagen 3L Shell Jacket")
    kinds = event_kinds(runtime, conversation_id)
    assert {"page_view", "cart_add", "discount_applied", "contact_email", "online",
            "offline"} <= set(kinds)


def test_without_websockets_the_widget_talks_over_http(
        make_runtime: RuntimeFactory) -> None:
    port = free_port()
    runtime = make_runtime(public_base_url=f"http://127.0.0.1:{port}", webchat_poll_seconds=0.3)
    expect.set_options(timeout=WAIT_MS)
    with served(runtime, port) as base, chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(WAIT_MS)
        page.add_init_script("delete window.WebSocket;")
        page.goto(base + "/")
        page.get_by_role("button", name="Chat with us").click()
        say(page, "Do you have a discount code?", 0)
        expect(replies(page)).to_contain_text("WELCOME10")
        expect(page.locator(".ca-typing")).to_be_hidden()
        conversation_id = page.evaluate("window.CustomerAgent.ready")
        conversation = conversation_of(runtime, conversation_id)
        deliver_teammate_reply(runtime.services.store, runtime.services.outbound, conversation,
                               "Hello from the team", runtime.services.clock.now(),
                               "Fjord & Fell")
        expect(replies(page)).to_have_count(2)
        expect(replies(page).last).to_contain_text("Hello from the team")
        page.reload()
        expect(page.get_by_role("log").locator(".ca-entry")).to_have_count(4)
    messages = runtime.services.store.messages(conversation_id)
    assert [(m.direction, m.author) for m in messages] == [
        ("in", "customer"), ("out", "agent"), ("out", "teammate")]
