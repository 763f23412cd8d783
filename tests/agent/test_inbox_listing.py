"""The inbox list, one conversation's timeline and profile, and the notification cursor,
over a store seeded by hand (SQLite and PostgreSQL) and the demo order source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agent.commerce.demo import DemoStore
from agent.conversations import ConversationStore
from agent.db import make_engine
from agent.inbox import (
    UNASSIGNED,
    InboxFilter,
    cart_lines,
    cart_summary,
    inbox_rows,
    latest_message_id,
    new_inbound,
)
from agent.inbox_profile import customer_profile, visitor_details
from agent.inbox_records import InboxRecords
from agent.inbox_view import timeline

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ASTRID_PHONE = "+4520123456"
CART = {"items": [{"product_id": "p1", "title": "Rondane top", "quantity": 2,
                   "unit_price": "49.50"}], "item_count": 2, "subtotal": "99.00",
        "currency": "EUR"}
VISITOR = {"pages": [{"url": "/products/rondane", "title": "Rondane top", "at": "09:58"},
                     {"url": "/cart", "title": "Cart", "at": "09:59"}, "junk"],
           "browser": "Firefox 132", "os": "macOS", "timezone": "Europe/Copenhagen",
           "language": "da", "location": "Aarhus, DK", "evil": "<script>"}


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def source() -> DemoStore:
    return DemoStore(anchor=NOW)


@pytest.fixture
def seeded(db_url: str) -> Iterator[ConversationStore]:
    store = ConversationStore(make_engine(db_url))

    def conversation(cid: str, channel: str, minutes: int, text: str,
                     **values: Any) -> None:
        store.ensure_conversation(cid, channel, later(minutes))
        store.record_inbound(cid, channel, text, None, later(minutes))
        store.update_conversation(cid, later(minutes), **values)

    conversation("sms-astrid-old", "sms", 0, "my parcel is late", status="closed",
                 reply_to=ASTRID_PHONE, topics=["Shipping"])
    conversation("sms-astrid", "sms", 10, "can I change the size of my order?",
                 reply_to=ASTRID_PHONE, topics=["Edit orders", "Shipping"], unread=True,
                 assignee="mads@shop.example")
    conversation("web-visitor", "webchat", 20, "do you have wool socks?",
                 visitor_online=True, cart=CART, visitor=VISITOR, topics=["Products"])
    conversation("mail-ola", "email", 30, "invoice please", reply_to="ola@example.net")
    conversation("preview-123", "webchat", 40, "preview only")
    yield store
    store.engine.dispose()


def ids(rows: list[Any]) -> list[str]:
    return [row.id for row in rows]


def test_rows_show_who_where_what_and_state(seeded: ConversationStore,
                                            source: DemoStore) -> None:
    rows = {row.id: row for row in inbox_rows(seeded, source)}
    assert list(rows) == ["mail-ola", "web-visitor", "sms-astrid", "sms-astrid-old"]
    astrid = rows["sms-astrid"]
    assert (astrid.customer, astrid.address, astrid.channel) == (
        "Astrid Nielsen", "astrid.nielsen@example.com", "sms")
    assert (astrid.topics, astrid.unread, astrid.assignee, astrid.status) == (
        ["Edit orders", "Shipping"], True, "mads@shop.example", "open")
    visitor = rows["web-visitor"]
    assert (visitor.customer, visitor.online, visitor.cart) == (
        "Anonymous visitor", True, "2 items · 99.00 EUR")
    assert rows["mail-ola"].customer == "ola@example.net"
    assert rows["mail-ola"].last_message == "invoice please"


@pytest.mark.parametrize(("wanted", "expected"), [
    (InboxFilter(status="closed"), ["sms-astrid-old"]),
    (InboxFilter(channel="webchat"), ["web-visitor"]),
    (InboxFilter(assignee="mads@shop.example"), ["sms-astrid"]),
    (InboxFilter(assignee=UNASSIGNED), ["mail-ola", "web-visitor", "sms-astrid-old"]),
    (InboxFilter(topic="Shipping"), ["sms-astrid", "sms-astrid-old"]),
    (InboxFilter(query="astrid"), ["sms-astrid", "sms-astrid-old"]),
    (InboxFilter(query="OLA@example"), ["mail-ola"]),
    (InboxFilter(query="wool SOCKS"), ["web-visitor"]),
    (InboxFilter(query="preview only"), []),
    (InboxFilter(query="nothing like this"), []),
    (InboxFilter(status="open", channel="sms", topic="Edit orders"), ["sms-astrid"]),
])
def test_filters_and_search(seeded: ConversationStore, source: DemoStore,
                            wanted: InboxFilter, expected: list[str]) -> None:
    assert ids(inbox_rows(seeded, source, wanted)) == expected


@pytest.mark.parametrize(("cart", "summary"), [
    (None, None), ([], None), ("junk", None), ({"items": []}, None),
    ({"item_count": 1, "subtotal": "12.5", "currency": "DKK"}, "1 item · 12.50 DKK"),
    ({"items": [{"quantity": 2}, {"quantity": 3}, "junk"]}, "5 items"),
    ({"item_count": 2, "subtotal": "NaN", "currency": "EUR"}, "2 items"),
    ({"item_count": 2, "subtotal": "lots"}, "2 items"),
])
def test_cart_summary_tolerates_what_it_is_given(cart: Any, summary: str | None) -> None:
    assert cart_summary(cart) == summary


def test_cart_lines_skip_malformed_items() -> None:
    assert cart_lines({"items": [{"title": "Sock", "quantity": 2}, 7]}) == [
        {"title": "Sock", "quantity": "2", "unit_price": ""}]
    assert cart_lines(["not", "a", "cart"]) == []


def test_the_timeline_interleaves_messages_events_and_notes(seeded: ConversationStore) -> None:
    records = InboxRecords(seeded.engine)
    cid = "web-visitor"
    seeded.record_event(cid, "cart_add", {"title": "Rondane top", "quantity": 2}, later(19))
    seeded.record_event(cid, "offline", {}, later(25))
    records.add_note(cid, "mads@shop.example", "likes wool", later(22))
    seeded.record_teammate_reply(cid, "webchat", "Yes, we do!", "delivered", later(21))
    entries = [(e.kind, e.author, e.text) for e in timeline(seeded, records, cid)]
    assert entries == [
        ("event", "cart_add", "Added to cart: Rondane top ×2"),
        ("message", "customer", "do you have wool socks?"),
        ("message", "teammate", "Yes, we do!"),
        ("note", "mads@shop.example", "likes wool"),
        ("event", "offline", "Visitor left the chat"),
    ]


def test_the_profile_knows_the_customer_orders_and_history(seeded: ConversationStore,
                                                           source: DemoStore) -> None:
    conversation = seeded.conversation("sms-astrid")
    assert conversation is not None
    profile = customer_profile(seeded, source, conversation, {"identity": "contact_matched"})
    assert profile.customer is not None and profile.customer.name == "Astrid Nielsen"
    assert profile.identity == "Matched by contact (not verified)"
    assert profile.returning
    assert [p.id for p in profile.previous] == ["sms-astrid-old"]
    first = profile.orders[0]
    assert (first.number, first.status) == ("1043", "unfulfilled")
    assert [line.status for line in first.lines] == ["unfulfilled", "unfulfilled"]
    assert profile.visitor["location"].endswith("(latest shipping address)")
    assert "," in profile.visitor["location"]


def test_a_visitor_without_location_is_placed_by_the_browser_time_zone(
        seeded: ConversationStore, source: DemoStore) -> None:
    conversation = seeded.conversation("web-visitor")
    assert conversation is not None
    visitor = {**(conversation.visitor or {}), "location": ""}
    seeded.update_conversation("web-visitor", conversation.updated_at, visitor=visitor)
    updated = seeded.conversation("web-visitor")
    assert updated is not None
    profile = customer_profile(seeded, source, updated, None)
    assert profile.visitor["location"] == "Copenhagen (browser time zone)"


def test_a_new_visitor_profile_comes_from_the_webchat_details(seeded: ConversationStore,
                                                              source: DemoStore) -> None:
    conversation = seeded.conversation("web-visitor")
    assert conversation is not None
    profile = customer_profile(seeded, source, conversation, None)
    assert profile.customer is None and not profile.returning and profile.orders == []
    assert profile.visitor == {"location": "Aarhus, DK", "timezone": "Europe/Copenhagen",
                               "language": "da", "browser": "Firefox 132", "os": "macOS"}
    assert [p["title"] for p in profile.pages] == ["Cart", "Rondane top"]
    assert visitor_details("not a dict") == ({}, [])


def test_notifications_start_at_the_cursor_and_skip_previews(seeded: ConversationStore) -> None:
    cursor = latest_message_id(seeded)
    assert new_inbound(seeded, cursor) == ([], cursor)
    seeded.record_inbound("preview-123", "webchat", "preview again", None, later(50))
    seeded.record_inbound("mail-ola", "email", "hello again", None, later(51))
    fresh, after = new_inbound(seeded, cursor)
    assert [(m.conversation_id, m.text) for m in fresh] == [("mail-ola", "hello again")]
    assert after == latest_message_id(seeded)
    assert new_inbound(seeded, after) == ([], after)
