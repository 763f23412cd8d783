"""Visitor context through the real app: page views with browser and OS, the cart kept on
the conversation with its events (the 41-character rule on both sides), and the discount
chip's code applied to the cart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.runtime import Runtime
from knowledge_base.embedder import Embedder
from tests.channels.webchat_support import (
    API,
    CHROME_UA,
    NAME_40,
    NAME_41,
    event_kinds,
    long_names_store,
    shared_app,
    start_conversation,
)


@pytest.fixture(scope="module")
def app(embedder: Embedder, demo_chroma: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, TestClient]]:
    """The app over a demo store that also sells two long-named sleeping bags (each test
    starts its own conversation)."""
    with shared_app(embedder, demo_chroma, tmp_path_factory.mktemp("webchat-context"),
                    source=long_names_store()) as both:
        yield both


def cart_of(runtime: Runtime, conversation_id: str) -> dict[str, Any]:
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None and conversation.cart is not None
    return conversation.cart


def test_page_views_record_pages_browser_and_os(app: tuple[Runtime, TestClient]) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    url = f"{API}/conversations/{conversation_id}/pages"
    for page, title in (("http://shop.test/", "Home"),
                        ("http://shop.test/products/prod-skagen-shell", "Skagen")):
        answer = client.post(url, json={"url": page, "title": title,
                                        "timezone": "Europe/Oslo", "language": "nb-NO"},
                             headers={"user-agent": CHROME_UA})
        assert answer.status_code == 200, answer.text
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None and conversation.visitor is not None
    visitor = conversation.visitor
    assert [(p["url"], p["title"]) for p in visitor["pages"]] == [
        ("http://shop.test/", "Home"), ("http://shop.test/products/prod-skagen-shell", "Skagen")]
    assert (visitor["browser"], visitor["os"], visitor["timezone"], visitor["language"]) == (
        "Chrome 131", "Linux", "Europe/Oslo", "nb-NO")
    assert event_kinds(runtime, conversation_id) == ["page_view", "page_view"]


@pytest.mark.parametrize("page", [
    {"url": "javascript:alert(1)"}, {"url": "/relative"}, {"url": "http://x/", "title": "t" * 301},
    {"title": "no url"}])
def test_a_bad_page_view_is_refused_and_nothing_stored(app: tuple[Runtime, TestClient],
                                                       page: dict[str, Any]) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    answer = client.post(f"{API}/conversations/{conversation_id}/pages", json=page)
    assert answer.status_code == 422 and answer.json()["error"]
    assert event_kinds(runtime, conversation_id) == []


def test_adding_and_removing_updates_the_cart_and_records_events(
        app: tuple[Runtime, TestClient]) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    items = f"{API}/conversations/{conversation_id}/cart/items"
    client.post(items, json={"variant_id": "skagen-s-blue"})
    added = client.post(items, json={"variant_id": "beanie-navy", "quantity": 2})
    assert added.status_code == 200, added.text
    assert (added.json()["item_count"], added.json()["subtotal"]) == (3, "427.00")
    removed = client.delete(f"{items}/beanie-navy", params={"quantity": 1})
    assert (removed.json()["item_count"], removed.json()["subtotal"]) == (2, "388.00")
    assert client.get(f"{API}/conversations/{conversation_id}/cart").json() == removed.json()
    cart = cart_of(runtime, conversation_id)
    assert (cart["item_count"], cart["subtotal"], cart["currency"]) == (2, "388.00", "EUR")
    events = runtime.services.store.events(conversation_id)
    assert [(e.kind, e.detail["product"], e.detail["quantity"]) for e in events] == [
        ("cart_add", "Skagen 3L Shell Jacket", 1), ("cart_add", "Embroidered Merino Beanie", 2),
        ("cart_remove", "Embroidered Merino Beanie", 1)]


def test_the_product_name_is_in_the_event_only_below_41_characters(
        app: tuple[Runtime, TestClient]) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    items = f"{API}/conversations/{conversation_id}/cart/items"
    for variant in ("bag-40", "bag-41"):
        assert client.post(items, json={"variant_id": variant}).status_code == 200
        assert client.delete(f"{items}/{variant}").status_code == 200
    details = [(e.kind, e.detail.get("product"), e.detail["product_id"])
               for e in runtime.services.store.events(conversation_id)]
    assert details == [("cart_add", NAME_40, "prod-40"), ("cart_remove", NAME_40, "prod-40"),
                       ("cart_add", None, "prod-41"), ("cart_remove", None, "prod-41")]
    recorded = json.dumps([e.detail for e in runtime.services.store.events(conversation_id)])
    assert NAME_41 not in recorded
    assert cart_of(runtime, conversation_id)["item_count"] == 0


@pytest.mark.parametrize(("body", "status", "error"), [
    ({"variant_id": "skagen-m-blue"}, 409, "sold out"),
    ({"variant_id": "no-such-variant"}, 404, "no product variant"),
    ({"variant_id": "skagen-s-blue", "quantity": 0}, 422, "quantity"),
    ({"variant_id": "skagen-s-blue", "quantity": 5}, 409, "only 4"),
    ({"variant_id": "skagen-s-blue", "price": "0.01"}, 422, "price"),
])
def test_cart_changes_that_cannot_be_made_store_nothing(
        app: tuple[Runtime, TestClient], body: dict[str, Any], status: int,
        error: str) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    answer = client.post(f"{API}/conversations/{conversation_id}/cart/items", json=body)
    assert answer.status_code == status and error in answer.json()["error"]
    removal = client.delete(f"{API}/conversations/{conversation_id}/cart/items/skagen-s-blue")
    assert removal.status_code == 404 and "not in the cart" in removal.json()["error"]
    conversation = runtime.services.store.conversation(conversation_id)
    assert conversation is not None and conversation.cart is None
    assert event_kinds(runtime, conversation_id) == []


def test_the_discount_chip_applies_the_shared_code_to_the_cart(
        app: tuple[Runtime, TestClient]) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    base = f"{API}/conversations/{conversation_id}/cart"
    client.post(f"{base}/items", json={"variant_id": "skagen-s-blue"})
    code = client.get(f"{API}/config").json()["discount"]["code"]
    applied = client.post(f"{base}/discount", json={"code": code.lower()})
    assert applied.status_code == 200, applied.text
    assert applied.json()["discount"]["code"] == "WELCOME10"
    assert (applied.json()["discount"]["amount"], applied.json()["total"]) == ("34.90", "314.10")
    assert cart_of(runtime, conversation_id)["total"] == "314.10"
    assert event_kinds(runtime, conversation_id) == ["cart_add", "discount_applied"]


@pytest.mark.parametrize("code", ["STAFF40", "NOSUCH10"])
def test_a_private_or_unknown_code_gets_the_same_refusal(app: tuple[Runtime, TestClient],
                                                         code: str) -> None:
    runtime, client = app
    conversation_id = start_conversation(client)
    answer = client.post(f"{API}/conversations/{conversation_id}/cart/discount",
                         json={"code": code})
    assert (answer.status_code, answer.json()["error"]) == (422, "this code cannot be applied")
    assert event_kinds(runtime, conversation_id) == []
