"""A teammate's actions through the real engine: replies leave on the original channel,
notes never reach the customer, the cancel-request warning holds a reply back, images are
checked and linked, closing asks for a rating."""

from __future__ import annotations

import json

import pytest

from agent.inbox_actions import ConversationNotFound, ImageUpload, InboxActions
from agent.inbox_attachments import read_attachment
from agent.inbox_records import InboxError, InboxRecords
from agent.inbox_view import timeline
from agent.runtime import Runtime
from tests.scenarios.chat import Shopper

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SENDER = "+4520123456"
TEAMMATE = "mads@shop.example"


def inbox_for(runtime: Runtime) -> tuple[InboxActions, InboxRecords]:
    records = InboxRecords(runtime.services.store.engine)
    return InboxActions(runtime.services, records), records


def replies_out(runtime: Runtime, conversation_id: str) -> list[tuple[str, str, str]]:
    return [(m.channel, m.recipient, m.body) for m in runtime.services.store.outbox()
            if m.conversation_id == conversation_id and m.kind == "reply"]


def handed_off_sms(runtime: Runtime) -> Shopper:
    shopper = Shopper(runtime, "sms", sender=SENDER)
    shopper.say("I want to talk to a person")
    return shopper


def test_a_reply_leaves_on_the_original_channel_and_takes_the_thread(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    shopper = Shopper(runtime, "sms", sender=SENDER)
    shopper.say("where do you ship to?")
    before = replies_out(runtime, shopper.conversation_id)
    outcome = actions.reply(shopper.conversation_id, "  Hi, Mads here.  ", TEAMMATE)
    assert outcome.state == "held" and outcome.warning is None
    assert replies_out(runtime, shopper.conversation_id)[len(before):] == [
        ("sms", SENDER, "Hi, Mads here.")]
    conversation = runtime.services.store.conversation(shopper.conversation_id)
    assert conversation is not None and conversation.owner == "human"


def test_a_webchat_visitor_who_left_gets_the_reply_by_email(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    shopper = Shopper(runtime, "webchat")
    shopper.say("I want to talk to a person")
    shopper.say("visitor@example.org")
    store, now = runtime.services.store, runtime.services.clock.now()
    store.update_conversation(shopper.conversation_id, now, visitor_online=False)
    assert actions.reply(shopper.conversation_id, "Your exchange is on its way.",
                         TEAMMATE).state == "emailed (held)"
    assert replies_out(runtime, shopper.conversation_id) == [
        ("email", "visitor@example.org", "Your exchange is on its way.")]


def test_notes_never_reach_the_customer(runtime: Runtime) -> None:
    actions, records = inbox_for(runtime)
    shopper = handed_off_sms(runtime)
    cid = shopper.conversation_id
    actions.add_note(cid, "SECRET-NOTE: customer was rude last time", TEAMMATE)
    actions.reply(cid, "Hello, how can I help?", TEAMMATE)
    shopper.say("I still want a person please")
    runtime.services.store.create_ticket(cid, "again", "again", runtime.services.clock.now())
    store = runtime.services.store
    everything_sent = json.dumps([store.transcript(cid),
                                  [m.body for m in store.outbox()],
                                  [m.payload for m in store.outbox()],
                                  [t.transcript for t in store.tickets(cid)]])
    assert "SECRET-NOTE" not in everything_sent
    notes = [e for e in timeline(store, records, cid) if e.kind == "note"]
    assert [(n.author, n.text) for n in notes] == [
        (TEAMMATE, "SECRET-NOTE: customer was rude last time")]


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_a_blank_or_huge_note_is_refused(runtime: Runtime, text: str) -> None:
    actions, records = inbox_for(runtime)
    shopper = handed_off_sms(runtime)
    with pytest.raises(InboxError):
        actions.add_note(shopper.conversation_id, text, TEAMMATE)
    assert records.notes(shopper.conversation_id) == []


def test_the_cancel_warning_holds_the_reply_until_send_anyway(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    text = "Sorry! Could you cancel it on your side? Then reorder."
    held = actions.reply(cid, text, TEAMMATE)
    assert held.state is None and held.warning == "Could you cancel it on your side?"
    assert replies_out(runtime, cid)[1:] == []
    sent = actions.reply(cid, text, TEAMMATE, send_anyway=True)
    assert sent.state == "held"
    assert replies_out(runtime, cid)[-1] == ("sms", SENDER, text)
    warnings = [e.detail for e in runtime.services.store.events(cid)
                if e.kind == "cancel_warning"]
    assert warnings == [{"by": TEAMMATE, "choice": "send_anyway",
                         "phrase": "Could you cancel it on your side?"}]


def test_an_image_is_stored_and_linked_by_its_public_url(runtime: Runtime) -> None:
    actions, records = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    outcome = actions.reply(cid, "Here is the label.", TEAMMATE,
                            image=ImageUpload("../../label.png", PNG))
    assert outcome.attachment is not None
    token = outcome.attachment.token
    body = replies_out(runtime, cid)[-1][2]
    assert body == f"Here is the label.\n\nhttp://127.0.0.1:8000/attachments/{token}.png"
    found = read_attachment(records, runtime.settings.data_dir, f"{token}.png", sent_only=True)
    assert found is not None and found[1] == PNG
    assert found[0].filename == "label.png" and found[0].content_type == "image/png"


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.7 not an image", "only PNG, JPEG, GIF or WebP"),
    (b"<svg onload=alert(1)>", "only PNG, JPEG, GIF or WebP"),
    (b"", "empty"),
    (PNG + b"\x00" * (1024 * 1024), "limited to 1024 KiB"),
])
def test_a_bad_image_is_refused_and_nothing_is_sent(runtime: Runtime, data: bytes,
                                                    reason: str) -> None:
    actions, _ = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    before = replies_out(runtime, cid)
    with pytest.raises(InboxError, match=reason):
        actions.reply(cid, "see attached", TEAMMATE, image=ImageUpload("x.png", data))
    assert replies_out(runtime, cid) == before
    assert not (runtime.settings.data_dir / "attachments").exists()


def test_an_unsent_image_is_not_public(runtime: Runtime) -> None:
    actions, records = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    held = actions.reply(cid, "Please cancel the order yourself.", TEAMMATE,
                         image=ImageUpload("a.png", PNG))
    assert held.warning is not None and held.attachment is not None
    name = f"{held.attachment.token}.png"
    data_dir = runtime.settings.data_dir
    assert read_attachment(records, data_dir, name, sent_only=True) is None
    assert read_attachment(records, data_dir, name, sent_only=False) is not None
    actions.reply(cid, "", TEAMMATE, attachment_token=held.attachment.token)
    assert read_attachment(records, data_dir, name, sent_only=True) is not None


def test_an_empty_reply_and_a_foreign_attachment_are_refused(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    with pytest.raises(InboxError, match="write a reply"):
        actions.reply(cid, "  ", TEAMMATE)
    other = handed_off_sms(runtime).conversation_id
    held = actions.reply(other, "please cancel the order yourself", TEAMMATE,
                         image=ImageUpload("a.png", PNG))
    assert held.attachment is not None
    with pytest.raises(InboxError, match="not part of this conversation"):
        actions.reply(cid, "hi", TEAMMATE, attachment_token=held.attachment.token)


def test_closing_asks_for_a_rating_and_reopen_and_hand_back_are_recorded(
        runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    assert actions.close(cid, TEAMMATE) == "closed; rating asked on sms (held)"
    store = runtime.services.store
    conversation = store.conversation(cid)
    assert conversation is not None and conversation.status == "closed"
    assert [m.kind for m in store.outbox() if m.conversation_id == cid][-1] == "rating_request"
    actions.reopen(cid, TEAMMATE)
    store.update_conversation(cid, runtime.services.clock.now(), owner="human")
    actions.hand_back(cid, TEAMMATE)
    conversation = store.conversation(cid)
    assert conversation is not None
    assert (conversation.status, conversation.owner) == ("open", "bot")
    assert [e.kind for e in store.events(cid)] == ["closed", "reopened", "handback"]


def test_assigning_and_reading_do_not_move_the_conversation_up(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    cid = handed_off_sms(runtime).conversation_id
    store = runtime.services.store
    before = store.conversation(cid)
    assert before is not None
    actions.assign(cid, TEAMMATE, "owner@shop.example")
    actions.mark_read(cid, read=False)
    after = store.conversation(cid)
    assert after is not None
    assert (after.assignee, after.unread, after.updated_at) == (TEAMMATE, True,
                                                                 before.updated_at)
    actions.assign(cid, None, "owner@shop.example")
    assert [(e.kind, e.detail) for e in store.events(cid)] == [
        ("assigned", {"by": "owner@shop.example", "assignee": TEAMMATE}),
        ("unassigned", {"by": "owner@shop.example"})]


def test_previews_and_unknown_ids_are_not_inbox_conversations(runtime: Runtime) -> None:
    actions, _ = inbox_for(runtime)
    runtime.services.store.ensure_conversation("preview-abc", "webchat",
                                               runtime.services.clock.now())
    for cid in ("preview-abc", "nope"):
        with pytest.raises(ConversationNotFound):
            actions.reply(cid, "hi", TEAMMATE)
