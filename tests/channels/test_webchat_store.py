"""The demo storefront through the real app: its pages and the widget's files, the catalog,
the contact form as an email conversation, and markup from a message, a teammate or an
article kept as plain text in what the widget receives."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.commerce.demo_catalog import DEMO_PRODUCTS
from agent.runtime import Runtime
from channels.webchat_store import PAGE_POLICY
from knowledge_base.embedder import Embedder
from skills.parts import Action, CardItem, LinkPart, OrderCardPart, Part, parts_to_json
from tests.channels.webchat_support import (
    POISON,
    RETURN_WINDOW_QUESTION,
    history,
    poisoned_knowledge_base,
    send,
    shared_app,
    start_conversation,
)

CONTACT = {"name": "Astrid", "email": "astrid.nielsen@example.com",
           "message": "How long do I have to return an item?", "form_id": "form-1"}


@pytest.fixture(scope="module")
def shared(embedder: Embedder, demo_chroma: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, TestClient]]:
    """One app over a copy of the demo knowledge base whose returns article carries markup."""
    directory = tmp_path_factory.mktemp("webchat-store")
    chroma, article = poisoned_knowledge_base(demo_chroma, directory)
    with shared_app(embedder, chroma, directory / "data") as (runtime, client):
        runtime.ingest([article])
        yield runtime, client


def test_the_storefront_page_embeds_the_widget_under_a_same_origin_policy(
        shared: tuple[Runtime, TestClient]) -> None:
    client = shared[1]
    for path in ("/", "/products/prod-skagen-shell"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == PAGE_POLICY
        assert '<script src="/widget.js" data-page-views="manual" defer></script>' in page.text
    assert client.get("/products/prod-nothing").status_code == 404
    scripts = ("/widget.js", "/widget-view.js", "/widget-messages.js", "/store/storefront.js")
    for path in (*scripts, "/widget.css", "/store/storefront.css", "/store/favicon.svg"):
        asset = client.get(path)
        assert asset.status_code == 200, path
        media = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}
        assert asset.headers["content-type"].startswith(media[path.rsplit(".", 1)[1]])
    for path in scripts:  # text from the server never goes through an HTML parser
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write",
                             client.get(path).text), path


def test_the_catalog_comes_from_the_store_with_its_prices_and_stock(
        shared: tuple[Runtime, TestClient]) -> None:
    catalog = shared[1].get("/store/products").json()
    assert catalog["store_name"] == "Fjord & Fell" and catalog["currency"] == "EUR"
    assert sorted(p["id"] for p in catalog["products"]) == sorted(p.id for p in DEMO_PRODUCTS)
    shell = next(p for p in catalog["products"] if p["id"] == "prod-skagen-shell")
    assert shell["variants"][:2] == [
        {"id": "skagen-s-blue", "title": "S / Fjord Blue", "price": "349.00", "in_stock": True},
        {"id": "skagen-m-blue", "title": "M / Fjord Blue", "price": "349.00", "in_stock": False}]


def test_the_contact_form_starts_an_email_conversation_answered_by_email(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    answer = client.post("/store/contact", json=CONTACT)
    again = client.post("/store/contact", json=CONTACT)
    assert answer.status_code == 202, answer.text
    conversation_id = answer.json()["conversation_id"]
    assert again.json()["conversation_id"] == conversation_id
    store = runtime.services.store
    conversation = store.conversation(conversation_id)
    assert conversation is not None
    assert (conversation.channel, conversation.contact_email) == (
        "email", "astrid.nielsen@example.com")
    assert conversation.visitor == {"name": "Astrid", "source": "contact_form"}
    assert [(m.direction, m.channel) for m in store.messages(conversation_id)] == [
        ("in", "email"), ("out", "email")]
    replies = [m for m in store.outbox()
               if m.conversation_id == conversation_id and m.kind == "reply"]
    assert [(m.channel, m.recipient) for m in replies] == [
        ("email", "astrid.nielsen@example.com")]
    assert "Returns and exchanges" in replies[0].body


@pytest.mark.parametrize(("change", "status"), [
    ({"email": "astrid"}, 422), ({"name": ""}, 422), ({"message": " "}, 422),
    ({"form_id": "has spaces"}, 422), ({"message": "x" * 5000}, 422),
])
def test_a_bad_contact_form_is_refused_and_nothing_is_stored(
        shared: tuple[Runtime, TestClient], change: dict[str, str], status: int) -> None:
    runtime, client = shared
    before = len(runtime.services.store.conversations())
    answer = client.post("/store/contact", json={**CONTACT, "form_id": "form-bad", **change})
    assert answer.status_code == status and answer.json()["error"]
    assert len(runtime.services.store.conversations()) == before


def test_markup_reaches_the_widget_as_text_from_shopper_and_article(
        shared: tuple[Runtime, TestClient]) -> None:
    client = shared[1]
    conversation_id = start_conversation(client)
    typed = "<script>alert('shopper')</script><img src=x onerror=alert(1)>"
    send(client, conversation_id, typed, "c-1")
    send(client, conversation_id, RETURN_WINDOW_QUESTION, "c-2")
    entries = history(client, conversation_id)
    assert entries[0]["messages"] == [{"kind": "text", "text": typed}]
    article_texts = [m["text"] for m in entries[3]["messages"] if m["kind"] == "text"]
    assert any(POISON in text for text in article_texts), json.dumps(entries)


def test_links_that_are_not_http_never_become_buttons(
        shared: tuple[Runtime, TestClient]) -> None:
    runtime, client = shared
    conversation_id = start_conversation(client)
    card = OrderCardPart(
        order_number="1043", placed_at="2026-11-19T10:00:00+00:00", status="unfulfilled",
        status_label="Not shipped yet",
        items=[CardItem(title="<b>Beanie</b>", variant="Navy", quantity=1, status="unfulfilled",
                        status_label="Not shipped yet", allowed=True, reason="note: <i>x</i>")],
        actions=[Action(label="Pwn", url="javascript:alert(1)"),
                 Action(label="Track", url="https://tracking.example/1")])
    parts: list[Part] = [card, LinkPart(label="Sign in", url="javascript:alert(2)")]
    runtime.services.store.record_agent_message(conversation_id, "webchat", "",
                                                parts_to_json(parts), "delivered",
                                                runtime.services.clock.now())
    shown = history(client, conversation_id)[0]["messages"]
    assert shown[0]["buttons"] == [{"label": "Track", "url": "https://tracking.example/1"}]
    assert shown[0]["items"][0]["title"] == "<b>Beanie</b>"
    assert shown[1] == {"kind": "text", "text": "Sign in: javascript:alert(2)"}
