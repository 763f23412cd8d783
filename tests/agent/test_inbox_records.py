"""Saved replies: names are shortcuts, saving a name again replaces it, at most twenty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.conversations import ConversationStore
from agent.inbox_records import MAX_SAVED_REPLIES, InboxError, InboxRecords

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def records(store: ConversationStore) -> InboxRecords:
    return InboxRecords(store.engine)


def test_saving_a_name_again_replaces_its_text(records: InboxRecords) -> None:
    records.save_reply("Shipping", "We ship in 2 days.", "a@shop.example", NOW)
    records.save_reply("shipping", "We ship tomorrow.", "b@shop.example", NOW)
    assert [(r.name, r.text, r.updated_by) for r in records.saved_replies()] == [
        ("shipping", "We ship tomorrow.", "b@shop.example")]
    assert records.delete_saved_reply("shipping")
    assert not records.delete_saved_reply("shipping")
    assert records.saved_replies() == []


def test_at_most_twenty_saved_replies(records: InboxRecords) -> None:
    for n in range(MAX_SAVED_REPLIES):
        records.save_reply(f"r{n}", f"text {n}", "a@shop.example", NOW)
    with pytest.raises(InboxError, match="at most 20"):
        records.save_reply("one-more", "text", "a@shop.example", NOW)
    records.save_reply("r3", "still replaceable", "a@shop.example", NOW)
    assert len(records.saved_replies()) == MAX_SAVED_REPLIES


@pytest.mark.parametrize(("name", "text"), [
    ("", "text"), ("has space", "text"), ("/slash", "text"), ("x" * 33, "text"),
    ("ok", ""), ("ok", "   "), ("ok", "x" * 2001),
])
def test_bad_names_and_texts_are_refused(records: InboxRecords, name: str, text: str) -> None:
    with pytest.raises(InboxError):
        records.save_reply(name, text, "a@shop.example", NOW)
    assert records.saved_replies() == []
